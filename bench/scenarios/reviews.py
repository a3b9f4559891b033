"""Reviews and credit over tables of 1,000 and 100,000 workers: the hourly credit recalculation with the same 20
dirty workers at both sizes, a customer's review of a completed order, a worker's public review list.

Every worker has a settled credit item (the items a Scan would have to wade through); before each run of the job
the same 20 workers get a new review into their month's inputs and a dirty mark, so the job has the same work to
do at both sizes. It reads the sparse dirty index (one Query per shard), then per dirty worker one Query of their
inputs, and writes through workers' ``set_credit_score``: items read and calls must not grow with the table.
The job runs through the local stack's ``POST /v1/dev/jobs/credit-recalculation``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from common.auth import issue_token
from common.clock import clock, iso
from common.settings import get_settings

from bench.scenarios import Endpoint, progress
from bench.scenarios.matching import ADDRESS, _catalog, _customer, _record
from bench.scenarios.orders import _bench_day, _order
from functions.booking import store as booking_store
from functions.reviews import credit_store, store
from functions.reviews import rules as review_rules
from functions.workers import store as worker_store

SIZES = (1_000, 100_000)
DIRTY = 20  # w0000001..w0000020: real verified workers
REVIEWABLE = 200  # completed orders of the bench customer with w0000001, one per review request
LISTED = 60  # reviews in w0000001's public list


def _credit_items(size: int) -> None:
    now = iso(clock.now())
    with credit_store.CreditItem.batch_write() as batch:
        for n in range(size):
            worker = f"w{n + 1:07d}"
            batch.save(
                credit_store.CreditItem(
                    *credit_store.credit_key(worker),
                    worker_id=worker,
                    score=600 + n % 300,
                    dirty_seq=0,
                    level="good",
                    updated_at=now,
                )
            )
            if (n + 1) % 10000 == 0 or n + 1 == size:
                progress("credit items", n + 1, size)


def _reviewable(customer: str, service_id: str) -> list[str]:
    day = _bench_day() - timedelta(days=14)
    ids = []
    with booking_store.OrderItem.batch_write() as batch:
        for n in range(REVIEWABLE):
            item = _order(900_000 + n, customer, "w0000001", day + timedelta(hours=n % 10), service_id)
            item.status = "completed"
            item.timeline = [
                *item.timeline,
                booking_store.entry(iso(clock.now()), "completed", "worker", "done"),
            ]
            batch.save(item)
            ids.append(item.id)
    return ids


def _listed(worker: str) -> None:
    with store.ListedReview.batch_write() as batch:
        for n in range(LISTED):
            at = iso(clock.now() - timedelta(hours=n))
            batch.save(
                store.ListedReview(
                    store.worker_pk(worker),
                    store.list_sk(at, f"old{n:04d}"),
                    id=f"old{n:04d}-c",
                    order_id=f"old{n:04d}",
                    attitude=5,
                    skill=4,
                    quality=5,
                    text="很细心",
                    author="王女士",
                    created_at=at,
                )
            )


def seed(size: int) -> dict[str, Any]:
    from app import app
    from bench import env  # the bench's own process only: importing it sets the bench environment
    from infra.local import dev_routes, schedules

    dev_routes.install(app, schedules.jobs(app))  # the local stack's POST /v1/dev/jobs/{name}
    env.lean_transactions()  # moto copies the whole table per transaction; DynamoDB does not
    ids = _catalog()
    now, today = iso(clock.now()), _bench_day().date().isoformat()
    worker_store.bulk_put(
        _record(n + 1, ADDRESS[0], ADDRESS[1], [(ids["cleaning"], "保洁")], now, today) for n in range(DIRTY)
    )
    _credit_items(size)
    customer, _ = _customer()
    orders = _reviewable(customer, ids["service"])
    _listed("w0000001")
    return {"customer": customer, "orders": orders}


def _dirty_the_same_workers(i: int) -> None:
    """Before each run: a new review into the same 20 workers' inputs, and their dirty marks."""
    at, shards = clock.now(), get_settings().credit_dirty_shards
    month = f"{at.year:04d}-{at.month:02d}"
    for n in range(DIRTY):
        worker = f"w{n + 1:07d}"
        with store.transaction() as tx:
            credit_store.add_tally(tx, worker, month, reviews=1, review_points=15 if i % 2 else 3)
            shard = review_rules.dirty_shard(worker, shards)
            credit_store.mark_dirty(tx, worker, shard=shard, at=iso(at), cause=("review", f"bench{i}"))


def endpoints(ctx: dict[str, Any]) -> list[Endpoint]:
    token = issue_token(ctx["customer"], "customer", now=clock.now())
    orders: list[str] = ctx["orders"]

    def job(i: int) -> None:
        _dirty_the_same_workers(i)

    return [
        Endpoint(
            "credit-recalculation (20 dirty)",
            "POST",
            "/v1/dev/jobs/credit-recalculation",
            body=job,
            expect=200,
        ),
        Endpoint(
            "POST /v1/orders/{id}/review",
            "POST",
            lambda i: f"/v1/orders/{orders[i]}/review",
            body={"attitude": 5, "skill": 5, "quality": 4, "text": "准时、细心"},
            token=token,
            expect=201,
        ),
        Endpoint("GET /v1/workers/{id}/reviews", "GET", "/v1/workers/w0000001/reviews", expect=200),
    ]
