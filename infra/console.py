"""Build the operators' console: ``python -m infra.console build [--typecheck] [--if-missing]``.

1. the OpenAPI document of the app's own routes (``common.openapi.build_openapi``) → ``build/console/openapi.json``;
2. ``npm ci`` from ``console/package-lock.json`` when ``node_modules`` does not hold what the lockfile says;
3. openapi-typescript → ``console/src/api/schema.ts`` (generated, git-ignored: the API types are never hand-copied);
4. optionally ``vue-tsc --noEmit`` (the screens type-check against the generated types);
5. ``vite build`` → ``console/dist`` (git-ignored), served at ``/admin/`` by the local stack and uploaded to the
   console bucket when deployed (docs/console.md).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONSOLE = ROOT / "console"
DIST = CONSOLE / "dist"
DOCUMENT = ROOT / "build" / "console" / "openapi.json"
QUIET = {"NO_UPDATE_NOTIFIER": "1", "npm_config_update_notifier": "false", "npm_config_fund": "false"}


def write_document(path: Path = DOCUMENT) -> Path:
    """The app's OpenAPI document, as ``GET /v1/openapi.json`` serves it, written to ``path``."""
    from common.lazy import load_all_routes
    from common.openapi import build_openapi

    import app

    load_all_routes()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(build_openapi(app.app.routes), ensure_ascii=False, indent=1))
    return path


def installed_matches_lock(folder: Path = CONSOLE) -> bool:
    """npm records what it installed in node_modules/.package-lock.json: the lockfile's packages, less the
    optional ones this platform does not take."""
    hidden = folder / "node_modules" / ".package-lock.json"
    if not hidden.exists():
        return False
    wanted = json.loads((folder / "package-lock.json").read_text())["packages"]
    have = json.loads(hidden.read_text())["packages"]
    return all(
        have.get(path, {}).get("version") == entry.get("version")
        for path, entry in wanted.items()
        if path and not (entry.get("optional") and path not in have)
    )


def _npm(*args: str) -> None:
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("the console needs Node.js (>= 20.19) and npm: apt-get install nodejs npm")
    subprocess.run([npm, *args], cwd=CONSOLE, env={**os.environ, **QUIET}, check=True)


def build(*, typecheck: bool = False, if_missing: bool = False) -> Path:
    """Build ``console/dist`` (skipped with ``if_missing`` when it is there); returns the dist folder."""
    with (CONSOLE / "package-lock.json").open() as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a parallel test worker or a second `make run` may be building
        if if_missing and (DIST / "index.html").exists():
            return DIST
        if not installed_matches_lock():
            _npm("ci", "--no-audit", "--loglevel=error")
        os.environ["OPENAPI_JSON"] = str(write_document())
        _npm("run", "--silent", "gen:api")
        if typecheck:
            _npm("run", "--silent", "typecheck")
        _npm("run", "--silent", "build", "--", "--logLevel", "warn")
    return DIST


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.console", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["build", "document"])
    parser.add_argument("--typecheck", action="store_true", help="vue-tsc against the generated API types")
    parser.add_argument("--if-missing", action="store_true", help="do nothing when console/dist is built")
    args = parser.parse_args(argv)
    if args.command == "document":
        print(write_document())
    else:
        print(build(typecheck=args.typecheck, if_missing=args.if_missing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
