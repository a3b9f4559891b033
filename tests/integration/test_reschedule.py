"""Rescheduling (改期) over HTTP on moto: a move of the order's locks in one transaction, at once more than
``reschedule_free_hours`` ahead, with the worker's consent within it; a taken slot is 409 and nothing changes;
an accepted order's workflow waits for the new start."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
from common.clock import clock

from bench.meter import metered
from functions.booking import mark_paid
from functions.booking import store as booking_store
from functions.workers.calendar import booked
from tests.integration.booking_helpers import World, event_tap, long_lived_tokens, make_world, operator, slot
from tests.integration.conftest import Api
from tests.integration.engagement_helpers import add_nanny_service, engage, morning
from tests.integration.lifecycle_helpers import Flow, order_workflow


@pytest.fixture
def world(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with long_lived_tokens(monkeypatch):
        yield make_world(api, operator(api))


def booked_order(world: World, start: str, *, customer: str = "amy", worker: str = "wang") -> dict:
    reply = world.book(customer, start, worker=worker)
    assert reply.status == 201, reply.body
    return reply.body


def accepted(world: World, start: str) -> dict:
    order = booked_order(world, start)
    assert mark_paid(
        order["id"], paid_fen=order["price"]["total_fen"], transaction_id="wx-" + order["id"], now=clock.now()
    )
    reply = world.api.post(f"/v1/worker/orders/{order['id']}/accept", token=world.worker("wang").token)
    assert reply.status == 200, reply.body
    return reply.body


def locks(world: World, worker: str = "wang") -> dict[str, set[str]]:
    """The worker's held slots by order: {order id: {"YYYY-MM-DD HH:MM", ...}}."""
    held: dict[str, set[str]] = {}
    today = clock.now().date()
    for s in booked(world.worker(worker).id, date(today.year, today.month, today.day), 30).slots:
        held.setdefault(s.order_id, set()).add(f"{s.date} {s.time}")
    return held


def hhmm(iso: str) -> str:
    t = datetime.fromisoformat(iso)
    return f"{t.date()} {t.strftime('%H:%M')}"


def reschedule(world: World, order_id: str, start: str, customer: str = "amy") -> object:
    token = world.customer(customer).token
    return world.api.post(f"/v1/orders/{order_id}/reschedule", {"start": start}, token=token)


def test_a_move_more_than_a_day_ahead_moves_the_locks_at_once(world: World) -> None:
    order = booked_order(world, slot(48))
    new_start = slot(72)
    with event_tap() as received:
        reply = reschedule(world, order["id"], new_start)
        events = received()
    assert reply.status == 200, reply.body
    assert reply.body["reschedule"] == {
        "status": "moved",
        "start": reply.body["start"],
        "previous_start": order["start"],
    }
    assert datetime.fromisoformat(reply.body["start"]) == datetime.fromisoformat(new_start)
    held = locks(world)[order["id"]]
    assert hhmm(new_start) in held and hhmm(order["start"]) not in held  # new put, old deleted
    assert len(held) == 5  # 2 hours + the 30-minute travel buffer, as a fresh booking holds
    assert world.book("ben", order["start"], worker="wang").status == 201  # the old time is free again
    assert world.book("ben", new_start, worker="wang").status == 409  # the new one is held
    moved = [d for t, d in events if t == "OrderRescheduled"]
    assert len(moved) == 1 and moved[0]["previous_start"] == order["start"]
    assert (
        world.api.get(f"/v1/orders/{order['id']}", token=world.customer("amy").token)
        .body["timeline"][-1]["note"]
        .startswith("rescheduled from")
    )


def test_a_move_onto_a_taken_slot_is_409_and_changes_nothing(world: World) -> None:
    order = booked_order(world, slot(48))
    other = booked_order(world, slot(72), customer="ben")
    before = booking_store.get(order["id"], consistent=True)
    reply = reschedule(world, order["id"], slot(72.5))  # overlaps ben's booking of wang
    assert reply.status == 409 and reply.body["error"]["code"] == "SLOT_TAKEN"
    after = booking_store.get(order["id"], consistent=True)
    assert (after.start, after.version, len(after.timeline)) == (
        before.start,
        before.version,
        len(before.timeline),
    )
    held = locks(world)
    assert hhmm(order["start"]) in held[order["id"]] and len(held[order["id"]]) == 5
    assert hhmm(other["start"]) in held[other["id"]]


def test_a_move_to_a_time_that_breaks_the_booking_rules_is_refused(world: World) -> None:
    order = booked_order(world, slot(48))
    assert reschedule(world, order["id"], slot(1)).body["error"]["code"] == "TOO_SHORT_NOTICE"
    assert reschedule(world, order["id"], order["start"]).body["error"]["code"] == "SAME_START"
    assert reschedule(world, order["id"], slot(50), customer="ben").status == 404  # not ben's order


