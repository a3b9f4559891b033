"""Reminders before the start and the operators' exception queue, over HTTP on moto: each order's watches follow
its moves (the booking-watches consumer), the order-watches job fires what is due, each reminder and each
exception once, and operators resolve exceptions once, in the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from common.clock import clock

from functions.booking import mark_paid, raise_exception, watch_store
from functions.booking.watches import sync
from tests.integration.booking_helpers import World, long_lived_tokens, make_world, operator, slot
from tests.integration.conftest import Api
from tests.integration.event_helpers import EventFlow
from tests.integration.marketing_helpers import run_job


@pytest.fixture
def world(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with long_lived_tokens(monkeypatch):
        yield make_world(api, operator(api))


def accepted_order(world: World, events: EventFlow, hours_ahead: float, customer: str = "amy") -> dict:
    """An order of ``customer`` with wang, paid and accepted ``hours_ahead`` before its start; events delivered."""
    order = world.book(customer, slot(hours_ahead), worker="wang").body
    assert mark_paid(
        order["id"], paid_fen=order["price"]["total_fen"], transaction_id=f"wx-{order['id']}", now=clock.now()
    )
    accepted = world.api.post(f"/v1/worker/orders/{order['id']}/accept", token=world.worker("wang").token)
    assert accepted.status == 200, accepted.body
    events.deliver()
    return accepted.body


def move_clock_to(at: str | datetime, offset: timedelta = timedelta(0)) -> None:
    clock.set((datetime.fromisoformat(at) if isinstance(at, str) else at) + offset)


def notices(world: World, token: str, kind: str, path: str = "/v1/me/notifications") -> list[dict[str, Any]]:
    reply = world.api.get(path, token=token)
    assert reply.status == 200, reply.body
    return [n for n in reply.body["items"] if n["kind"] == kind]


def exceptions(world: World, query: str = "") -> list[dict[str, Any]]:
    reply = world.api.get(f"/v1/admin/exceptions{query}", token=world.operator)
    assert reply.status == 200, reply.body
    return reply.body["items"]


def test_each_reminder_reaches_the_customer_and_the_worker_once_even_when_the_job_reruns(
    world: World, events: EventFlow
) -> None:
    order = accepted_order(world, events, 30)
    kinds = {w.kind: w.due_at for w in watch_store.watches_of(order["id"])}
    assert set(kinds) == {"reminder_24h", "reminder_2h", "no_checkin", "late_start"}
    assert run_job("order-watches")["reminders"] == 0  # nothing is due yet

    move_clock_to(order["start"], -timedelta(hours=24) + timedelta(minutes=1))
    assert run_job("order-watches")["reminders"] == 1
    assert run_job("order-watches")["due"] == 0  # fired and out of the due index
    sync(order["id"], now=clock.now())  # a replayed move puts the watch back while its window is open
    assert run_job("order-watches") == {
        "due": 1,
        "reminders": 0,
        "exceptions": 0,
        "already": 1,
        "dropped": 0,
        "moved": 0,
    }
    events.deliver()
    customer, worker = world.customer("amy").token, world.worker("wang").token
    assert len(notices(world, customer, "order_reminder")) == 1
    assert len(notices(world, worker, "order_reminder", "/v1/worker/notifications")) == 1

    move_clock_to(order["start"], -timedelta(hours=2))
    assert run_job("order-watches")["reminders"] == 1
    events.deliver()
    assert len(notices(world, customer, "order_reminder")) == 2
    assert len(notices(world, worker, "order_reminder", "/v1/worker/notifications")) == 2


def test_a_worker_who_neither_arrives_nor_starts_is_raised_once_per_kind_oldest_first(
    world: World, events: EventFlow
) -> None:
    order = accepted_order(world, events, 3)
    move_clock_to(order["start"], timedelta(minutes=15))
    done = run_job("order-watches")
    # No check-in, late start; the reminders, never sent before the start (no job ran), are too late and dropped.
    assert (done["exceptions"], done["reminders"], done["dropped"]) == (2, 0, 2)
    assert run_job("order-watches")["exceptions"] == 0
    assert not raise_exception(order["id"], "late_start", clock.now(), "again", clock.now())

    queue = exceptions(world)
    assert [(e["kind"], e["order_id"]) for e in queue] == [
        ("no_checkin", order["id"]),
        ("late_start", order["id"]),
    ]
    assert queue[0]["since"] < queue[1]["since"] and queue[0]["reason"]
    assert [e["kind"] for e in exceptions(world, "?kind=late_start")] == ["late_start"]
    assert exceptions(world, "?kind=overtime") == []
    events.deliver()
    told = notices(world, world.operator, "order_exception", "/v1/admin/notifications")
    assert len(told) == 2


def test_an_exception_is_resolved_once_with_its_audit_item(world: World, events: EventFlow) -> None:
    order = accepted_order(world, events, 3)
    move_clock_to(order["start"], timedelta(minutes=15))
    run_job("order-watches")
    [late] = exceptions(world, "?kind=late_start")

    path = f"/v1/admin/exceptions/{late['id']}/resolve"
    resolved = world.api.post(path, {"note": "电话联系，服务人员堵车"}, token=world.operator)
    assert resolved.status == 200, resolved.body
    assert resolved.body["status"] == "resolved" and resolved.body["note"] == "电话联系，服务人员堵车"
    again = world.api.post(path, {"note": "again"}, token=world.operator)
    assert again.status == 409 and again.body["error"]["code"] == "ALREADY_RESOLVED"
    assert world.api.post(path, {"note": ""}, token=world.operator).status == 422
    missing = world.api.post(
        "/v1/admin/exceptions/nope.late_start/resolve", {"note": "x"}, token=world.operator
    )
    assert missing.status == 404

    assert [e["kind"] for e in exceptions(world)] == ["no_checkin"]
    audit = world.api.get("/v1/admin/audit", token=world.operator).body["items"]
    entries = [a for a in audit if a["action"] == "exception.resolve"]
    assert len(entries) == 1 and entries[0]["target"] == f"exception:{late['id']}"


def test_overtime_then_an_unconfirmed_order_are_raised_and_confirming_ends_the_watch(
    world: World, events: EventFlow
) -> None:
    order = accepted_order(world, events, 3)
    worker, customer = world.worker("wang").token, world.customer("amy").token
    move_clock_to(order["start"])
    assert world.api.post(f"/v1/worker/orders/{order['id']}/start", token=worker).status == 200
    events.deliver()
    assert {w.kind for w in watch_store.watches_of(order["id"])} == {"overtime"}

    move_clock_to(order["end"], timedelta(minutes=30))
    assert run_job("order-watches")["exceptions"] == 1
    done = world.api.post(f"/v1/worker/orders/{order['id']}/complete", token=worker)
    assert done.status == 200
    events.deliver()
    assert {w.kind for w in watch_store.watches_of(order["id"])} == {"unconfirmed"}

    move_clock_to(clock.now(), timedelta(hours=12))
    assert run_job("order-watches")["exceptions"] == 1
    assert [e["kind"] for e in exceptions(world)] == ["overtime", "unconfirmed"]

    confirmed = world.api.post(f"/v1/orders/{order['id']}/confirm", token=customer)
    assert confirmed.status == 200 and confirmed.body["progress"] == "confirmed"
    events.deliver()
    assert watch_store.watches_of(order["id"]) == []


def test_a_cancelled_order_leaves_the_due_index_and_raises_nothing(world: World, events: EventFlow) -> None:
    order = accepted_order(world, events, 30)
    cancelled = world.api.post(
        f"/v1/orders/{order['id']}/cancel", {"reason": "plans changed"}, token=world.customer("amy").token
    )
    assert cancelled.status == 200, cancelled.body
    events.deliver()
    assert watch_store.watches_of(order["id"]) == []
    move_clock_to(order["start"], timedelta(hours=1))
    assert run_job("order-watches")["due"] == 0
    assert exceptions(world) == []


def test_the_customer_confirms_a_completed_order_once_and_only_a_completed_one(
    world: World, events: EventFlow
) -> None:
    order = accepted_order(world, events, 3)
    worker, customer = world.worker("wang").token, world.customer("amy").token
    confirm = f"/v1/orders/{order['id']}/confirm"
    early = world.api.post(confirm, token=customer)
    assert early.status == 409 and early.body["error"]["code"] == "INVALID_TRANSITION"
    move_clock_to(order["start"])
    world.api.post(f"/v1/worker/orders/{order['id']}/start", token=worker)
    world.api.post(f"/v1/worker/orders/{order['id']}/complete", token=worker)

    other = world.api.post(confirm, token=world.customer("bob").token)
    assert other.status == 404
    first = world.api.post(confirm, token=customer)
    assert first.status == 200, first.body
    assert first.body["progress"] == "confirmed" and first.body["confirmed_at"]
    assert first.body["timeline"][-1]["note"] == "confirmed by the customer"
    second = world.api.post(confirm, token=customer)  # idempotent: the same answer, no second entry
    assert second.status == 200 and second.body == first.body

    events.deliver()
    told = notices(world, worker, "order_confirmed", "/v1/worker/notifications")
    assert len(told) == 1
