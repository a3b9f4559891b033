"""Demo history for the local stack: a few weeks of past days' counters, so that a newcomer's dashboard, series
and forecast show something real on first start. Written through analytics' own store; deterministic random."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from common.clock import business_tz
from common.settings import get_settings

from functions.analytics import demo, store
from functions.analytics.forecast import holiday_factors

DEMO_WEEKS = 12
DEMO_ORDERS_A_DAY = 40


def seed_demo_history(ctx: Any, *, weeks: int = DEMO_WEEKS, base: float = DEMO_ORDERS_A_DAY) -> int:
    """Counters for the ``weeks`` weeks before ``ctx.now`` (a ``SeedContext``); days written. Once per table: a
    second start over the same table finds its marker and writes nothing."""
    if not store.mark_demo_seeded(ctx.now):
        return 0
    s = get_settings()
    today = ctx.now.astimezone(business_tz()).date()
    first = today - timedelta(days=weeks * 7)
    rng = random.Random(2026)
    history = demo.daily_orders(first, weeks * 7, base=base, holiday=holiday_factors(s.analytics_holidays))
    registered, items = 0, {}
    for day in history:
        counters = demo.day_counters(day.orders, rng)
        registered += counters.get("new_users", 0)
        # One shard a day is enough for a demo (readers sum every shard); it keeps the stack's start quick.
        items[(day.day.toordinal() % s.analytics_stats_shards, day.day)] = counters
    store.put_history(items)
    store.add_counters("STATS#0", "TOTAL", {"customers": registered, "workers": max(1, registered // 20)})
    return len(history)
