"""Calendars beyond one visit (issue 13) over 1,000 and 100,000 orders: a reschedule, and the plan-occurrences job
with the same number of plans due at both sizes.

Both tables hold ``size`` orders of other customers (bench.scenarios.orders), ``size // 10`` plans that are not
due (their next visit is months away), and, for each bench day, ``DUE`` plans whose next visit enters the horizon
that day. Each job request runs on the next bench day (its body factory moves the business clock), so every run
finds ``DUE`` plans due and books one visit of each: the job reads the due index's shards and those plans, never
the others, so its calls and items read stay the same at 100× the orders. A reschedule moves one of the bench
customer's orders (held through booking, with its locks) two days later: one transaction, whatever the table.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from common.auth import issue_token
from common.clock import clock, iso
from common.ids import new_id
from common.settings import get_settings

from bench.scenarios import Endpoint, progress
from bench.scenarios.marketing import _without_table_copies
from bench.scenarios.matching import ADDRESS, SH, _catalog, _customer, _record
from bench.scenarios.orders import _orders
from functions.booking import service as booking_service
from functions.booking.models import OrderRequest
from functions.plans import rules as plan_rules
from functions.plans import store as plan_store
from functions.workers import store as worker_store

SIZES = (1_000, 100_000)
DUE = 10  # plans due on each bench day, each with its own worker
BENCH_DAYS = 20  # more than the requests per endpoint (bench.run --repeat, 15)
WORKERS = 20  # w0000001..w0000010 serve the plans, w0000011..w0000020 the orders that are moved
MOVED = 20  # the bench customer's orders, one moved per request


def _day0() -> datetime:
    today = clock.now().astimezone(SH).date()
    return datetime(today.year, today.month, today.day, 0, 30, tzinfo=SH) + timedelta(days=2)


def _plan(n: int, customer: str, address: str, service_id: str, visit: date, worker: str | None) -> Any:
    horizon = get_settings().plan_horizon_days
    item = plan_store.PlanItem(
        *plan_store.plan_key(f"pl{n:07d}"),
        id=f"pl{n:07d}",
        customer_id=customer,
        status="active",
        service_id=service_id,
        address_id=address,
        worker_id=worker,
        weekday=plan_rules.WEEKDAYS[visit.weekday()],
        time="10:00",
        units=2,
        every_weeks=1,
        visits=4,
        first_date=visit.isoformat(),
        next_date=visit.isoformat(),
        created_at=iso(clock.now()),
        version=0,
    )
    shards = get_settings().plan_due_shards
    due = plan_rules.due_at(visit, horizon, SH)
    item.GSI1PK, item.GSI1SK = plan_store.customer_partition(customer), f"{item.created_at}#{item.id}"
    item.GSI2PK = plan_store.due_partition(plan_store.shard_of(item.id, shards))
    item.GSI2SK = plan_store.due_sort_key(due, item.id)
    return item


def _plans(size: int, customer: str, address: str, service_id: str, day0: datetime) -> None:
    horizon = get_settings().plan_horizon_days
    with plan_store.PlanItem.batch_write() as batch:
        for day in range(BENCH_DAYS):  # due on bench day `day`: the visit enters the horizon then
            visit = (day0 + timedelta(days=day + horizon)).date()
            for k in range(DUE):
                worker = f"w{k + 1:07d}"
                batch.save(_plan(day * DUE + k, customer, address, service_id, visit, worker))
        far = (day0 + timedelta(days=200)).date()
        rest = size // 10
        for n in range(rest):  # other customers' plans, due months from now: never read by the job
            batch.save(_plan(10_000_000 + n, f"c{n:07d}", "home", service_id, far, None))
            if (n + 1) % 5000 == 0 or n + 1 == rest:
                progress("plans", n + 1, rest)


def _moved_orders(customer: str, address: str, service_id: str, day0: datetime) -> list[str]:
    ids = []
    for k in range(MOVED):
        start = day0.replace(hour=9, minute=0) + timedelta(days=5 + k // 10)
        req = OrderRequest(
            service_id=service_id,
            start=start,
            units=2,
            address_id=address,
            worker_id=f"w{11 + k % 10:07d}",
        )
        order = booking_service.create_order(customer, req, now=clock.now(), new_id=new_id)
        ids.append(order.id)
    return ids


def seed(size: int) -> dict[str, Any]:
    from app import app
    from infra.local import dev_routes, schedules

    dev_routes.install(app, schedules.jobs(app))  # POST /v1/dev/jobs/{name}, as the local stack has it
    _without_table_copies()
    ids = _catalog()
    day0 = _day0()
    now, today = iso(clock.now()), day0.date().isoformat()
    worker_store.bulk_put(
        _record(n + 1, ADDRESS[0], ADDRESS[1], [(ids["cleaning"], "保洁")], now, today)
        for n in range(WORKERS)
    )
    customer, address = _customer()
    _orders(size, customer, ids["service"], day0 + timedelta(days=30))  # other customers' orders, other days
    _plans(size, customer, address, ids["service"], day0)
    moved = _moved_orders(customer, address, ids["service"], day0)
    return {"customer": customer, "day0": day0, "moved": moved}


def endpoints(ctx: dict[str, Any]) -> list[Endpoint]:
    day0: datetime = ctx["day0"]
    token = issue_token(ctx["customer"], "customer", now=day0)  # the reschedule runs on day 0's clock
    moved: list[str] = ctx["moved"]

    def on_bench_day(i: int) -> None:
        clock.set(day0 + timedelta(days=i))  # run i finds the DUE plans due on bench day i
        return None

    def move(i: int) -> dict[str, Any]:
        clock.set(day0)
        start = day0.replace(hour=14, minute=0) + timedelta(days=7 + i // 10)
        return {"start": start.isoformat()}

    return [
        Endpoint(
            "POST /v1/orders/{id}/reschedule",
            "POST",
            lambda i: f"/v1/orders/{moved[i]}/reschedule",
            body=move,
            token=token,
        ),
        Endpoint("job plan-occurrences", "POST", "/v1/dev/jobs/plan-occurrences", body=on_bench_day),
    ]


def teardown(ctx: dict[str, Any]) -> None:
    clock.reset()
