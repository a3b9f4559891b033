"""`make bench` is not run by CI: at least every scenario it lists must import and declare two sizes 100× apart."""

import importlib

import pytest

from bench.scenarios import SCENARIOS


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_bench_scenario_imports_and_declares_its_sizes(name: str) -> None:
    module = importlib.import_module(f"bench.scenarios.{name}")
    small, large = module.SIZES
    assert large == 100 * small
    assert callable(module.seed) and callable(module.endpoints)
