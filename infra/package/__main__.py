"""``python -m infra.package --stage dev --out build``: build, then print what was built."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from infra.package.build import ARCHITECTURES, build, stage_options


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m infra.package", description=__doc__)
    parser.add_argument("--stage", default="dev", choices=["dev", "prod"])
    parser.add_argument("--out", type=Path, default=Path("build"))
    parser.add_argument("--architecture", choices=ARCHITECTURES, help="override the stage's architecture")
    parser.add_argument(
        "--snapstart", action=argparse.BooleanOptionalAction, help="override the stage's snapstart setting"
    )
    args = parser.parse_args()
    options = stage_options(args.stage)
    if args.architecture is not None:
        options = replace(options, architecture=args.architecture)
    if args.snapstart is not None:
        options = replace(options, snapstart=args.snapstart)
    try:
        built = build(args.stage, args.out, options=options)
    except ValueError as exc:  # the design cannot be packaged as asked: say what to change
        raise SystemExit(f"error: {exc}") from None
    print(f"{built.template}")
    for name, size in built.sizes().items():
        print(f"{args.out / name}: {size / 1e6:.1f} MB unzipped")
    for note in built.notes:
        print(f"note: {note}")


if __name__ == "__main__":
    main()
