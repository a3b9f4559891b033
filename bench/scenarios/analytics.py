"""Statistics over 1,000 and 100,000 orders: the dashboard and a series read the day counters, never orders.

The tables hold 60 days of counters for that many orders (generated history, spread over the shards as the
consumer spreads events). A range of N days reads N × ``analytics_stats_shards`` day items (one Query per shard)
plus, for the overview, the shards' all-time totals, whatever the number of orders: the ratio of items read
between the two sizes is 1.0.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from common.clock import business_tz, clock
from common.settings import get_settings

from bench.scenarios import Endpoint, operator_token, progress
from functions.analytics import demo, store

SIZES = (1_000, 100_000)
DAYS = 60


def seed(size: int) -> dict[str, Any]:
    today = clock.now().astimezone(business_tz()).date()
    first = today - timedelta(days=DAYS)
    history = demo.daily_orders(first, DAYS, base=size / DAYS, growth_per_week=0.0, noise=0.05)
    # Scale so the table holds exactly ``size`` orders.
    total = sum(d.orders for d in history)
    days = [demo.DayOfOrders(d.day, round(d.orders * size / total)) for d in history]
    rng, shards = random.Random(size), get_settings().analytics_stats_shards
    items = {}
    for n, day in enumerate(days):
        for shard, part in enumerate(demo.split_shards(demo.day_counters(day.orders, rng), shards, rng)):
            items[(shard, day.day)] = part
        progress("days of counters", n + 1, len(days))
    store.put_history(items)
    store.add_counters("STATS#0", "TOTAL", {"customers": size // 3, "workers": size // 50})
    return {"from": (today - timedelta(days=30)).isoformat(), "to": (today - timedelta(days=1)).isoformat()}


def endpoints(ctx: dict[str, Any]) -> list[Endpoint]:
    operator = operator_token(now=clock.now())
    span = f"from={ctx['from']}&to={ctx['to']}"
    return [
        Endpoint(
            "GET /v1/admin/stats/overview (30 d)", "GET", f"/v1/admin/stats/overview?{span}", token=operator
        ),
        Endpoint(
            "GET /v1/admin/stats/timeseries (30 d)",
            "GET",
            f"/v1/admin/stats/timeseries?metric=orders_paid&{span}",
            token=operator,
        ),
        Endpoint(
            "GET /v1/admin/stats/forecast",
            "GET",
            "/v1/admin/stats/forecast?category_id=cat_cleaning",
            token=operator,
        ),
    ]
