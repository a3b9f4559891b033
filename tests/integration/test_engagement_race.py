"""A day is never held twice, nor both by an engagement and an hourly order: customers racing at once."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest

from infra.local.atomic_dynamodb import make_dynamodb_atomic
from tests.integration.booking_helpers import World, long_lived_tokens, make_world, operator
from tests.integration.conftest import Api
from tests.integration.engagement_helpers import add_nanny_service, morning
from tests.integration.test_booking_race import concurrent_requests

RACERS = 50


@pytest.fixture
def world(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    make_dynamodb_atomic()  # moto's DynamoDB, as atomic as DynamoDB is
    with long_lived_tokens(monkeypatch):
        yield make_world(api, operator(api))


def race(world: World, bodies: list[tuple[str, dict]]) -> list[tuple[int, str, str]]:
    """POST each (customer, body) at the same moment; (status, error code, kind) per request."""
    from app import app

    gate = threading.Barrier(len(bodies))

    def one(i: int) -> tuple[int, str, str]:
        customer, body = bodies[i]
        person = world.customer(customer)
        gate.wait()
        reply = world.api.post("/v1/orders", body, token=person.token)
        kind = "engagement" if body["service_id"] != world.service_id else "hourly"
        return reply.status, reply.body.get("error", {}).get("code", ""), kind

    with concurrent_requests(app), ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(one, range(len(bodies))))


def test_fifty_concurrent_engagements_over_overlapping_days_hold_them_once(world: World) -> None:
    nanny = add_nanny_service(world)
    wang = world.worker("wang")
    customers = [f"racer{i}" for i in range(10)]
    for name in customers:
        world.customer(name)
    bodies = [
        (
            customers[i % 10],
            {
                "service_id": nanny,
                "start": morning(2 + i % 5),  # 26 days from one of five mornings: all overlap
                "units": 26,
                "address_id": world.addresses[customers[i % 10]],
                "worker_id": wang.id,
            },
        )
        for i in range(RACERS)
    ]

    results = race(world, bodies)

    assert Counter(results) == {(201, "", "engagement"): 1, (409, "SLOT_TAKEN", "engagement"): RACERS - 1}
    calendar = world.api.get(f"/v1/worker/calendar?from={morning(2)[:10]}&days=14", token=wang.token).body
    assert len({d["order_id"] for d in calendar["days"]}) == 1


def test_engagements_and_hourly_orders_racing_for_one_day_never_both_win(world: World) -> None:
    nanny = add_nanny_service(world)
    wang = world.worker("wang")
    customers = [f"racer{i}" for i in range(10)]
    for name in customers:
        world.customer(name)
    day = datetime.fromisoformat(morning(4))
    bodies = []
    for i in range(RACERS):
        customer = customers[i % 10]
        if i % 2:  # hourly orders at different hours of the day, which alone would not overlap each other
            start = (day + timedelta(hours=3 * (i % 4))).isoformat()
            body = {"service_id": world.service_id, "start": start, "units": 2}
        else:  # engagements whose days include that day
            body = {"service_id": nanny, "start": morning(2 + i % 3), "units": 5}
        bodies.append((customer, {**body, "address_id": world.addresses[customer], "worker_id": wang.id}))

    results = race(world, bodies)

    won = Counter(kind for status, _, kind in results if status == 201)
    assert set(won) in ({"engagement"}, {"hourly"})  # one kind holds the day, never both
    if "engagement" in won:
        assert won["engagement"] == 1
    assert all(code == "SLOT_TAKEN" for status, code, _ in results if status != 201)
    calendar = world.api.get(f"/v1/worker/calendar?from={day.date()}&days=1", token=wang.token).body
    assert not (calendar["days"] and calendar["slots"])
    print("\nrace figures:", dict(won), "won of", RACERS)
