"""Engagements over tables of 100 and 10,000 orders: booking 26 whole days of a 月嫂.

The table holds the orders of ``orders``' scenario and 40 verified 月嫂 near the address, available every day.
A 26-day booking reads the service, the address and the worker, then writes one transaction: the order, its
event, and a lock per day, seven to an item (4-5 week items), the active marker and the counter. Nothing read or
written follows the size of the table. The best-match booking reads the candidates' week items and counters in
one BatchGetItem.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from common.auth import issue_token
from common.clock import clock, iso

from bench.scenarios import Endpoint
from bench.scenarios.matching import ADDRESS, SH, _catalog, _customer, _record
from bench.scenarios.orders import _orders
from functions.catalog import service as catalog
from functions.catalog.models import ServiceIn
from functions.workers import rules
from functions.workers import store as worker_store

SIZES = (100, 10_000)
WORKERS = 40
DAYS = 26


def _first_day() -> datetime:
    today = clock.now().astimezone(SH).date()
    first = today + timedelta(days=3)
    return datetime(first.year, first.month, first.day, 8, tzinfo=SH)


def seed(size: int) -> dict[str, Any]:
    ids = _catalog()
    nanny = ServiceIn(
        category_id=ids["maternity"],
        name="月嫂",
        description="住家月嫂 26 天，按天计费",
        duration_minutes=1440,
        pricing={
            "unit": "day",
            "unit_price_fen": 40000,
            "min_units": 26,
            "price_range_fen": [1040000, 2080000],
        },
    )
    ids["nanny"] = catalog.create_service(nanny, new_id=lambda: "svc_maternity_nanny").id
    now = iso(clock.now())
    day = _first_day()
    records = []
    for n in range(WORKERS):
        record = _record(n + 1, ADDRESS[0], ADDRESS[1], [(ids["maternity"], "母婴护理")], now, "2000-01-01")
        record.weekly = rules.default_weekly(("00:00", "24:00"))
        record.days_off = []
        records.append(record)
    worker_store.bulk_put(records)
    customer, address = _customer()
    _orders(size, customer, ids["service"], day + timedelta(days=7))
    return {"service_id": ids["nanny"], "customer": customer, "address": address, "day": day}


def endpoints(ctx: dict[str, Any]) -> list[Endpoint]:
    token = issue_token(ctx["customer"], "customer", now=clock.now())
    day: datetime = ctx["day"]

    def booking(i: int) -> dict[str, Any]:
        return {
            "service_id": ctx["service_id"],
            "start": day.isoformat(),
            "units": DAYS,
            "address_id": ctx["address"],
            "worker_id": f"w{i % WORKERS + 1:07d}",  # a different 月嫂 each time: every request books
        }

    def best_match(i: int) -> dict[str, Any]:
        body = booking(i)
        del body["worker_id"]
        return body

    return [
        Endpoint("POST /v1/orders (26 days)", "POST", "/v1/orders", body=booking, token=token, expect=201),
        Endpoint(
            "POST /v1/orders (26 days, match)", "POST", "/v1/orders", body=best_match, token=token, expect=201
        ),
    ]
