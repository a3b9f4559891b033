"""Cold-start figures of the deployable package (``make bench``, after ``make package``). Fails nothing.

- import time, next to ``import boto3`` alone from the same layer, each in a fresh interpreter of a clean
  virtualenv (nothing installed), median of several runs after one warm-up, of:
  - the packaged API handler (``app`` from app.zip, with layer.zip on the path as Lambda puts it) — what the API
    function's cold start imports; and the same with booking's routes loaded (what the first booking request adds);
  - one state-machine task's handler module (``TASK``, as its Lambda function imports it);
  - the API handler with its bytecode removed, to show what shipping ``.pyc`` saves on a read-only file system;
- the unzipped (and zipped) size of each package, and the layer without boto3 and its own dependencies
  (botocore, s3transfer, jmespath), which Lambda's Python runtime also provides.

Not included: the SSM read of the settings at cold start (a network round trip; SECRETS_PARAMETER_PREFIX is unset
here) and Lambda's own init. Writes build/cold_start.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import venv
import zipfile
from collections.abc import Callable
from pathlib import Path

from infra.package.zipping import unzipped_size

PROBE = """
import sys, time
sys.path[:0] = sys.argv[2:]
t0 = time.perf_counter()
for module in sys.argv[1].split(","):
    __import__(module)
print(time.perf_counter() - t0)
"""
TASK = "functions.booking.tasks"  # the booking-route task's handler module (Handler functions.booking.tasks.route)
BOOKING_ROUTES = "app,functions.booking.api,functions.booking.admin_api,functions.booking.checkout"
BOTO3 = ("boto3", "botocore", "s3transfer", "jmespath")  # boto3 and what only it needs
ENV = {
    "PATH": "/usr/bin:/bin",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "TABLE_NAME": "jiazheng-bench",
}


def import_seconds(python: Path, module: str, paths: list[Path], flags: tuple[str, ...] = ()) -> float:
    """Seconds to import ``module`` in a fresh interpreter."""
    out = subprocess.run(
        [str(python), "-I", *flags, "-c", PROBE, module, *map(str, paths)],
        env=ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip())


def medians(probes: dict[str, Callable[[], float]], runs: int) -> dict[str, float]:
    """Median of each probe over ``runs`` rounds, the probes interleaved so that a busy machine slows them
    alike; one warm-up round is discarded."""
    times: dict[str, list[float]] = {name: [] for name in probes}
    for round_ in range(runs + 1):
        for name, probe in probes.items():
            seconds = probe()
            if round_:
                times[name].append(seconds)
    return {name: statistics.median(values) for name, values in times.items()}


def size_without(archive: Path, prefix: str, packages: tuple[str, ...]) -> int:
    """Unzipped bytes of ``archive`` without the top-level ``packages`` (and their dist-info) under ``prefix``."""
    with zipfile.ZipFile(archive) as z:
        return sum(
            info.file_size
            for info in z.infolist()
            if info.filename.removeprefix(prefix).split("/")[0].split("-")[0] not in packages
        )


def without_bytecode(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build", type=Path, default=Path("build"))
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    packages = [args.build / "app.zip", args.build / "layer.zip"]
    missing = [p for p in packages if not p.exists()]
    if missing:
        raise SystemExit(f"missing {missing}: run `make package` first")

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        venv.create(root / "venv", with_pip=False)
        python = root / "venv" / "bin" / "python"
        for archive, name in zip(packages, ("task", "opt"), strict=True):
            with zipfile.ZipFile(archive) as z:
                z.extractall(root / name)
        task, layer = root / "task", root / "opt" / "python"
        task_src = without_bytecode(task, root / "task-src")
        layer_src = without_bytecode(layer, root / "opt-src")
        m = medians(
            {
                "boto3": lambda: import_seconds(python, "boto3", [layer]),
                "handler": lambda: import_seconds(python, "app", [task, layer]),
                "booking_routes": lambda: import_seconds(python, BOOKING_ROUTES, [task, layer]),
                "task": lambda: import_seconds(python, TASK, [task, layer]),
                # as on Lambda's read-only file system: nowhere to write the compiled modules
                "source_only": lambda: import_seconds(python, "app", [task_src, layer_src], flags=("-B",)),
            },
            args.runs,
        )

    boto3 = m["boto3"]
    layer_zip = packages[1]
    results = {
        "import_boto3_ms": round(boto3 * 1000, 1),
        "import_api_handler_ms": round(m["handler"] * 1000, 1),
        "import_api_handler_and_booking_routes_ms": round(m["booking_routes"] * 1000, 1),
        "import_task_handler_ms": round(m["task"] * 1000, 1),
        "import_api_handler_without_bytecode_ms": round(m["source_only"] * 1000, 1),
        "ratio_handler_to_boto3": round(m["handler"] / boto3, 2),
        "ratio_booking_routes_to_boto3": round(m["booking_routes"] / boto3, 2),
        "ratio_task_to_boto3": round(m["task"] / boto3, 2),
        "task": TASK,
        "packages": {
            p.name: {
                "unzipped_mb": round(unzipped_size(p) / 1e6, 1),
                "zipped_mb": round(p.stat().st_size / 1e6, 1),
            }
            for p in packages
        },
        "layer_without_boto3_unzipped_mb": round(size_without(layer_zip, "python/", BOTO3) / 1e6, 1),
        "runs": args.runs,
    }
    (args.build / "cold_start.json").write_text(json.dumps(results, indent=1) + "\n")
    r = results
    print(f"import boto3 alone                        {r['import_boto3_ms']:7.1f} ms")
    print(
        f"import the packaged API handler           {r['import_api_handler_ms']:7.1f} ms  {r['ratio_handler_to_boto3']:5.2f}× boto3"
    )
    print(
        f"  … and booking's routes (first call)     {r['import_api_handler_and_booking_routes_ms']:7.1f} ms  {r['ratio_booking_routes_to_boto3']:5.2f}× boto3"
    )
    print(
        f"import a task's handler ({TASK})  {r['import_task_handler_ms']:7.1f} ms  {r['ratio_task_to_boto3']:5.2f}× boto3"
    )
    print(f"  API handler without shipped bytecode    {r['import_api_handler_without_bytecode_ms']:7.1f} ms")
    for name, size in r["packages"].items():
        print(f"{name:<41} {size['unzipped_mb']:7.1f} MB unzipped, {size['zipped_mb']:.1f} MB zipped")
    print(f"layer.zip without {'/'.join(BOTO3):<23} {r['layer_without_boto3_unzipped_mb']:7.1f} MB unzipped")


if __name__ == "__main__":
    main()
