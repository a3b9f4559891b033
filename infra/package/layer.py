"""The common layer: ``common`` (layers/common) and the runtime dependencies, built for Lambda's platform.

The dependencies are ``[project] dependencies`` of pyproject.toml, less Chalice (the deployment package carries
the ``chalice.app`` module the app needs), each pinned to the version installed where the build runs, so the layer
holds what the tests ran against. pip fetches wheels for the functions' architecture (manylinux2014 x86_64 or
aarch64: a compiled dependency such as cryptography comes as the wheel for that machine) and this Python (binary
only: nothing is compiled here, so an arm64 layer builds on any machine that reaches PyPI). The result is cached by
its inputs under ``build/.cache``: once built, packaging is offline.

What nothing needs at run time is left out: botocore's API models of the AWS services the code never calls (the
whole catalogue is most of botocore's size; ``AWS_SERVICES`` lists those kept, and a package test checks every
``boto3.client(...)`` in the code is among them).
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

from infra.package.zipping import add_tree, compile_tree, copy_source, zip_tree

PLATFORMS = {"x86_64": "manylinux2014_x86_64", "arm64": "manylinux2014_aarch64"}  # Lambda's two architectures
PLATFORM = PLATFORMS["x86_64"]
ARCHITECTURE = "x86_64"
# The AWS APIs the functions call (boto3 clients, PynamoDB and Powertools' idempotency on DynamoDB, settings from
# SSM); STS and SSO are kept so credential providers other than Lambda's environment still work.
AWS_SERVICES = frozenset({"dynamodb", "stepfunctions", "events", "s3", "ssm", "sts", "sso", "sso-oidc"})
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
RUNTIME = f"python{PYTHON}"
NOT_AT_RUNTIME = {"chalice"}  # the CLI and its dependencies; chalice.app is vendored by `chalice package`


def name_of(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def runtime_requirements(pyproject: Path) -> list[str]:
    """``[project] dependencies`` without what only the build needs."""
    deps = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    return [d for d in deps if name_of(d) not in NOT_AT_RUNTIME]


def installed_pins(exclude: str) -> list[str]:
    """``name==version`` of every distribution installed here, the project itself excepted."""
    pins = {
        name_of(d.metadata["Name"]): f"{d.metadata['Name']}=={d.version}"
        for d in importlib.metadata.distributions()
        if d.metadata["Name"]
    }
    pins.pop(exclude, None)
    return sorted(pins.values())


def pip_install(requirements: list[str], pins: list[str], target: Path, platform: str = PLATFORM) -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as constraints:
        constraints.write("\n".join(pins) + "\n")
        constraints.flush()
        pip = [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-compile",
        ]
        wheels = ["--platform", platform, "--implementation", "cp", "--python-version", PYTHON]
        binary = ["--only-binary=:all:", "--target", str(target), "-c", constraints.name]
        subprocess.run([*pip, *wheels, *binary, *requirements], check=True)
    shutil.rmtree(target / "bin", ignore_errors=True)  # console scripts: not importable, not needed


def prune(site: Path) -> int:
    """Remove what nothing imports or reads at run time; the bytes removed."""
    removed = 0
    data = site / "botocore" / "data"
    for service in sorted(p for p in data.iterdir() if p.is_dir()) if data.is_dir() else []:
        if service.name not in AWS_SERVICES:
            removed += sum(f.stat().st_size for f in service.rglob("*") if f.is_file())
            shutil.rmtree(service)
    return removed


def dependencies_zip(root: Path, cache: Path, architecture: str = ARCHITECTURE) -> Path:
    """The zip of ``python/<dependencies>``, built once per set of inputs (two builds may race: a lock)."""
    requirements = runtime_requirements(root / "pyproject.toml")
    pins = installed_pins(exclude="jiazheng")
    platform = PLATFORMS[architecture]
    key = json.dumps([requirements, pins, platform, PYTHON, sorted(AWS_SERVICES)]).encode()
    cached = cache / f"dependencies-{hashlib.sha256(key).hexdigest()[:16]}.zip"
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not cached.exists():
            with tempfile.TemporaryDirectory(dir=cache) as tmp:
                site = Path(tmp) / "python"
                pip_install(requirements, pins, site, platform)
                prune(site)
                compile_tree(site)
                zip_tree(site, Path(tmp) / "deps.zip", prefix="python/").rename(cached)
    return cached


def build_layer(root: Path, dest: Path, cache: Path, architecture: str = ARCHITECTURE) -> Path:
    """``dest``: the dependencies (for ``architecture``) plus ``python/common``, compiled."""
    shutil.copyfile(dependencies_zip(root, cache, architecture), dest)
    with tempfile.TemporaryDirectory() as tmp:
        common = copy_source(root / "layers" / "common", Path(tmp) / "common")
        compile_tree(common)
        with zipfile.ZipFile(dest, "a", zipfile.ZIP_DEFLATED) as archive:
            add_tree(archive, common, prefix="python/common/")
    return dest
