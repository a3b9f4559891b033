"""``make package``: the deployable template and the code packages it references, with no AWS account.

1. A staging project: ``app.py``, ``.chalice/config.json`` and ``functions/`` as ``vendor/functions`` (Chalice
   ships only app.py, chalicelib/ and vendor/); no requirements.txt, so Chalice downloads nothing.
2. ``chalice package`` in a subprocess with no credentials: the SAM template and ``deployment.zip``.
3. ``app.zip``: that zip, compiled; ``layer.zip``: ``common`` and the runtime dependencies (``infra.package.layer``).
4. ``template.json``: Chalice's template merged with the rest of the design (``infra.package.template``).

Each stage of ``.chalice/config.json`` may also say ``"architecture": "x86_64" | "arm64"`` (the functions' and
the layer's) and ``"snapstart": true`` (the API function; a python3.12+ runtime); ``stage_options`` reads them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from infra import permissions, topology
from infra.package.layer import build_layer
from infra.package.template import Design, assemble
from infra.package.zipping import compile_tree, copy_source, unzipped_size, zip_tree

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Built:
    template: Path
    app_zip: Path
    layer_zip: Path
    notes: list[str]

    def sizes(self) -> dict[str, int]:
        """Unzipped bytes of each package."""
        return {p.name: unzipped_size(p) for p in (self.app_zip, self.layer_zip)}


ARCHITECTURES = ("x86_64", "arm64")


@dataclass(frozen=True)
class StageOptions:
    architecture: str = "x86_64"
    snapstart: bool = False


def stage_options(stage: str, root: Path = ROOT) -> StageOptions:
    """The stage's packaging options in ``.chalice/config.json`` (absent: x86_64, no SnapStart)."""
    config = json.loads((root / ".chalice" / "config.json").read_text())
    block = config.get("stages", {}).get(stage, {})
    options = StageOptions(
        architecture=block.get("architecture", config.get("architecture", "x86_64")),
        snapstart=bool(block.get("snapstart", config.get("snapstart", False))),
    )
    if options.architecture not in ARCHITECTURES:
        raise ValueError(
            f"stage {stage}: architecture must be one of {ARCHITECTURES}, not {options.architecture}"
        )
    return options


def stage_project(root: Path, app_file: Path, dest: Path) -> Path:
    (dest / ".chalice").mkdir(parents=True)
    shutil.copyfile(app_file, dest / "app.py")
    shutil.copyfile(root / ".chalice" / "config.json", dest / ".chalice" / "config.json")
    copy_source(root / "functions", dest / "vendor" / "functions")
    return dest


def chalice_package(project: Path, stage: str, out: Path, root: Path) -> dict:
    """Run ``chalice package`` offline and without credentials; the SAM template it wrote."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SECRETS_"))}
    env.update(
        PYTHONPATH=os.pathsep.join([str(project / "vendor"), str(root / "layers")]),
        STAGE=stage,
        AWS_DEFAULT_REGION=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    subprocess.run(
        [sys.executable, "-c", "from chalice.cli import main; main()", "package", "--stage", stage, str(out)],
        cwd=project,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return json.loads((out / "sam.json").read_text())


def app_package(deployment_zip: Path, dest: Path) -> Path:
    """Chalice's deployment package with its bytecode compiled."""
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(deployment_zip) as archive:
            archive.extractall(tmp)
        compile_tree(Path(tmp))
        return zip_tree(Path(tmp), dest)


def build(
    stage: str,
    out: Path,
    *,
    root: Path = ROOT,
    app_file: Path | None = None,
    machines_dir: Path | None = None,
    queues: tuple[topology.EventQueue, ...] | None = None,
    functions: dict[str, permissions.Access] | None = None,
    cache: Path | None = None,
    options: StageOptions | None = None,
) -> Built:
    """Build ``out/template.json``, ``out/app.zip`` and ``out/layer.zip``; the arguments exist for tests."""
    out.mkdir(parents=True, exist_ok=True)
    options = options or stage_options(stage, root)
    machines_dir = machines_dir or root / "infra" / "statemachine"
    design = Design(
        stage=stage,
        queues=topology.EVENT_QUEUES if queues is None else queues,
        machines=sorted(machines_dir.glob("*.asl.json")),
        capabilities_present=sorted(p.parent.name for p in (root / "functions").glob("*/__init__.py")),
        capabilities=permissions.CAPABILITIES,
        functions=permissions.FUNCTIONS if functions is None else functions,
        architecture=options.architecture,
        snapstart=options.snapstart,
    )
    with tempfile.TemporaryDirectory() as tmp:
        project = stage_project(root, app_file or root / "app.py", Path(tmp) / "project")
        sam = chalice_package(project, stage, Path(tmp) / "chalice", root)
        app_zip = app_package(Path(tmp) / "chalice" / "deployment.zip", out / "app.zip")
    layer_zip = build_layer(root, out / "layer.zip", cache or root / "build" / ".cache", options.architecture)
    template = assemble(sam, design)
    path = out / "template.json"
    path.write_text(json.dumps(template, indent=1, ensure_ascii=False, sort_keys=False) + "\n")
    return Built(path, app_zip, layer_zip, design.notes)
