"""The workers capability plugs its demo workers into the local stack's seed through one function."""

from __future__ import annotations

import sys
import types
from datetime import UTC, datetime

import pytest

from infra.local.seed import SeedContext, SeededUser, seed_workers


def _ctx() -> SeedContext:
    return SeedContext(
        now=datetime(2026, 11, 26, tzinfo=UTC),
        login=lambda name, role: f"user-{role}-{name}",
        category_ids=["cat_cleaning"],
        service_ids=["svc_daily_cleaning"],
    )


def test_without_a_workers_seed_function_no_workers_are_seeded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "functions.workers", types.ModuleType("functions.workers"))

    assert seed_workers(_ctx()) == []


def test_the_workers_seed_function_gets_the_context_and_its_workers_are_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    workers = types.ModuleType("functions.workers")

    def seed_demo_workers(ctx: SeedContext) -> list[SeededUser]:
        name = "ayi_wang"
        return [SeededUser("worker", name, ctx.login(name, "worker"), "王阿姨")]

    workers.seed_demo_workers = seed_demo_workers  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "functions.workers", workers)

    [seeded] = seed_workers(_ctx())

    assert seeded.user_id == "user-worker-ayi_wang" and seeded.code == "dev:ayi_wang"
