"""Nothing is ever double-booked: fifty customers racing for overlapping times of one worker, at once."""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from chalice.local import LocalChalice

from infra.local.atomic_dynamodb import make_dynamodb_atomic
from tests.integration.booking_helpers import World, long_lived_tokens, make_world, operator, slot
from tests.integration.conftest import Api

RACERS = 50


@contextmanager
def concurrent_requests(app: object) -> Iterator[None]:
    """Each thread its own current request, as separate Lambda invocations have (what `chalice local` does).

    Chalice's test client swaps ``os.environ`` for a copy around each request; from many threads at once the
    last one out can leave a copy in place, so the real one is put back afterwards."""
    original, environ = type(app), os.environ
    if not issubclass(original, LocalChalice):
        app.__class__ = type("PerThreadRequests", (LocalChalice, original), {})
    try:
        yield
    finally:
        app.__class__ = original
        os.environ = environ  # noqa: B003 (putting the real one back is the point)


@pytest.fixture
def world(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    make_dynamodb_atomic()  # moto's DynamoDB, as atomic as DynamoDB is
    with long_lived_tokens(monkeypatch):
        yield make_world(api, operator(api))


def test_fifty_concurrent_orders_for_overlapping_times_of_one_worker_book_exactly_one(world: World) -> None:
    from app import app

    wang = world.worker("wang")
    customers = [world.customer(f"racer{i}") for i in range(10)]
    first = datetime.fromisoformat(slot(4))
    starts = [
        (first + timedelta(minutes=30 * (i % 3))).isoformat() for i in range(RACERS)
    ]  # 2 h each: all overlap
    gate = threading.Barrier(RACERS)

    def race(i: int) -> tuple[int, str]:
        name = f"racer{i % 10}"
        body = {
            "service_id": world.service_id,
            "start": starts[i],
            "units": 2,
            "address_id": world.addresses[name],
            "worker_id": wang.id,
        }
        gate.wait()
        reply = world.api.post("/v1/orders", body, token=customers[i % 10].token)
        return reply.status, reply.body.get("error", {}).get("code", "")

    with concurrent_requests(app), ThreadPoolExecutor(RACERS) as pool:
        results = list(pool.map(race, range(RACERS)))

    assert Counter(results) == {(201, ""): 1, (409, "SLOT_TAKEN"): RACERS - 1}
    board = world.api.get(f"/v1/admin/orders?worker_id={wang.id}", token=world.operator).body["items"]
    assert len(board) == 1 and board[0]["status"] == "pending_payment"


def test_a_booking_still_contended_after_its_retries_asks_to_be_sent_again_and_writes_nothing(
    world: World,
) -> None:
    from tests.faults import FAULTS, FaultInjector

    wang, li = world.worker("wang"), world.customer("li")
    body = {
        "service_id": world.service_id,
        "start": slot(4),
        "units": 2,
        "address_id": world.addresses["li"],
        "worker_id": wang.id,
    }
    conflicts = tuple(f for f in FAULTS if f.kind == "dynamodb.conflict")
    with FaultInjector(1.0, faults=conflicts, backoff_scale=0.01) as faults:
        contended = world.api.post("/v1/orders", body, token=li.token)

    assert faults.injected["dynamodb.conflict"] >= 2  # retried before giving up
    assert contended.status == 503 and contended.body["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert contended.headers.get("Retry-After")
    assert world.api.get(f"/v1/admin/orders?worker_id={wang.id}", token=world.operator).body["items"] == []
    assert world.api.post("/v1/orders", body, token=li.token).status == 201  # the slot was never held
