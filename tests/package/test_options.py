"""The package's stage options: arm64 (functions and the layer's compiled wheels) and SnapStart for the API
function; and what the layer leaves out."""

from __future__ import annotations

import copy
import json
import re
import struct
import zipfile
from pathlib import Path

import pytest

from infra.package.build import ROOT
from infra.package.layer import AWS_SERVICES, build_layer
from infra.package.template import Design, snapstart
from infra.permissions import CAPABILITIES
from tests.package.conftest import cfn_lint, load

EM_X86_64, EM_AARCH64 = 62, 183


def machine(archive: Path, suffix: str) -> int:
    """The ELF machine of the first shared object in ``archive`` whose name ends with ``suffix``."""
    with zipfile.ZipFile(archive) as z:
        name = next(n for n in z.namelist() if n.endswith(suffix))
        header = z.read(name)[:20]
    assert header[:4] == b"\x7fELF"
    return struct.unpack("<H", header[18:20])[0]


def test_an_arm64_layer_ships_the_aarch64_build_of_compiled_dependencies(real, tmp_path: Path) -> None:
    arm = build_layer(ROOT, tmp_path / "layer.zip", ROOT / "build" / ".cache", "arm64")
    for compiled in ("cryptography/hazmat/bindings/_rust.abi3.so", ".so"):
        assert machine(arm, compiled) == EM_AARCH64
        assert machine(real.layer_zip, compiled) == EM_X86_64


def python312(template: dict) -> dict:
    t = copy.deepcopy(template)
    for resource in t["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["Runtime"] = "python3.12"
    t["Resources"]["CommonLayer"]["Properties"]["CompatibleRuntimes"] = ["python3.12"]
    return t


def test_snapstart_publishes_the_api_function_and_api_gateway_invokes_that_version(
    real, tmp_path: Path
) -> None:
    template = python312(load(real))
    snapstart(template, Design("dev", (), [], [], CAPABILITIES, {}, snapstart=True))
    api = template["Resources"]["APIHandler"]["Properties"]
    assert api["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    assert api["AutoPublishAlias"] == "live"
    body = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    uris = [
        op["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"]
        for ops in body["paths"].values()
        for op in ops.values()
    ]
    assert uris and all("${APIHandlerAliaslive}" in uri for uri in uris)
    assert template["Resources"]["APIHandlerInvokePermission"]["Properties"]["FunctionName"] == {
        "Ref": "APIHandlerAliaslive"
    }
    others = [
        r
        for k, r in template["Resources"].items()
        if r["Type"] == "AWS::Serverless::Function" and k != "APIHandler"
    ]
    assert not any("SnapStart" in r["Properties"] for r in others)
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template))
    lint = cfn_lint(path)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_snapstart_on_a_runtime_before_python312_fails_the_build_saying_what_to_do(real) -> None:
    with pytest.raises(ValueError, match=r"SnapStart needs a python3\.12\+ runtime"):
        snapstart(load(real), Design("dev", (), [], [], CAPABILITIES, {}, snapstart=True))


def test_the_layer_keeps_the_api_models_of_every_aws_service_the_code_calls_and_no_other(real) -> None:
    called = set()
    for source in [*(ROOT / "functions").rglob("*.py"), *(ROOT / "layers").rglob("*.py")]:
        called |= set(re.findall(r"boto3\.client\(\s*\"([a-z0-9-]+)\"", source.read_text()))
    assert called and called <= AWS_SERVICES
    with zipfile.ZipFile(real.layer_zip) as z:
        services = {
            n.split("/")[3]
            for n in z.namelist()
            if n.startswith("python/botocore/data/") and n.count("/") > 4
        }
    assert {"dynamodb", "ssm"} <= services <= AWS_SERVICES
