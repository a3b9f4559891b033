"""End-to-end: the real local stack in a subprocess (``python -m infra.local``), called over HTTP as the
mini-program, the worker app and the admin console call it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.client import JsonCalls, Reply

ROOT = Path(__file__).resolve().parents[2]
OPERATOR_PASSWORD = "e2e-operator-密码"
STARTUP_LIMIT_S = float(os.environ.get("E2E_STARTUP_LIMIT_S", "60"))  # a loaded box starts it slowly
_READY = re.compile(r"ready in [\d.]+s on (http://127\.0\.0\.1:\d+)")
# What the test process set for in-process tests must not leak into the stack: it makes its own.
_NOT_INHERITED = ("AWS_ENDPOINT_URL", "MOTO_PORT", "TABLE_NAME", "JWT_SECRET", "WECHAT_API_BASE", "PORT")


@dataclass
class StackClient(JsonCalls):
    """A small HTTP client for one running stack: JSON in and out, optional bearer token."""

    base_url: str
    process: subprocess.Popen[bytes] | None = None
    log_path: str = ""
    session: requests.Session = field(default_factory=requests.Session)

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else (None if body is None else _json_bytes(body))
        resp = self.session.request(method, self.base_url + path, data=data, headers=hdrs, timeout=30)
        parsed = resp.json() if resp.content else None
        return Reply(resp.status_code, parsed, dict(resp.headers))

    def operator_token(self) -> str:
        reply = self.post("/v1/auth/operator", {"username": "admin", "password": OPERATOR_PASSWORD})
        assert reply.status == 200, reply.body
        return reply.body["token"]

    def log(self) -> str:
        return Path(self.log_path).read_text(errors="replace") if self.log_path else ""


def _json_bytes(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()


def start_stack(extra_env: dict[str, str] | None = None) -> StackClient:
    """Start ``python -m infra.local`` on a free port (the OS picks it: ``--port 0``) and wait until the catalog
    answers. Raises with the stack's output if it does not come up."""
    env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    env.update(
        PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'layers'}",
        OPERATOR_PASSWORD=OPERATOR_PASSWORD,
        PYTHONUNBUFFERED="1",
        **(extra_env or {}),
    )
    log = tempfile.NamedTemporaryFile(prefix="local-stack-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local", "--port", "0", "--quiet"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    client = StackClient(base_url="", process=process, log_path=log.name)
    deadline = time.monotonic() + STARTUP_LIMIT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the local stack exited with {process.returncode}:\n{client.log()}")
        if not client.base_url and (found := _READY.search(client.log())):
            client.base_url = found[1]
        if client.base_url:
            try:
                if requests.get(client.base_url + "/v1/categories", timeout=2).status_code == 200:
                    return client
            except requests.ConnectionError:
                pass
        time.sleep(0.1)
    output = client.log()  # read before stop_stack removes the log
    stop_stack(client)
    raise RuntimeError(f"the local stack did not answer within {STARTUP_LIMIT_S}s:\n{output}")


def stop_stack(client: StackClient) -> int | None:
    """Terminate (the stack stops in order on SIGTERM), then kill if it does not; returns the exit code."""
    process = client.process
    if process is None:
        return None
    client.session.close()
    process.terminate()
    try:
        return process.wait(timeout=45)  # generous: a loaded 2-core CI box stops threads slowly
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait(timeout=15)
    finally:
        Path(client.log_path).unlink(missing_ok=True)


@pytest.fixture(scope="session")
def stack() -> Iterator[StackClient]:
    client = start_stack()
    yield client
    stop_stack(client)


@pytest.fixture
def operator_token(stack: StackClient) -> str:
    return stack.operator_token()


@pytest.fixture
def restore_clock(stack: StackClient) -> Iterator[None]:
    """Tests that move the business clock put it back, so the session's other tests see real time."""
    yield
    stack.post("/v1/dev/clock", {"now": datetime.now(UTC).isoformat()})
