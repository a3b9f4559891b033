"""Fuzz the local stack with schemathesis, as each role: ``python -m tests.fuzz.run [--examples N] [--max-time S]``.

Starts its own local stack (so its logins, limits and clock moves touch nobody else), logs in a customer, a worker
and the operator, and runs ``st run --checks all`` against ``/v1/openapi.json`` once per role with that role's
token. Prints the counts; exits non-zero on any failure (a 5xx, a response outside its schema, an undocumented
status, a schema-valid request refused as invalid, a schema-violating one accepted …).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from tests.e2e.conftest import start_stack, stop_stack

HERE = Path(__file__).resolve().parent
ROLES = ("customer", "worker", "operator")
# The local-only routes move the clock and run jobs; the fuzz run drives the product's routes. WeChat Pay's
# webhooks are left out too: no generated body can sign them (tests/integration covers them with real signatures).
EXCLUDE = r"^/v1/(dev|payments/wechat)/"


def st_command(
    url: str, token: str, *, examples: int, max_time: int, seed: int | None, report: Path
) -> list[str]:
    st = Path(sys.executable).with_name("st")
    command = [
        str(st),
        "--config-file",
        str(HERE / "schemathesis.toml"),
        "run",
        f"{url}/v1/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(examples),
        "--max-time",
        str(max_time),
        "--exclude-path-regex",
        EXCLUDE,
        "--header",
        f"Authorization: Bearer {token}",
        "--workers",
        "1",
        "--no-color",
        "--generation-database",
        "none",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
    ]
    command += ["--seed", str(seed)] if seed is not None else []
    return command


def run(examples: int, max_time: int, seed: int | None, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    stack = start_stack({"RATE_LIMITS_ENABLED": "false"} if os.environ.get("FUZZ_NO_LIMITS") else None)
    failed = 0
    try:
        tokens = {
            "customer": stack.login("fuzz_customer"),
            "worker": stack.login("fuzz_worker", role="worker"),
            "operator": stack.operator_token(),
        }
        env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.fuzz.hooks"}
        for role in ROLES:
            command = st_command(
                stack.base_url,
                tokens[role],
                examples=examples,
                max_time=max_time,
                seed=seed,
                report=out / f"{role}.xml",
            )
            result = subprocess.run(command, env=env, capture_output=True, text=True)
            (out / f"{role}.txt").write_text(result.stdout + result.stderr)
            summary = [line for line in result.stdout.splitlines() if "generated" in line or "passed" in line]
            print(f"{role}: exit {result.returncode}; " + " | ".join(s.strip() for s in summary[-2:]))
            failed += result.returncode != 0
    finally:
        stop_stack(stack)
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=50)
    parser.add_argument("--max-time", type=int, default=600, help="seconds per role")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--out", type=Path, default=Path("build/fuzz"))
    args = parser.parse_args()
    sys.exit(1 if run(args.examples, args.max_time, args.seed, args.out) else 0)


if __name__ == "__main__":
    main()
