"""Analytics in the local stack: a few weeks of demo history, so the dashboard, the series and the forecast show
something real on first start (functions/analytics/seed.py; once per table)."""

from __future__ import annotations

from typing import Any


def seed(ctx: Any) -> None:
    from functions.analytics import seed_demo_history

    seed_demo_history(ctx)
