"""The deployable template passes checkov (the scanner most AWS shops run): a new finding fails the suite; each
check that does not fit a resource is skipped in its Metadata with the reason (infra/package/hardening.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from infra.package.build import ROOT, Built
from tests.package.conftest import load


def _checkov() -> str | None:
    """``CHECKOV`` if set, else the Makefile's own venv (``make test`` installs it), else one on the PATH."""
    for candidate in (os.environ.get("CHECKOV"), str(ROOT / ".venv-checkov" / "bin" / "checkov")):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("checkov")


def test_the_template_has_no_checkov_finding(real: Built) -> None:
    checkov = _checkov()
    if checkov is None:
        pytest.skip("checkov is not installed (make test installs it into .venv-checkov)")
    result = subprocess.run(
        [
            checkov,
            "-f",
            str(real.template),
            "--framework",
            "cloudformation",
            "--quiet",
            "--compact",
            "-o",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = json.loads(result.stdout)
    report = report[0] if isinstance(report, list) else report
    if "results" not in report:  # an empty report: nothing was scanned
        pytest.fail(f"checkov scanned nothing: {result.stdout[:500]} {result.stderr[-500:]}")
    failed = [
        f"{f['check_id']} {f['resource']}: {f['check_name']}" for f in report["results"]["failed_checks"]
    ]
    assert not failed, "\n".join(failed)
    assert report["summary"]["passed"] > 0


def test_every_skipped_check_says_why(real: Built) -> None:
    for logical, resource in load(real)["Resources"].items():
        for entry in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            assert entry["id"].startswith("CKV") and len(entry["comment"]) > 20, (logical, entry)


def test_the_api_stage_is_throttled_traced_and_logged(real: Built) -> None:
    props = load(real)["Resources"]["RestAPI"]["Properties"]
    assert props["TracingEnabled"] is True
    assert props["AccessLogSetting"]["DestinationArn"]
    (throttle,) = props["MethodSettings"]
    assert (
        throttle["ThrottlingRateLimit"] > 0
        and throttle["ThrottlingBurstLimit"] >= throttle["ThrottlingRateLimit"]
    )
