"""Orders over tables of 100 and 10,000 orders: booking, reading one order, a customer's list, the boards, and a
worker's visit (depart, arrive, photos: one conditional write each, whatever the table holds).

Both tables hold the bench customer's 20 orders and 20 verified workers near the address; the rest of the orders
belong to other customers (ten each) on other days. Reading must not grow with the table: one order is one item,
a list is one Query on the customer's (or the worker's, or the day's) index partition. Booking reads the service,
the address and the worker, then writes one transaction (the order and the worker's slot locks).
The workflow is not started here (no state machine configured): that is one Step Functions call, not DynamoDB.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from common.auth import issue_token
from common.clock import clock, iso

from bench.scenarios import Endpoint, operator_token, price_differences, progress
from bench.scenarios.matching import ADDRESS, SH, _catalog, _customer, _record
from functions.booking import store
from functions.workers import store as worker_store

SIZES = (100, 10_000)
WORKERS = 20
OWN_ORDERS = 20  # the bench customer's
# Accepted orders of one worker (w0000002) for the visit rows (depart, arrive, photos): each request takes the
# next one, so at most this many requests per endpoint (``--repeat``).
VISITS = 60
VISIT_WORKER = "w0000002"


def _bench_day() -> datetime:
    today = clock.now().astimezone(SH).date()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 + 7)
    return datetime(monday.year, monday.month, monday.day, 9, tzinfo=SH)


def _order(
    n: int,
    customer: str,
    worker: str,
    start: datetime,
    service_id: str,
    *,
    prefix: str = "o",
    status: str = "",
) -> store.OrderItem:
    created = iso(clock.now())
    end = start + timedelta(hours=2)
    return store.new_order(
        id=f"{prefix}{n:08d}",
        status=status
        or ("pending_payment", "pending_acceptance", "accepted", "completed", "cancelled")[n % 5],
        customer_id=customer,
        worker_id=worker,
        worker_name="阿姨",
        service={
            "id": service_id,
            "name": "日常保洁",
            "category_id": "cat_cleaning",
            "unit": "hour",
            "unit_price_fen": 5000,
            "duration_minutes": 60,
        },
        address={
            "id": "home",
            "contact_name": "王女士",
            "phone": "13800000000",
            "region": "上海市徐汇区",
            "detail": "漕溪北路 1 号",
            "lat": ADDRESS[0],
            "lng": ADDRESS[1],
        },
        price={
            "subtotal_fen": 10000,
            "member_discount_fen": 0,
            "coupon_discount_fen": 0,
            "points_discount_fen": 0,
            "total_fen": 10000,
        },
        units=2,
        start=iso(start),
        end=iso(end),
        created_at=created,
        pay_deadline=created,
        commission_percent=20,
        tried_workers=[worker],
        dispatches=1,
        timeline=[
            store.entry(created, "pending_payment", "customer", "order placed"),
            store.entry(created, "pending_acceptance", "customer", "paid"),
        ],
    )


def _visits(service_id: str, day: datetime) -> None:
    """Accepted orders of ``VISIT_WORKER`` (another customer's), for the visit rows."""
    with store.OrderItem.batch_write() as batch:
        for n in range(VISITS):
            start = day + timedelta(days=14 + n // 10, hours=n % 10)
            batch.save(_order(n, "c_visits", VISIT_WORKER, start, service_id, prefix="v", status="accepted"))


def _orders(size: int, customer: str, service_id: str, day: datetime) -> None:
    with store.OrderItem.batch_write() as batch:
        for n in range(size):
            own = n < OWN_ORDERS
            owner = customer if own else f"c{n // 10:07d}"
            # Other customers' orders fall on the following weeks, so the bench's own day stays the same.
            start = day + timedelta(days=(n % 3) if own else 7 + n % 21, hours=(n % 5) * 2)
            # Other customers' orders go to other workers, so the bench worker's list is the same at both sizes.
            worker = f"w{n % WORKERS + 1:07d}" if own else f"w{WORKERS + 1 + n % 5000:07d}"
            batch.save(_order(n, owner, worker, start, service_id))
            if (n + 1) % 5000 == 0 or n + 1 == size:
                progress("orders", n + 1, size)


def seed(size: int) -> dict[str, Any]:
    ids = _catalog()
    day = _bench_day()
    now, today = iso(clock.now()), day.date().isoformat()
    worker_store.bulk_put(
        _record(n + 1, ADDRESS[0], ADDRESS[1], [(ids["cleaning"], "保洁")], now, today)
        for n in range(WORKERS)
    )  # w0000001..w0000020: verified, near the address, available 08:00-20:00
    customer, address = _customer()
    _orders(size, customer, ids["service"], day)
    _visits(ids["service"], day)
    extras = price_differences.seed(
        customer, lambda n, c, w, start: _order(n, c, w, start, ids["service"]), day
    )
    return {"service_id": ids["service"], "customer": customer, "address": address, "day": day, **extras}


def teardown(ctx: dict[str, Any]) -> None:
    price_differences.teardown(ctx)


def endpoints(ctx: dict[str, Any]) -> list[Endpoint]:
    now = clock.now()
    token = issue_token(ctx["customer"], "customer", now=now)
    operator = operator_token(now=now)
    worker = issue_token("w0000001", "worker", now=now)
    visitor = issue_token(VISIT_WORKER, "worker", now=now)
    day: datetime = ctx["day"]

    def booking(i: int) -> dict[str, Any]:
        # A different worker (or a later slot) each time: every request books.
        start = day + timedelta(days=3 + i // WORKERS, hours=8)
        return {
            "service_id": ctx["service_id"],
            "start": start.isoformat(),
            "units": 2,
            "address_id": ctx["address"],
            "worker_id": f"w{i % WORKERS + 1:07d}",
        }

    def visit(step: str) -> Any:
        return lambda i: f"/v1/worker/orders/v{i % VISITS:08d}/{step}"

    def best_match(i: int) -> dict[str, Any]:
        body = booking(i)
        del body["worker_id"]
        body["start"] = (day + timedelta(days=3 + i % 5, hours=2)).isoformat()
        return body

    return [
        Endpoint("POST /v1/orders", "POST", "/v1/orders", body=booking, token=token, expect=201),
        Endpoint(
            "POST /v1/orders (best match)", "POST", "/v1/orders", body=best_match, token=token, expect=201
        ),
        Endpoint("GET /v1/orders/{id}", "GET", "/v1/orders/o00000007", token=token),
        Endpoint("GET /v1/orders", "GET", "/v1/orders", token=token),
        Endpoint("GET /v1/worker/orders", "GET", "/v1/worker/orders", token=worker),
        Endpoint(
            "GET /v1/admin/orders?date=",
            "GET",
            f"/v1/admin/orders?date={day.date().isoformat()}",
            token=operator,
        ),
        # the visit (issue 17): one conditional write with its event, then the order read back
        Endpoint("POST /v1/worker/orders/{id}/depart", "POST", visit("depart"), body={}, token=visitor),
        Endpoint(
            "POST /v1/worker/orders/{id}/arrive",
            "POST",
            visit("arrive"),
            body={"lat": ADDRESS[0], "lng": ADDRESS[1], "photo_url": "https://media.example.com/door.jpg"},
            token=visitor,
        ),
        Endpoint(
            "POST /v1/worker/orders/{id}/photos",
            "POST",
            visit("photos"),
            body={"stage": "before", "urls": ["https://media.example.com/before.jpg"]},
            token=visitor,
        ),
        *price_differences.endpoints(ctx, token),  # issue 17
    ]
