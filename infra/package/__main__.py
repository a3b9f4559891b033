"""``python -m infra.package --stage dev --out build``: build, then print what was built."""

from __future__ import annotations

import argparse
from pathlib import Path

from infra.package.build import build


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m infra.package", description=__doc__)
    parser.add_argument("--stage", default="dev", choices=["dev", "prod"])
    parser.add_argument("--out", type=Path, default=Path("build"))
    args = parser.parse_args()
    built = build(args.stage, args.out)
    print(f"{built.template}")
    for name, size in built.sizes().items():
        print(f"{args.out / name}: {size / 1e6:.1f} MB unzipped")
    for note in built.notes:
        print(f"note: {note}")


if __name__ == "__main__":
    main()
