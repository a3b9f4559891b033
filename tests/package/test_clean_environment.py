"""The built packages, unpacked into a clean virtualenv with nothing installed, import the app and answer
API Gateway events against AWS (moto's server), reading the signing key from SSM as a deployed function does."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import venv
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import jwt
import pytest
from common.table import create_table
from moto.server import ThreadedMotoServer

from tests.package.conftest import load

SIGNING_KEY = "ssm-held-signing-key-0123456789abcdef"


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def unpack(archive: Path, dest: Path) -> Path:
    with zipfile.ZipFile(archive) as z:
        z.extractall(dest)
    return dest


def resolve(value: Any, template: dict[str, Any]) -> str:
    """A function's environment value with the template's names filled in (as CloudFormation would)."""
    if isinstance(value, str):
        return value
    if "Fn::Sub" in value:  # an ARN in this stack's partition, region and account (the state machine's)
        pseudo = {
            "${AWS::Partition}": "aws",
            "${AWS::Region}": "us-east-1",
            "${AWS::AccountId}": "123456789012",
        }
        text = value["Fn::Sub"]
        for name, actual in pseudo.items():
            text = text.replace(name, actual)
        return text
    target = template["Resources"][value["Ref"]]["Properties"]
    return target.get("TableName") or target.get("Name") or f"media-{value['Ref'].lower()}"


def api_event(method: str, path: str, body: Any = None, token: str | None = None) -> dict[str, Any]:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": path,
            "httpMethod": method,
            "path": f"/api{path}",
            "stage": "api",
            "requestId": "test-request",
            "identity": {"sourceIp": "127.0.0.1"},
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


def operator_token() -> str:
    """The token of the stage's first staff account (``admin``), as its login would sign it."""
    now = int(time.time())
    claims = {
        "sub": "op_admin",
        "role": "operator",
        "roles": ["admin"],
        "ver": 0,
        "iat": now,
        "exp": now + 600,
    }
    return jwt.encode(claims, SIGNING_KEY, "HS256")


# The stage's first staff account (functions/identity/staff_store.py): every admin call reads it.
ADMIN_ACCOUNT = {
    "PK": {"S": "OPERATOR#admin"},
    "SK": {"S": "PROFILE"},
    "id": {"S": "op_admin"},
    "username": {"S": "admin"},
    "password_hash": {"S": "scrypt$unused"},
    "roles": {"L": [{"S": "admin"}]},
    "token_version": {"N": "0"},
    "created_at": {"S": "2026-12-01T00:00:00+08:00"},
}


def test_packaged_app_answers_from_a_clean_environment(real, moto_endpoint: str, tmp_path: Path) -> None:
    template = load(real)
    api = template["Resources"]["APIHandler"]["Properties"]
    env = {k: resolve(v, template) for k, v in api["Environment"]["Variables"].items()}
    aws = {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    # What the stage holds before a deploy: the table (made by the stack) and the secret (put by an operator).
    dynamodb = boto3.client("dynamodb", endpoint_url=moto_endpoint)
    create_table(dynamodb, env["TABLE_NAME"])
    dynamodb.put_item(TableName=env["TABLE_NAME"], Item=ADMIN_ACCOUNT)  # and its first staff account
    boto3.client("ssm", endpoint_url=moto_endpoint).put_parameter(
        Name=f"{env['SECRETS_PARAMETER_PREFIX']}/jwt-secret", Value=SIGNING_KEY, Type="SecureString"
    )

    venv.create(tmp_path / "venv", with_pip=False, clear=True)
    task = unpack(real.app_zip, tmp_path / "task")
    layer = unpack(real.layer_zip, tmp_path / "opt")
    events = tmp_path / "events.json"
    events.write_text(
        json.dumps(
            [
                api_event("GET", "/v1/categories"),
                api_event("POST", "/v1/admin/categories", {"name": "保洁"}, token=operator_token()),
                api_event("GET", "/v1/categories"),
            ]
        )
    )
    clean_env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **aws, **env}
    assert not any(k.startswith("PYTHON") for k in clean_env)
    run = subprocess.run(
        [
            str(tmp_path / "venv" / "bin" / "python"),
            "-I",
            str(Path(__file__).parent / "invoke_packaged.py"),
            *(str(task), str(layer), api["Handler"], str(events)),
        ],
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    first, created, after = (json.loads(line) for line in run.stdout.splitlines())

    assert first["statusCode"] == 200, first
    assert json.loads(first["body"]) == []
    assert created["statusCode"] == 201, created  # the token was signed with the key held in SSM
    assert [c["name"] for c in json.loads(after["body"])] == ["保洁"]
    assert sys.version_info[:2] == tuple(int(x) for x in api["Runtime"].removeprefix("python").split("."))