def test_within_a_day_an_accepted_order_waits_for_the_worker_and_moves_when_they_agree(world: World) -> None:
    order = accepted(world, slot(5))
    new_start = slot(8)
    reply = reschedule(world, order["id"], new_start)
    assert reply.status == 200 and reply.body["reschedule"]["status"] == "awaiting_worker"
    assert reply.body["start"] == order["start"]  # nothing moved yet
    assert hhmm(order["start"]) in locks(world)[order["id"]]
    wang = world.worker("wang").token
    with event_tap() as received:
        reply = world.api.post(f"/v1/worker/orders/{order['id']}/reschedule/accept", token=wang)
        events = [t for t, _ in received()]
    assert reply.status == 200, reply.body
    assert datetime.fromisoformat(reply.body["start"]) == datetime.fromisoformat(new_start)
    assert (
        hhmm(new_start) in locks(world)[order["id"]] and hhmm(order["start"]) not in locks(world)[order["id"]]
    )
    assert "OrderRescheduled" in events
    again = world.api.post(f"/v1/worker/orders/{order['id']}/reschedule/accept", token=wang)
    assert again.status == 409 and again.body["error"]["code"] == "NO_RESCHEDULE_REQUEST"


def test_a_worker_who_refuses_keeps_the_time_and_the_customer_is_told(world: World, events) -> None:
    order = accepted(world, slot(5))
    assert reschedule(world, order["id"], slot(8)).body["reschedule"]["status"] == "awaiting_worker"
    reply = world.api.post(
        f"/v1/worker/orders/{order['id']}/reschedule/reject", token=world.worker("wang").token
    )
    assert reply.status == 200 and reply.body["start"] == order["start"]
    events.deliver()
    inbox = world.api.get("/v1/me/notifications", token=world.customer("amy").token).body["items"]
    assert any(n["kind"] == "order_rescheduled" and "未获同意" in n["title"] for n in inbox)
    assert hhmm(order["start"]) in locks(world)[order["id"]]


def test_a_move_reads_and_writes_the_same_whatever_the_table_holds(world: World) -> None:
    first = booked_order(world, slot(48))
    with metered() as small:
        assert reschedule(world, first["id"], slot(52)).status == 200
    for n in range(12):  # more orders of other customers and workers
        booked_order(world, slot(30 + n), customer=f"c{n}", worker=f"w{n}")
    second = booked_order(world, slot(60))
    with metered() as large:
        assert reschedule(world, second["id"], slot(64)).status == 200
    assert (large.calls, large.items_read) == (small.calls, small.items_read)


@pytest.fixture
def flow(wechat, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flow]:
    with order_workflow(wechat, monkeypatch) as running:
        yield running


def test_the_workflow_of_a_moved_order_waits_for_the_new_start(flow: Flow) -> None:
    order = flow.world.book("amy", slot(30), worker="wang").body
    assert mark_paid(
        order["id"], paid_fen=order["price"]["total_fen"], transaction_id="wx-" + order["id"], now=clock.now()
    )
    flow.waiting(order["id"], "acceptance")
    wang = flow.world.worker("wang").token
    assert flow.world.api.post(f"/v1/worker/orders/{order['id']}/accept", token=wang).status == 200
    armed = flow.waiting(order["id"], "start")
    reply = flow.world.api.post(
        f"/v1/orders/{order['id']}/reschedule", {"start": slot(54)}, token=flow.world.customer("amy").token
    )
    assert reply.status == 200 and reply.body["reschedule"]["status"] == "moved", reply.body
    rearmed = flow.waiting(order["id"], "start")  # woken, routed again, armed on the order as it is now
    assert rearmed.version > armed.version and rearmed.task_token != armed.task_token
    assert rearmed.status == "accepted" and rearmed.worker_id == flow.world.worker("wang").id
    assert "NoShow" not in flow.path(order["id"])


def test_a_move_onto_a_day_an_engagement_holds_is_refused_and_a_day_left_is_free_for_one(
    world: World,
) -> None:
    nanny = add_nanny_service(world)
    order = booked_order(world, morning(3))
    assert engage(world, nanny, "ben", morning(5), 3, "wang").status == 201

    onto_held = reschedule(world, order["id"], morning(6))

    assert onto_held.status == 409 and onto_held.body["error"]["code"] == "SLOT_TAKEN"
    assert booking_store.get(order["id"], consistent=True).start == order["start"]
    assert engage(world, nanny, "cat", morning(3), 1, "wang").status == 409  # the hourly order's day
    assert reschedule(world, order["id"], morning(9)).status == 200
    assert engage(world, nanny, "cat", morning(3), 2, "wang").status == 201  # the day it left
    assert engage(world, nanny, "dan", morning(9), 1, "wang").status == 409  # the day it reached
