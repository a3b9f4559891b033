"""Engagements (services priced per day): whole days held with one lock per day, against hourly slot locks in
both directions; the calendar and matching see held days; the price carries deposit and balance."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from tests.integration.booking_helpers import World, long_lived_tokens, make_world, operator
from tests.integration.conftest import Api
from tests.integration.engagement_helpers import add_nanny_service, day_of, engage, morning


@pytest.fixture
def world(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with long_lived_tokens(monkeypatch):
        yield make_world(api, operator(api))


@pytest.fixture
def nanny(world: World) -> str:
    return add_nanny_service(world)


def test_a_26_day_engagement_is_booked_with_deposit_and_balance_summing_to_the_total(
    world: World, nanny: str
) -> None:
    reply = engage(world, nanny, "amy", morning(2), 26, "wang")

    assert reply.status == 201, reply.body
    order = reply.body
    price = order["price"]
    assert price["total_fen"] == 26 * 40000
    assert price["deposit_fen"] == 26 * 40000 * 20 // 100
    assert price["deposit_fen"] + price["balance_fen"] == price["total_fen"]
    assert order["engagement"]["days"] == 26
    assert order["engagement"]["first_day"] == day_of(morning(2)).isoformat()
    assert order["status"] == "pending_payment"


def test_the_worker_calendar_shows_every_held_day(world: World, nanny: str) -> None:
    order = engage(world, nanny, "amy", morning(2), 10, "wang").body
    first = day_of(morning(1))

    calendar = world.api.get(
        f"/v1/worker/calendar?from={first.isoformat()}&days=14", token=world.worker("wang").token
    ).body

    held = [d["date"] for d in calendar["days"] if d["order_id"] == order["id"]]
    assert held == [(first + timedelta(days=1 + i)).isoformat() for i in range(10)]
    assert calendar["slots"] == []


def test_an_hourly_order_on_a_held_day_is_refused(world: World, nanny: str) -> None:
    assert engage(world, nanny, "amy", morning(2), 5, "wang").status == 201

    reply = world.book("bob", morning(4), worker="wang", units=2)

    assert reply.status == 409 and reply.body["error"]["code"] == "SLOT_TAKEN"


def test_an_engagement_over_a_day_with_an_hourly_order_is_refused(world: World, nanny: str) -> None:
    assert world.book("bob", morning(4), worker="wang", units=2).status == 201

    reply = engage(world, nanny, "amy", morning(2), 5, "wang")

    assert reply.status == 409 and reply.body["error"]["code"] == "SLOT_TAKEN"


def test_a_day_is_free_for_an_engagement_again_once_the_hourly_order_is_cancelled(
    world: World, nanny: str
) -> None:
    hourly = world.book("bob", morning(4), worker="wang", units=2).body
    cancel = world.api.post(
        f"/v1/orders/{hourly['id']}/cancel", {"reason": "plans changed"}, token=world.customer("bob").token
    )
    assert cancel.status == 200, cancel.body

    assert engage(world, nanny, "amy", morning(2), 5, "wang").status == 201


def test_days_of_a_cancelled_engagement_take_hourly_orders_again(world: World, nanny: str) -> None:
    order = engage(world, nanny, "amy", morning(2), 5, "wang").body
    world.api.post(f"/v1/orders/{order['id']}/cancel", {"reason": "no"}, token=world.customer("amy").token)

    assert world.book("bob", morning(4), worker="wang", units=2).status == 201


def test_matching_treats_held_days_as_busy(world: World, nanny: str) -> None:
    world.worker("wang")
    world.worker("li")
    first = engage(world, nanny, "amy", morning(2), 5, None).body
    second = engage(world, nanny, "bob", morning(3), 5, None).body
    assert {first["worker"]["id"], second["worker"]["id"]} == {world.worker("wang").id, world.worker("li").id}

    third = engage(world, nanny, "cat", morning(4), 2, None)
    assert third.status == 409 and third.body["error"]["code"] == "NO_WORKER_AVAILABLE"

    hourly = world.book("dan", morning(5), units=2)
    assert hourly.status == 409 and hourly.body["error"]["code"] == "NO_WORKER_AVAILABLE"


def test_more_days_than_the_setting_allows_is_refused(world: World, nanny: str) -> None:
    reply = engage(world, nanny, "amy", morning(2), 121, "wang")

    assert reply.status == 422 and reply.body["error"]["code"] == "ENGAGEMENT_TOO_LONG"
