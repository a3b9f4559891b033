"""``python -m tests.soak --orders 1000``: start a local stack, run the soak on it, check the invariants, print the
figures; exit 1 when an invariant does not hold."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from typing import Any

from tests.soak import checks
from tests.soak.driver import STACK_ENV, Http, Soak, payment_wait_s


def soak(orders: int, *, workers: int = 12, threads: int = 6, progress: bool = False) -> dict[str, Any]:
    """Run ``orders`` orders on a stack of its own (``workers`` workers, a wave leaves an eighth of them free;
    ``threads`` clients side by side); the figures and each invariant's problems."""
    from tests.e2e.conftest import OPERATOR_PASSWORD, start_stack, stop_stack

    stack = start_stack({**STACK_ENV, "PAYMENT_TIMEOUT_SECONDS": str(payment_wait_s(workers))})
    try:
        began = time.monotonic()
        run = Soak(
            Http(stack.base_url), tag=f"{int(time.time()) % 100000:05d}", workers=workers, threads=threads
        )
        run.setup(OPERATOR_PASSWORD)
        run.run(orders, progress=(lambda line: print(line, flush=True)) if progress else (lambda _: None))
        duration = time.monotonic() - began
        log = stack.log()
        problems = checks.run_all(run, log)
    except BaseException:
        print("the stack's log ends:\n" + "\n".join(stack.log().splitlines()[-40:]), file=sys.stderr)
        raise
    finally:
        stop_stack(stack)
    return {
        "orders": len(run.orders),
        "paths": dict(Counter(o.path for o in run.orders)),
        "duration_s": round(duration, 1),
        "requests": sum(run.http.sent.values()),
        "by_status": dict(run.http.sent),
        "retried": run.http.retried,
        "internal_errors": run.http.internal_errors,
        "standin_errors": run.http.standin_errors,
        "log_lines": len(log.splitlines()),
        "invariants": problems,
    }


def report(figures: dict[str, Any]) -> str:
    lines = [
        f"soak: {figures['orders']} orders in {figures['duration_s']} s, {figures['requests']} requests "
        f"({', '.join(f'{k} {v}' for k, v in sorted(figures['by_status'].items()))}; "
        f"{figures['retried']} answered 429/502/503 and sent again; {figures['internal_errors']} other 5xx; "
        f"{figures['standin_errors']} stand-in deliveries timed out and were sent again)",
        f"  {figures['requests'] / max(figures['duration_s'], 0.1):.1f} requests/s",
        "  paths: " + ", ".join(f"{p} {n}" for p, n in figures["paths"].items()),
        f"  invariants (log: {figures['log_lines']} lines searched):",
    ]
    for name, found in figures["invariants"].items():
        lines.append(
            f"  {'ok  ' if not found else 'FAIL'} {name}" + (f": {len(found)} problems" if found else "")
        )
        lines.extend(f"       {p}" for p in found[:10])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.soak", description=__doc__)
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument(
        "--workers", type=int, default=30, help="workers (a wave leaves an eighth, 3 at least, free)"
    )
    parser.add_argument("--threads", type=int, default=6, help="clients sending side by side")
    args = parser.parse_args(argv)
    figures = soak(args.orders, workers=args.workers, threads=args.threads, progress=True)
    print(report(figures))
    return 1 if any(figures["invariants"].values()) or figures["internal_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
