"""Generated order history (deterministic random): the local stack's demo dashboard, the benchmark's tables and
the forecast's back-test all use it, so a newcomer sees something real and the figures can be reproduced."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

# Busier at the weekend, quiet mid-week: the pattern household services show.
WEEKDAY_SHAPE = (0.9, 0.8, 0.85, 0.9, 1.05, 1.35, 1.25)
CATEGORY_SHARE = {
    "cat_cleaning": 0.55,
    "cat_appliance": 0.15,
    "cat_repair": 0.15,
    "cat_eldercare": 0.1,
    "cat_maternity": 0.05,
}
REGIONS = ("上海市 徐汇区", "上海市 浦东新区", "上海市 静安区", "上海市 闵行区", "上海市 长宁区")
CHANNELS = (("direct", 0.7), ("share", 0.2), ("referral", 0.1))


@dataclass(frozen=True)
class DayOfOrders:
    day: date
    orders: int  # created (and, here, paid and served the same day)


def daily_orders(
    first: date,
    days: int,
    *,
    base: float,
    growth_per_week: float = 0.02,
    noise: float = 0.12,
    holiday: Callable[[date], float] = lambda d: 1.0,
    seed: int = 12,
) -> list[DayOfOrders]:
    """Orders per day: ``base`` × weekday shape × weekly growth × holiday factor × lognormal-ish noise."""
    rng = random.Random(seed)
    result = []
    for n in range(days):
        day = first + timedelta(days=n)
        mean = base * WEEKDAY_SHAPE[day.weekday()] * (1 + growth_per_week) ** (n / 7) * holiday(day)
        value = max(0.0, rng.gauss(mean, noise * mean))
        result.append(DayOfOrders(day, round(value)))
    return result


SERVICE_MINUTES = {
    "cat_cleaning": 180,
    "cat_appliance": 90,
    "cat_repair": 60,
    "cat_eldercare": 240,
    "cat_maternity": 600,
}
AVERAGE_FEN = {
    "cat_cleaning": 15000,
    "cat_appliance": 14000,
    "cat_repair": 10000,
    "cat_eldercare": 24000,
    "cat_maternity": 40000,
}


def _split(total: int, shares: dict[str, float], rng: random.Random) -> dict[str, int]:
    """``total`` spread over ``shares`` at random in proportion (each unit drawn once)."""
    keys, weights = list(shares), list(shares.values())
    result = dict.fromkeys(keys, 0)
    for key in rng.choices(keys, weights, k=total):
        result[key] += 1
    return result


def day_counters(orders: int, rng: random.Random) -> dict[str, int]:
    """A plausible day of counters (the names of functions/analytics/rules.py) for ``orders`` created orders."""
    c: dict[str, int] = {}

    def add(name: str, amount: int) -> None:
        if amount:
            c[name] = c.get(name, 0) + amount

    by_cat = _split(orders, CATEGORY_SHARE, rng)
    for cat, n in by_cat.items():
        paid = sum(rng.random() < 0.9 for _ in range(n))
        completed = sum(rng.random() < 0.93 for _ in range(paid))
        amount = paid * AVERAGE_FEN[cat]
        add(f"cat:{cat}:created", n)
        add(f"cat:{cat}:paid", paid)
        add(f"cat:{cat}:completed", completed)
        add(f"cat:{cat}:cancelled", n - completed)
        add(f"cat:{cat}:amount_fen", amount)
        add(f"cat:{cat}:demand", paid)
        add(f"cat:{cat}:demand_minutes", paid * SERVICE_MINUTES[cat])
        add("orders_created", n)
        add("orders_paid", paid)
        add("orders_completed", completed)
        add("orders_cancelled", n - completed)
        add("gmv_fen", amount)
        add("refunds_fen", (paid - completed) * AVERAGE_FEN[cat])
        add("service_minutes", completed * SERVICE_MINUTES[cat])
        add("commission_fen", completed * AVERAGE_FEN[cat] // 5)
        add("worker_earnings_fen", completed * AVERAGE_FEN[cat] * 4 // 5)
    for region, n in _split(orders, dict.fromkeys(REGIONS, 1.0), rng).items():
        add(f"region:{region}:orders", n)
        add(f"region:{region}:users", max(1, n * 4 // 5) if n else 0)
        add(f"region:{region}:workers", n // 2)
    for channel, n in _split(orders, dict(CHANNELS), rng).items():
        add(f"channel:{channel}:orders", n)
        add(f"channel:{channel}:paid", n * 9 // 10)
    new_users = rng.randint(orders // 8, max(orders // 8, orders // 4))
    add("new_users", new_users)
    add("new_workers", 1 if rng.random() < 0.2 else 0)
    add("active_users", orders * 4 // 5 + new_users)
    add("active_workers", orders // 2)
    add("coupons_issued", orders // 3)
    add("coupons_used", orders // 6)
    add("points_earned", c.get("gmv_fen", 0) // 100)
    add("points_spent", c.get("gmv_fen", 0) // 1000)
    return c


def split_shards(counters: dict[str, int], shards: int, rng: random.Random) -> list[dict[str, int]]:
    """One day's counters spread over the shards as events spread them (each unit lands on one shard)."""
    parts: list[dict[str, int]] = [{} for _ in range(shards)]
    for name, total in counters.items():
        base, extra = divmod(total, shards)
        lucky = set(rng.sample(range(shards), extra))
        for n, part in enumerate(parts):
            if value := base + (1 if n in lucky else 0):
                part[name] = value
    return parts
