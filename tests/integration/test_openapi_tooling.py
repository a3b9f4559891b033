"""The OpenAPI document passes the tools its readers use: Spectral's ``spectral:oas`` rules, with no error and
no warning beyond the rules ``tools/openapi-check/.spectral.yaml`` switches off (each with its reason), and the
TypeScript types openapi-typescript generates from it compile under ``tsc --strict`` and say what clients rely on
(``tools/openapi-check/check.ts``: fixed-length arrays are tuples, errors have the contract's shape).

The tools are pinned in ``tools/openapi-check/package-lock.json`` and installed with ``npm ci`` when
``node_modules`` does not match it. Skipped only where npm is not installed.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.conftest import Api

TOOLS = Path(__file__).resolve().parents[2] / "tools" / "openapi-check"
BIN = TOOLS / "node_modules" / ".bin"
# No update checks or telemetry from the tools, on CI or anywhere.
QUIET = {"NO_UPDATE_NOTIFIER": "1", "npm_config_update_notifier": "false", "SCARF_ANALYTICS": "false"}
INSTALL_LIMIT_S = 600


def _installed_matches_lock() -> bool:
    """npm keeps what it installed in node_modules/.package-lock.json: the lockfile's packages, but the optional
    ones this platform does not take (fsevents is macOS-only)."""
    hidden = TOOLS / "node_modules" / ".package-lock.json"
    if not hidden.exists():
        return False
    wanted = json.loads((TOOLS / "package-lock.json").read_text())["packages"]
    have = json.loads(hidden.read_text())["packages"]
    return all(
        have.get(path, {}).get("version") == entry.get("version")
        for path, entry in wanted.items()
        if path and not (entry.get("optional") and path not in have)
    )


@pytest.fixture(scope="module")
def tools() -> Iterator[dict[str, str]]:
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: the Spectral and openapi-typescript checks need Node.js and npm")
    env = {**os.environ, **QUIET}
    with (TOOLS / "package-lock.json").open() as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another session in this checkout may be installing
        if not _installed_matches_lock():
            subprocess.run(
                [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=TOOLS,
                env=env,
                check=True,
                timeout=INSTALL_LIMIT_S,
            )
    yield env


def _document(api: Api, directory: Path) -> Path:
    reply = api.get("/v1/openapi.json")
    assert reply.status == 200
    path = directory / "openapi.json"
    path.write_text(json.dumps(reply.body, ensure_ascii=False, indent=1))
    return path


def _run(args: list[str], env: dict[str, str], cwd: Path = TOOLS) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_spectral_finds_no_error_and_no_warning(api: Api, tools: dict[str, str], tmp_path: Path) -> None:
    document = _document(api, tmp_path)
    out = tmp_path / "spectral.json"
    _run(
        [
            str(BIN / "spectral"),
            "lint",
            "--ruleset",
            str(TOOLS / ".spectral.yaml"),
            "--format",
            "json",
            "--output",
            str(out),
            "--fail-severity",
            "hint",
            str(document),
        ],
        tools,
    )
    assert out.exists(), "spectral did not run"
    findings = json.loads(out.read_text() or "[]")
    errors_and_warnings = [
        f"{f['code']} at {'.'.join(map(str, f['path']))}: {f['message']}"
        for f in findings
        if f["severity"] <= 1
    ]

    assert not errors_and_warnings, "\n".join(errors_and_warnings)


def test_the_generated_typescript_compiles_strictly(api: Api, tools: dict[str, str], tmp_path: Path) -> None:
    document = _document(api, tmp_path)
    shutil.copy(TOOLS / "check.ts", tmp_path / "check.ts")
    # A default in a request body means "may be left out", not "always there" (openapi-typescript's default);
    # answers mark what they always carry as required.
    generate = _run(
        [
            str(BIN / "openapi-typescript"),
            str(document),
            "--default-non-nullable",
            "false",
            "--output",
            str(tmp_path / "api.ts"),
        ],
        tools,
    )
    assert generate.returncode == 0, generate.stdout + generate.stderr

    # --skipLibCheck: TypeScript's own lib .d.ts files are not ours to check; api.ts and check.ts are.
    compiled = _run(
        [str(BIN / "tsc"), "--strict", "--noEmit", "--skipLibCheck", str(tmp_path / "check.ts")], tools
    )

    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
