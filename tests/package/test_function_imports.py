"""What each deployed function imports, from the built packages in a clean virtualenv (nothing installed): the
API function starts with no capability loaded, and every task, consumer and job loads only its own capability."""

from __future__ import annotations

import json
import subprocess
import venv
import zipfile
from pathlib import Path
from typing import Any

import pytest

from functions import EXTENSIONS
from tests.package.conftest import load

PROBE = """
import importlib, json, sys
sys.path[:0] = [sys.argv[1], sys.argv[2] + "/python"]
for handler in sys.argv[3:]:
    before = set(sys.modules)
    module, _, attr = handler.rpartition(".")
    assert callable(getattr(importlib.import_module(module), attr)), handler
print(json.dumps({
    "functions": sorted(m for m in sys.modules if m.startswith("functions.") and m.count(".") >= 2),
    "heavy": sorted({m.split(".")[0] for m in sys.modules} & {"cryptography", "jwt", "pynamodb", "requests"}),
}))
"""


@pytest.fixture(scope="module")
def unpacked(real, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("imports")
    venv.create(root / "venv", with_pip=False)
    for archive, name in ((real.app_zip, "task"), (real.layer_zip, "opt")):
        with zipfile.ZipFile(archive) as z:
            z.extractall(root / name)
    return root / "venv" / "bin" / "python", root / "task", root / "opt"


def imported(unpacked: tuple[Path, Path, Path], handler: str) -> dict[str, Any]:
    python, task, layer = unpacked
    env = {"PATH": "/usr/bin:/bin", "AWS_DEFAULT_REGION": "us-east-1", "TABLE_NAME": "jiazheng-dev"}
    run = subprocess.run(
        [str(python), "-I", "-c", PROBE, str(task), str(layer), handler],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_the_api_function_starts_with_no_capability_and_no_heavy_dependency(real, unpacked) -> None:
    handler = load(real)["Resources"]["APIHandler"]["Properties"]["Handler"]
    result = imported(unpacked, handler)
    assert [m for m in result["functions"] if not m.endswith(".manifest")] == []
    assert result["heavy"] == []


def test_every_task_consumer_and_job_imports_only_its_own_capability(real, unpacked) -> None:
    functions = {
        logical: fn["Properties"]["Handler"]
        for logical, fn in load(real)["Resources"].items()
        if fn["Type"] == "AWS::Serverless::Function" and logical != "APIHandler"
    }
    assert len(functions) >= 10  # the workflow's tasks, the payment task, the consumer, the job
    extensions = {m for modules in EXTENSIONS.values() for m in modules}
    for logical, handler in functions.items():
        assert not handler.startswith("app."), f"{logical} would import the whole app"
        own = handler.split(".")[1]
        others = [
            m
            for m in imported(unpacked, handler)["functions"]
            if m.split(".")[1] != own and m not in extensions
        ]
        assert others == [], (logical, handler, others)
