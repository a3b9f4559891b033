"""Deterministic zips of precompiled code.

Lambda's file system is read-only, so a module without a ``.pyc`` beside it is compiled again at every cold start.
Packages ship their bytecode, compiled for the runtime's Python in unchecked-hash mode (valid whatever the files'
times become after unzipping). Entries are sorted and dated 1980-01-01, so the same input gives the same zip.
"""

from __future__ import annotations

import compileall
import py_compile
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

EPOCH = (1980, 1, 1, 0, 0, 0)
SKIP = {"__pycache__"}


def compile_tree(root: Path) -> None:
    """Write ``__pycache__/*.cpython-3XX.pyc`` for every module under ``root``."""
    ok = compileall.compile_dir(
        str(root),
        quiet=1,
        workers=0,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )
    if not ok:
        raise RuntimeError(f"some modules under {root} do not compile")


def files(root: Path) -> Iterator[Path]:
    """Every file under ``root``, sorted, without stale caches (compiled ones are made fresh)."""
    yield from sorted(p for p in root.rglob("*") if p.is_file() and not p.name.endswith((".pyo",)))


def add_tree(archive: zipfile.ZipFile, root: Path, prefix: str = "") -> None:
    for path in files(root):
        info = zipfile.ZipInfo(prefix + path.relative_to(root).as_posix(), EPOCH)
        info.external_attr = (0o755 if path.stat().st_mode & 0o111 else 0o644) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, path.read_bytes())


def zip_tree(root: Path, dest: Path, prefix: str = "") -> Path:
    """Zip ``root`` (its contents at ``prefix`` inside the zip) into ``dest``."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        add_tree(archive, root, prefix)
    return dest


def copy_source(src: Path, dest: Path) -> Path:
    """Copy a source tree without caches (``__pycache__``), to compile it fresh."""
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(*SKIP, "*.pyc"), dirs_exist_ok=True)
    return dest


def unzipped_size(path: Path) -> int:
    """Bytes the zip takes once unpacked (what counts against Lambda's 250 MB limit)."""
    with zipfile.ZipFile(path) as archive:
        return sum(info.file_size for info in archive.infolist())
