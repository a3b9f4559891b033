"""Order lists for workers and operators, each one Query on an index (never a Scan).

The operators' board (GET /v1/admin/orders) serves:
- ``date`` (default: today) with or without ``status``      → GSI3 ORDERDATE#{date}, SK begins_with status
- ``worker_id`` with or without ``status`` and/or ``date``   → GSI2 (or GSI4 with a status), SK begins_with date
- ``customer_id`` with or without ``status``                 → GSI1 (a status filters that customer's orders)
A customer combined with a worker or a date is 422 ``UNSUPPORTED_FILTER``.
"""

from __future__ import annotations

from datetime import date, datetime

from common.errors import RuleViolation
from common.pagination import Page, decode_cursor, encode_cursor

from functions.booking import store
from functions.booking.models import AdminOrdersQuery, Order, WorkerOrdersQuery
from functions.booking.views import orders_page


def _worker_page(
    worker_id: str, status: str | None, day: date | None, limit: int, cursor: str | None
) -> Page[Order]:
    if status:
        expect = {"GSI4PK": store.worker_status_partition(worker_id, status)}
    else:
        expect = {"GSI2PK": store.worker_partition(worker_id)}
    start = decode_cursor(cursor, expect=expect)
    page = store.by_worker(worker_id, limit, start, status, day.isoformat() if day else None)
    return orders_page(page.items, encode_cursor(page.last_key))


def worker_orders(worker_id: str, query: WorkerOrdersQuery) -> Page[Order]:
    """The worker's own orders, latest start first, optionally in one status."""
    return _worker_page(worker_id, query.status, None, query.limit, query.cursor)


def admin_orders(query: AdminOrdersQuery, *, now: datetime) -> Page[Order]:
    """The operators' board (module docstring for the combinations served)."""
    if query.customer_id:
        if query.worker_id or query.date:
            raise RuleViolation(
                "filter by customer alone or with a status; by worker or date otherwise",
                code="UNSUPPORTED_FILTER",
            )
        start = decode_cursor(query.cursor, expect={"GSI1PK": store.customer_partition(query.customer_id)})
        page = store.by_customer(query.customer_id, query.limit, start, query.status)
        return orders_page(page.items, encode_cursor(page.last_key))
    if query.worker_id:
        return _worker_page(query.worker_id, query.status, query.date, query.limit, query.cursor)
    day = (query.date or now.date()).isoformat()
    start = decode_cursor(query.cursor, expect={"GSI3PK": store.date_partition(day)})
    page = store.by_date(day, query.limit, start, query.status)
    return orders_page(page.items, encode_cursor(page.last_key))
