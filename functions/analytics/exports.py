"""CSV exports for operators (``GET /v1/admin/exports/{name}?from=&to=``).

UTF-8 with a byte-order mark (so spreadsheet software opens the Chinese text), a header row, built page by page
from key-conditioned queries and stopped at ``analytics_export_max_rows`` rows with a last line saying so:

- ``orders``:    the operators' board of each service day in the range (booking's ``admin_orders``, GSI3)
- ``workers``:   worker performance over the range, a page of the worker directory at a time
- ``customers``: customers who registered in the range (analytics' registration days), with their counters
- ``ledger``:    every ledger account's balance now (payments' registry; the range does not apply)
- ``stats``:     one row per day of the range with every timeseries metric (zeros included)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

from common.errors import NotFound
from common.settings import get_settings

from functions.analytics import rules, store
from functions.analytics.models import RangeQuery, WorkersQuery
from functions.analytics.service import days_of, worker_performance
from functions.analytics.views import mask_phone
from functions.booking import AdminOrdersQuery, admin_orders
from functions.identity import customer_profiles
from functions.payments import account_balances

BOM = "\ufeff"
PAGE = 100

ORDER_COLUMNS = [
    "order_id",
    "status",
    "created_at",
    "start",
    "service",
    "category_id",
    "region",
    "customer_id",
    "worker_id",
    "worker_name",
    "total_fen",
    "paid_fen",
    "refund_fen",
]


def _orders(days: list[date], now: datetime) -> Iterator[list[Any]]:
    for day in days:
        cursor = None
        while True:
            page = admin_orders(AdminOrdersQuery(date=day, limit=PAGE, cursor=cursor), now=now)
            for o in page.items:
                yield [
                    o.id,
                    o.status,
                    o.created_at,
                    o.start,
                    o.service.name,
                    o.service.category_id,
                    o.address.region,
                    o.customer_id,
                    o.worker.id if o.worker else "",
                    (o.worker.name or "") if o.worker else "",
                    o.price.total_fen,
                    o.paid_fen,
                    o.refund_fen,
                ]
            if not (cursor := page.next_cursor):
                break


WORKER_COLUMNS = [
    "worker_id",
    "name",
    "completed",
    "completion_rate",
    "on_time_rate",
    "rating",
    "complaints",
    "credit",
    "service_minutes",
    "income_fen",
    "needs_training",
]


def _workers(query: RangeQuery, now: datetime) -> Iterator[list[Any]]:
    cursor = None
    while True:
        page = worker_performance(
            WorkersQuery(start=query.start, to=query.to, limit=PAGE, cursor=cursor), now=now
        )
        for r in page.items:
            yield [
                r.worker.id,
                r.worker.name or "",
                r.completed,
                _blank(r.completion_rate),
                _blank(r.on_time_rate),
                _blank(r.rating),
                r.complaints,
                _blank(r.credit),
                r.service_minutes,
                r.income_fen,
                "yes" if r.needs_training else "no",
            ]
        if not (cursor := page.next_cursor):
            return


CUSTOMER_COLUMNS = [
    "customer_id",
    "registered_on",
    "nickname",
    "phone",
    "region",
    "tier",
    "orders",
    "completed_orders",
    "spend_fen",
    "points",
]


def _customers(days: list[date]) -> Iterator[list[Any]]:
    for day in days:
        start = None
        while True:
            page = store.registered_on(day, "customer", PAGE, start)
            start = page.last_key
            profiles = customer_profiles(page.items)
            for customer_id in page.items:
                p = profiles.get(customer_id)
                counters, tier = store.customer_stats(customer_id)
                yield [
                    customer_id,
                    day.isoformat(),
                    (p.nickname or "") if p else "",
                    mask_phone(p.phone) or "" if p else "",
                    (p.region or "") if p else "",
                    tier or "",
                    counters.get("orders", 0),
                    counters.get("completed", 0),
                    counters.get("spend_fen", 0),
                    counters.get("points", 0),
                ]
            if not start:
                break


def _ledger() -> Iterator[list[Any]]:
    for account, balance in sorted(account_balances().items()):
        yield [account, balance]


def _stats(days: list[date]) -> Iterator[list[Any]]:
    by_day = store.day_counters(days[0], days[-1], set(rules.METRICS.values()))
    for day in days:
        c = by_day.get(day, {})
        yield [day.isoformat(), *(c.get(counter, 0) for counter in rules.METRICS.values())]


def _blank(value: Any) -> Any:
    return "" if value is None else value


EXPORTS: dict[str, Callable[[RangeQuery, list[date], datetime], tuple[list[str], Iterator[list[Any]]]]] = {
    "orders": lambda q, days, now: (ORDER_COLUMNS, _orders(days, now)),
    "workers": lambda q, days, now: (WORKER_COLUMNS, _workers(q, now)),
    "customers": lambda q, days, now: (CUSTOMER_COLUMNS, _customers(days)),
    "ledger": lambda q, days, now: (["account", "balance_fen"], _ledger()),
    "stats": lambda q, days, now: (["date", *rules.METRICS], _stats(days)),
}


def export_csv(name: str, query: RangeQuery, *, now: datetime) -> tuple[str, bool]:
    """(CSV text with BOM and header, whether it was cut at analytics_export_max_rows); 404 for an unknown name."""
    if name not in EXPORTS:
        raise NotFound(f"no export {name!r}; there are {', '.join(EXPORTS)}", code="UNKNOWN_EXPORT")
    days = days_of(query, now)
    header, rows = EXPORTS[name](query, days, now)
    cap = get_settings().analytics_export_max_rows
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    truncated = False
    for written, row in enumerate(rows):
        if written == cap:
            truncated = True
            break
        writer.writerow(row)
    if truncated:
        writer.writerow(
            [f"# truncated after {cap} rows (setting analytics_export_max_rows): narrow the range"]
        )
    return out.getvalue(), truncated
