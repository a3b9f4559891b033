"""``python -m infra.local --port 8000`` (``make run``): the whole API on 127.0.0.1 until Ctrl-C."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from infra.local.stack import LocalStack, Options


def parse_args(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(prog="python -m infra.local", description=__doc__)
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("PORT") or 8000), help="0 picks a free one"
    )
    parser.add_argument("--no-seed", action="store_true", help="start with empty data")
    parser.add_argument("--quiet", action="store_true", help="do not log each HTTP request")
    args = parser.parse_args(argv)
    return Options(
        port=args.port,
        seed=not args.no_seed,
        operator_password=os.environ.get("OPERATOR_PASSWORD") or None,
        verbose=not args.quiet,
    )


def main(argv: list[str] | None = None) -> int:
    options = parse_args(sys.argv[1:] if argv is None else argv)
    stopping = threading.Event()
    # Ctrl-C and `kill` (the e2e harness) both end in the same orderly stop.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    stack = LocalStack(options)
    try:
        stack.start()
    except OSError as exc:
        if stack.listener is None:  # the port could not be bound
            print(
                f"cannot listen on 127.0.0.1:{options.port}: {exc.strerror}; try PORT=<another>",
                file=sys.stderr,
            )
            return 1
        raise
    from infra.local.banner import banner

    print(banner(stack), flush=True)
    stopping.wait()
    print("stopping…", flush=True)
    stack.stop()
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
