"""Every command the README shows works as written: what a newcomer copies first.

The commands are the lines of the README's ``sh`` blocks (every fenced block says its language, so none can hide
in an untagged one), and each has a policy here; a command with none fails the test until it gets one:

- ``make run`` is run, as ``PORT=0 make run`` (the README's own ``PORT=`` override; 0 lets the OS pick a free
  port), until its banner says where the stack is; the stack answers the curl commands.
- ``curl …`` is run by bash exactly as written, with only ``localhost:8000`` pointed at that stack's port. curl's
  config file (``CURL_HOME``) adds ``--write-out`` so the test sees the status: it must be 2xx with a JSON answer.
- ``make test`` is not run from inside the suite it runs: it must be the command CI runs (``.ci/run``).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import _NOT_INHERITED, _READY, OPERATOR_PASSWORD, ROOT, STARTUP_LIMIT_S

CONSOLE_BUILD_LIMIT_S = 300  # npm ci and vite build on a fresh clone of a loaded 2-core box

pytestmark = pytest.mark.e2e

README = ROOT / "README.md"
FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
SHELL_LANGUAGES = {"sh", "bash", "shell"}
DEFAULT_ADDRESS = "localhost:8000"
STATUS_MARK = "\n--- status "


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    return [(m[1].strip(), m[2]) for m in FENCE.finditer(text)]


def readme_commands() -> list[str]:
    """The README's commands: every non-blank line of its shell blocks that is not only a comment."""
    commands = []
    for language, body in fenced_blocks(README.read_text()):
        if language in SHELL_LANGUAGES:
            commands += [line.strip() for line in body.splitlines() if shlex.split(line, comments=True)]
    return commands


def words(command: str) -> list[str]:
    return shlex.split(command, comments=True)


@dataclass
class MakeRun:
    process: subprocess.Popen[bytes]
    log: Path
    url: str = ""

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])


def _stop(run: MakeRun) -> None:
    """Ctrl-C's way: signal the whole process group (make and the stack it started), then wait for it."""
    group = run.process.pid
    for sig, wait_s in ((signal.SIGTERM, 45), (signal.SIGKILL, 15)):
        try:
            os.killpg(group, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            run.process.poll()
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)


@contextmanager
def make_run() -> Iterator[MakeRun]:
    """``PORT=0 make run``, as a newcomer's terminal runs it (its own process group), until the banner."""
    env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED and not k.startswith("MAKE")}
    env.update(PORT="0", OPERATOR_PASSWORD=OPERATOR_PASSWORD, PYTHONUNBUFFERED="1")
    env.pop("MFLAGS", None)
    log = Path(tempfile.NamedTemporaryFile(prefix="make-run-", suffix=".log", delete=False).name)  # noqa: SIM115
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "run"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    run = MakeRun(process, log)
    try:
        deadline = (
            time.monotonic() + STARTUP_LIMIT_S + CONSOLE_BUILD_LIMIT_S
        )  # make run builds a missing console
        while not run.url:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"`make run` did not start (exit {process.returncode}):\n{run.output()}")
            if found := _READY.search(run.output()):
                run.url = found[1]
            time.sleep(0.2)
        yield run
    finally:
        _stop(run)
        log.unlink(missing_ok=True)


def run_curl(command: str, port: int, curl_home: Path) -> str:
    """Run one README curl command against the stack on ``port``; what went wrong, or "" if nothing did."""
    pointed = command.replace(DEFAULT_ADDRESS, f"localhost:{port}")
    env = {**os.environ, "CURL_HOME": str(curl_home)}
    done = subprocess.run(["bash", "-c", pointed], env=env, capture_output=True, text=True, timeout=60)
    body, _, status_line = done.stdout.rpartition(STATUS_MARK)
    status, _, content_type = status_line.partition(" ")
    if done.returncode != 0:
        return f"{command}\n  exit {done.returncode}: {done.stderr}"
    if not status.startswith("2") or not content_type.startswith("application/json"):
        return f"{command}\n  answered {status} {content_type}: {body[:300]}"
    try:
        json.loads(body)
    except ValueError:
        return f"{command}\n  answered something that is not JSON: {body[:300]}"
    return ""


@pytest.fixture
def curl_home(tmp_path: Path) -> Path:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed: the README's curl commands cannot be run")
    # Appended to every answer: the status and the content type, after a line only this test writes.
    mark = STATUS_MARK.encode("unicode_escape").decode()
    (tmp_path / ".curlrc").write_text(f'write-out = "{mark}%{{http_code}} %{{content_type}}"\n')
    return tmp_path


def test_every_fenced_block_says_its_language() -> None:
    """So a command cannot sit in a block this test does not read."""
    untagged = [
        body.splitlines()[0] if body else ""
        for language, body in fenced_blocks(README.read_text())
        if not language
    ]

    assert not untagged, f"tag these README blocks (```sh for commands, ```text otherwise): {untagged}"


def test_the_readme_shows_commands_and_each_has_a_policy() -> None:
    commands = readme_commands()
    known = [c for c in commands if words(c)[0] == "curl" or words(c) in (["make", "run"], ["make", "test"])]

    assert {"make run", "make test"} <= {" ".join(words(c)) for c in commands}
    assert any(words(c)[0] == "curl" for c in commands)
    assert known == commands, f"no policy in this test for: {sorted(set(commands) - set(known))}"


def test_make_test_is_what_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    dry_run = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, timeout=60)

    assert "make test" in [line.strip() for line in ci.splitlines()]
    assert dry_run.returncode == 0 and "pytest" in dry_run.stdout, dry_run.stderr


def curl_commands() -> list[str]:
    return [c for c in readme_commands() if words(c)[0] == "curl"]


def test_make_run_starts_the_stack_and_every_curl_command_answers_2xx_json(curl_home: Path) -> None:
    """One `make run` for all the commands (what a newcomer does: start it, then try the curls)."""
    with make_run() as run:
        banner = run.output()
        failures = [f for command in curl_commands() if (f := run_curl(command, run.port, curl_home))]
        console = requests.get(f"{run.url}/admin/", timeout=10)

    assert f"OpenAPI      {run.url}/v1/openapi.json" in banner
    assert f"console      {run.url}/admin/" in banner
    assert console.status_code == 200 and console.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "家政管理后台" in console.text
    assert f"password {OPERATOR_PASSWORD}" in banner and "dev:NAME" in banner
    assert all(DEFAULT_ADDRESS in c for c in curl_commands()), f"the README's commands use {DEFAULT_ADDRESS}"
    assert not failures, "\n".join(failures)
