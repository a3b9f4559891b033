"""``make bench``: per endpoint, the DynamoDB calls, items read and median latency at a small table size and a
size 100× larger; writes bench/results.json and prints the large/small ratios.

Each scenario module in ``bench/scenarios`` declares ``SIZES`` (small, large), ``seed(size) -> ctx`` and
``endpoints(ctx) -> list[Endpoint]``. Run one with ``python -m bench.run --only foundation``.

The whole bench runs each scenario in a fresh interpreter, one after the other, so one scenario's tables are gone
before the next is seeded: the peak memory is the largest scenario's, and each row says the process's resident
memory with its table seeded (``rss MB``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import env
from bench.meter import metered
from bench.scenarios import SCENARIOS, Endpoint
from bench.seeding import seeding

RESULTS = Path(__file__).with_name("results.json")


def measure(client: Any, ep: Endpoint, repeat: int) -> tuple[float, float, float]:
    """Median DynamoDB calls, items read and milliseconds of ``repeat`` requests."""
    calls, items, millis = [], [], []
    for i in range(repeat):
        body = ep.body(i) if callable(ep.body) else ep.body
        headers = {
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {ep.token}"} if ep.token else {}),
        }
        payload = json.dumps(body).encode() if body is not None else b""
        with metered() as tally:
            t0 = time.perf_counter()
            path = ep.path(i) if callable(ep.path) else ep.path
            resp = getattr(client.http, ep.method.lower())(path, headers=headers, body=payload)
            millis.append((time.perf_counter() - t0) * 1000)
        if resp.status_code != ep.expect:
            raise SystemExit(f"{ep.label}: expected {ep.expect}, got {resp.status_code}: {resp.body[:300]!r}")
        calls.append(tally.calls)
        items.append(tally.items_read)
    return statistics.median(calls), statistics.median(items), statistics.median(millis)


def run_scenario(name: str, repeat: int) -> list[dict[str, Any]]:
    from chalice.test import Client

    from app import app

    module = importlib.import_module(f"bench.scenarios.{name}")
    rows = []
    for size in module.SIZES:
        print(f"{name}: size {size}")
        with env.fresh_aws():
            t0 = time.perf_counter()
            with seeding():
                ctx = module.seed(size)
            rss = resident_mb()
            print(f"  seeded in {time.perf_counter() - t0:.1f} s, {rss:.0f} MB resident")
            with Client(app) as client:
                for ep in module.endpoints(ctx):
                    calls, items, ms = measure(client, ep, repeat)
                    rows.append(
                        {
                            "endpoint": ep.label,
                            "size": size,
                            "ddb_calls": calls,
                            "items_read": items,
                            "median_ms": round(ms, 2),
                            "rss_mb": round(rss),
                        }
                    )
            module.teardown(ctx) if hasattr(module, "teardown") else None
    add_ratios(rows)
    return rows


def resident_mb() -> float:
    """This process's resident memory now, in MB (Linux), else its peak so far."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize() / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def add_ratios(rows: list[dict[str, Any]]) -> None:
    """On each endpoint's large-size row: ``latency_ratio``, its median over the small size's (the goal is ≤ 2)."""
    small: dict[str, dict[str, Any]] = {}
    for row in rows:
        first = small.setdefault(row["endpoint"], row)
        if first is not row and first["median_ms"]:
            row["latency_ratio"] = round(row["median_ms"] / first["median_ms"], 2)


def print_table(rows: list[dict[str, Any]]) -> None:
    by_endpoint: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_endpoint.setdefault(row["endpoint"], []).append(row)
    header = (
        f"{'endpoint':<34} {'size':>14} {'ddb calls':>13} {'items read':>15} {'median ms':>17} {'rss MB':>11}"
    )
    print("\n" + header + "\n" + "-" * len(header))

    def ratio(a: float, b: float) -> str:
        return f"×{b / a:.2f}" if a else ("×1.00" if b == 0 else "n/a")

    for label, pair in by_endpoint.items():
        small, large = pair[0], pair[-1]
        print(
            f"{label:<34} {small['size']:>6}→{large['size']:<7} "
            f"{small['ddb_calls']:>4}→{large['ddb_calls']:<4}{ratio(small['ddb_calls'], large['ddb_calls']):>5} "
            f"{small['items_read']:>5}→{large['items_read']:<5}{ratio(small['items_read'], large['items_read']):>5} "
            f"{small['median_ms']:>6.1f}→{large['median_ms']:<6.1f}{ratio(small['median_ms'], large['median_ms']):>5}"
            f" {small.get('rss_mb', 0):>5}→{large.get('rss_mb', 0):<5}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", action="append", help="run only these scenarios")
    parser.add_argument("--repeat", type=int, default=15, help="requests per endpoint and size")
    parser.add_argument("--quiet", action="store_true", help="write RESULTS without printing the table")
    args = parser.parse_args()
    if not args.only:  # the whole bench: each scenario in a fresh interpreter, adding its rows to RESULTS
        RESULTS.unlink(missing_ok=True)
        for name in SCENARIOS:
            command = [
                sys.executable,
                "-m",
                "bench.run",
                "--only",
                name,
                "--repeat",
                str(args.repeat),
                "--quiet",
            ]
            subprocess.run(command, check=True)
        report(json.loads(RESULTS.read_text()))
        return
    rows: list[dict[str, Any]] = []
    for name in args.only:
        rows.extend(run_scenario(name, args.repeat))
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    kept = [r for r in previous if r["endpoint"] not in {row["endpoint"] for row in rows}]
    RESULTS.write_text(json.dumps(kept + rows, ensure_ascii=False, indent=2) + "\n")
    if not args.quiet:
        report(kept + rows)


def report(rows: list[dict[str, Any]]) -> None:
    """The table, the count of rows within the latency goal, and the peak resident memory."""
    print_table(rows)
    ratios = [r["latency_ratio"] for r in rows if "latency_ratio" in r]
    if ratios:
        within = sum(1 for r in ratios if r <= 2)
        print(
            f"\nlatency ratio large/small: {within} of {len(ratios)} rows within ×2 (worst ×{max(ratios):.2f})"
        )
    peak = max((r.get("rss_mb", 0) for r in rows), default=0)
    print(f"largest resident memory with a table seeded: {peak} MB")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
