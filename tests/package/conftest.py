"""Package tests: build the deployable package once per session (and per xdist worker group), then inspect it.

Two builds: the real app as it is, and ``sample/``: the real app plus one function of each kind, a state
machine and two queues, so every part of the design is packaged and linted even before the capabilities that
bring them have landed. The dependency layer is cached under build/.cache, so only the first build runs pip.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from infra.package.build import ROOT, Built, build
from infra.permissions import Access
from infra.topology import EventQueue

SAMPLE = Path(__file__).parent / "sample"
SAMPLE_QUEUES = (
    EventQueue("notifications", ("OrderPaid", "OrderCancelled")),
    EventQueue("analytics", ("OrderCreated", "OrderPaid", "OrderCompleted")),
)
SAMPLE_FUNCTIONS = {
    "expire_coupons": Access(table="write"),
    "booking-hold-timeout": Access(table="write", bus=True, send_task=True),
    "payments-refund": Access(table="write"),
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if str(item.path).startswith(str(Path(__file__).parent)):
            item.add_marker(pytest.mark.package)
            item.add_marker(pytest.mark.xdist_group("package"))  # one worker builds, once


@pytest.fixture(scope="session")
def real(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build("dev", tmp_path_factory.mktemp("real"))


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(
        "dev",
        tmp_path_factory.mktemp("sample"),
        app_file=SAMPLE / "app.py",
        machines_dir=SAMPLE / "statemachine",
        queues=SAMPLE_QUEUES,
        functions=SAMPLE_FUNCTIONS,
    )


def load(built: Built) -> dict[str, Any]:
    return json.loads(built.template.read_text())


def cfn_lint(template: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from cfnlint.runner import main; sys.exit(main())",
            str(template),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
