"""The code packages: what ships, what does not, built for Lambda's x86_64 Python, within Lambda's size limit."""

from __future__ import annotations

import zipfile

from infra.package.layer import PYTHON

LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024  # function code and all its layers together
LAMBDA_PLATFORMS = {
    "any",
    "manylinux2014_x86_64",
    "manylinux_2_17_x86_64",
    "manylinux1_x86_64",
    "manylinux_2_5_x86_64",
}


def names(archive) -> set[str]:
    with zipfile.ZipFile(archive) as z:
        return set(z.namelist())


def top_level(entries: set[str], prefix: str = "") -> set[str]:
    return {e.removeprefix(prefix).split("/")[0] for e in entries if e.startswith(prefix)}


def test_app_package_holds_the_app_the_capabilities_and_chalice_app_only(real) -> None:
    entries = names(real.app_zip)
    assert {
        "app.py",
        "functions/catalog/api.py",
        "functions/identity/service.py",
        "chalice/app.py",
    } <= entries
    assert top_level(entries) == {"app.py", "functions", "chalice", "__pycache__"}


def test_layer_holds_common_and_the_runtime_dependencies_without_dev_tools(real) -> None:
    entries = names(real.layer_zip)
    packages = top_level(entries, "python/")
    assert {
        "common",
        "pydantic",
        "pydantic_core",
        "pynamodb",
        "aws_lambda_powertools",
        "jwt",
        "boto3",
    } <= packages
    assert "python/common/secrets.py" in entries
    assert not {"chalice", "moto", "pytest", "click", "yaml", "ruff", "cfnlint", "bin"} & packages


def test_native_code_is_built_for_lambdas_linux_x86_64(real) -> None:
    """Every wheel in the layer runs on Amazon Linux 2 (glibc 2.26) on x86_64: pure Python or manylinux2014."""
    entries = names(real.layer_zip)
    assert any(e.startswith("python/pydantic_core/") and e.endswith("-x86_64-linux-gnu.so") for e in entries)
    with zipfile.ZipFile(real.layer_zip) as z:
        for wheel in (e for e in entries if e.endswith(".dist-info/WHEEL")):
            tags = [
                line.split("-")[-1] for line in z.read(wheel).decode().splitlines() if line.startswith("Tag:")
            ]
            assert set(tags) & LAMBDA_PLATFORMS, (wheel, tags)


def test_bytecode_is_shipped_for_the_runtime_python(real) -> None:
    tag = f"cpython-{PYTHON.replace('.', '')}.pyc"
    assert f"functions/catalog/__pycache__/api.{tag}" in names(real.app_zip)
    assert f"python/common/__pycache__/settings.{tag}" in names(real.layer_zip)


def test_packages_fit_lambdas_unzipped_limit(real) -> None:
    assert sum(real.sizes().values()) < LAMBDA_UNZIPPED_LIMIT
