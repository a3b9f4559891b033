"""Booking over HTTP: quotes, orders and their time rules, slot holds, ownership, the moves and their refunds.

These run the app's handlers on the table in moto without the workflow (no state machine configured); the
workflow itself is in test_order_lifecycle.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from common.clock import clock

from bench.meter import metered
from functions.booking import mark_paid
from tests.integration.booking_helpers import World, event_tap, long_lived_tokens, make_world, operator, slot
from tests.integration.conftest import Api


@pytest.fixture
def world(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with long_lived_tokens(monkeypatch):
        yield make_world(api, operator(api))


def pay(order: dict) -> None:
    assert mark_paid(
        order["id"], paid_fen=order["price"]["total_fen"], transaction_id=f"wx-{order['id']}", now=clock.now()
    )


def test_a_quote_is_the_unit_price_times_the_units_with_todays_zero_discount_lines(world: World) -> None:
    token = world.customer("amy").token
    reply = world.api.post(
        "/v1/quotes", {"service_id": world.service_id, "start": slot(), "units": 3}, token=token
    )
    assert reply.status == 200
    assert reply.body == {
        "subtotal_fen": 15000,
        "addons_fen": 0,  # no add-ons (加项) booked
        "adjustments": [],
        "member_discount_fen": 0,
        "coupon_discount_fen": 0,
        "points_discount_fen": 0,
        "total_fen": 15000,
        "deposit_fen": None,  # an hourly booking is paid whole; only an engagement has 定金 and 尾款
        "balance_fen": None,
    }


def test_booking_a_chosen_worker_returns_the_order_waiting_for_payment(world: World) -> None:
    start = slot()
    reply = world.book("amy", start, worker="wang", units=3, note="请带吸尘器")
    assert reply.status == 201, reply.body
    order = reply.body
    assert order["status"] == "pending_payment"
    assert order["worker"] == {"id": world.worker("wang").id, "name": "wang"}
    assert datetime.fromisoformat(order["end"]) - datetime.fromisoformat(order["start"]) == timedelta(hours=3)
    assert order["price"]["total_fen"] == 15000 and order["note"] == "请带吸尘器"
    assert order["address"]["detail"] == "漕溪北路 1 号"
    assert [e["status"] for e in order["timeline"]] == ["pending_payment"]
    assert "task_token" not in str(order)
    again = world.api.get(f"/v1/orders/{order['id']}", token=world.customer("amy").token)
    assert again.body == order


def test_without_a_worker_the_best_free_match_is_assigned(world: World) -> None:
    li, zhao = world.worker("li"), world.worker("zhao")
    start = slot()
    a = world.book("amy", start)
    b = world.book("ben", start)
    assert a.status == b.status == 201
    assert {a.body["worker"]["id"], b.body["worker"]["id"]} == {
        li.id,
        zhao.id,
    }  # the first one's slot is taken
    c = world.book("cat", start)
    assert c.status == 409 and c.body["error"]["code"] == "NO_WORKER_AVAILABLE"


def test_nobody_to_match_is_a_conflict(world: World) -> None:
    reply = world.book("amy", slot())
    assert reply.status == 409 and reply.body["error"]["code"] == "NO_WORKER_AVAILABLE"


def test_an_overlapping_order_for_the_same_worker_is_refused_and_the_travel_buffer_counts(
    world: World,
) -> None:
    start = slot()
    assert world.book("amy", start, worker="wang").status == 201  # start .. start+2h
    overlap = world.book(
        "ben", (datetime.fromisoformat(start) + timedelta(hours=1)).isoformat(), worker="wang"
    )
    buffer = world.book(
        "ben", (datetime.fromisoformat(start) + timedelta(hours=2)).isoformat(), worker="wang"
    )
    after = world.book(
        "ben", (datetime.fromisoformat(start) + timedelta(hours=2, minutes=30)).isoformat(), worker="wang"
    )
    assert overlap.status == 409 and overlap.body["error"]["code"] == "SLOT_TAKEN"
    assert buffer.status == 409 and buffer.body["error"]["code"] == "SLOT_TAKEN"
    assert after.status == 201


@pytest.mark.parametrize(
    ("start", "units", "code"),
    [
        (lambda: slot(3)[:14] + "15:00" + slot(3)[19:], 2, "START_NOT_ON_SLOT"),
        (lambda: slot(1), 2, "TOO_SHORT_NOTICE"),
        (lambda: slot(24 * 31), 2, "BEYOND_HORIZON"),
        (lambda: slot(3), 1, "TOO_FEW_UNITS"),
        (lambda: slot(3), 25, "BOOKING_TOO_LONG"),
    ],
)
def test_the_time_rules_refuse_a_booking_with_422(world: World, start, units: int, code: str) -> None:
    reply = world.book("amy", start(), worker="wang", units=units)
    assert reply.status == 422 and reply.body["error"]["code"] == code


def test_a_start_without_an_offset_is_refused(world: World) -> None:
    reply = world.book("amy", slot()[:19], worker="wang")
    assert reply.status == 422


def test_a_retry_with_the_same_idempotency_key_returns_the_first_order_and_books_nothing_more(
    world: World,
) -> None:
    token = world.customer("amy").token
    body = {"service_id": world.service_id, "start": slot(), "units": 2, "address_id": world.addresses["amy"]}
    body["worker_id"] = world.worker("wang").id
    key = {"Idempotency-Key": "order-123"}
    first = world.api.post("/v1/orders", body, token=token, headers=key)
    again = world.api.post("/v1/orders", body, token=token, headers=key)
    other = world.api.post("/v1/orders", {**body, "units": 3}, token=token, headers=key)
    assert first.status == again.status == 201
    assert again.body == first.body
    assert other.status == 422 and other.body["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert len(world.api.get("/v1/orders", token=token).body["items"]) == 1
    ben = world.customer("ben").token  # the same key from another customer is another request
    assert (
        world.api.post(
            "/v1/orders", {**body, "address_id": world.addresses["ben"]}, token=ben, headers=key
        ).status
        == 409
    )


def test_another_customers_order_answers_404_and_is_not_touched(world: World) -> None:
    order = world.book("amy", slot(), worker="wang").body
    ben = world.customer("ben").token
    assert world.api.get(f"/v1/orders/{order['id']}", token=ben).status == 404
    assert world.api.post(f"/v1/orders/{order['id']}/cancel", {"reason": "x"}, token=ben).status == 404
    assert world.api.post(f"/v1/orders/{order['id']}/complaints", {"text": "x"}, token=ben).status == 404
    assert (
        world.api.get(f"/v1/orders/{order['id']}", token=world.customer("amy").token).body["status"]
        == "pending_payment"
    )


def test_a_worker_moves_only_orders_assigned_to_them_and_only_forward(world: World) -> None:
    order = world.book("amy", slot(2.5), worker="wang").body
    wang, li = world.worker("wang").token, world.worker("li").token
    path = f"/v1/worker/orders/{order['id']}"
    assert (
        world.api.post(f"{path}/accept", token=wang).body["error"]["code"] == "INVALID_TRANSITION"
    )  # unpaid
    pay(order)
    assert world.api.post(f"{path}/accept", token=li).status == 404
    assert world.api.get(path, token=li).status == 404
    assert world.api.post(f"{path}/start", token=wang).status == 409
    accepted = world.api.post(f"{path}/accept", token=wang)
    assert accepted.status == 200 and accepted.body["status"] == "accepted"
    assert world.api.post(f"{path}/accept", token=wang).status == 409
    early = world.api.post(f"{path}/start", token=wang)
    assert early.status == 422 and early.body["error"]["code"] == "TOO_EARLY"
    clock.advance(timedelta(hours=2))
    assert world.api.post(f"{path}/start", token=wang).body["status"] == "in_service"
    done = world.api.post(f"{path}/complete", token=wang).body
    assert done["status"] == "completed"
    assert [(e["status"], e["actor"]) for e in done["timeline"]] == [
        ("pending_payment", "customer"),
        ("pending_acceptance", "customer"),
        ("accepted", "worker"),
        ("in_service", "worker"),
        ("completed", "worker"),
    ]
    assert world.api.post(f"{path}/complete", token=wang).body["error"]["code"] == "INVALID_TRANSITION"


def test_payment_is_believed_once_and_only_for_the_right_amount(world: World) -> None:
    order = world.book("amy", slot(), worker="wang").body
    from common.errors import RuleViolation

    with pytest.raises(RuleViolation):
        mark_paid(order["id"], paid_fen=1, transaction_id="wx-1", now=clock.now())
    assert mark_paid(order["id"], paid_fen=10000, transaction_id="wx-1", now=clock.now())
    assert mark_paid(
        order["id"], paid_fen=10000, transaction_id="wx-1", now=clock.now()
    )  # the same notification
    assert not mark_paid(
        order["id"], paid_fen=10000, transaction_id="wx-2", now=clock.now()
    )  # a second payment
    timeline = world.api.get(f"/v1/orders/{order['id']}", token=world.customer("amy").token).body["timeline"]
    assert [e["status"] for e in timeline] == ["pending_payment", "pending_acceptance"]


def test_a_payment_for_a_cancelled_order_is_refused(world: World) -> None:
    order = world.book("amy", slot(), worker="wang").body
    world.api.post(
        f"/v1/orders/{order['id']}/cancel", {"reason": "改主意了"}, token=world.customer("amy").token
    )
    assert not mark_paid(order["id"], paid_fen=10000, transaction_id="wx-late", now=clock.now())


def cancel(world: World, order: dict, who: str = "amy") -> dict:
    reply = world.api.post(
        f"/v1/orders/{order['id']}/cancel", {"reason": "有事"}, token=world.customer(who).token
    )
    return reply.body


def test_a_customer_cancelling_gets_all_back_until_two_hours_before_an_accepted_start(world: World) -> None:
    unpaid = world.book("amy", slot(3), worker="wang").body
    assert cancel(world, unpaid)["refund_fen"] == 0
    paid = world.book("amy", slot(3), worker="wang").body  # the slot was given back at once
    pay(paid)
    world.api.post(f"/v1/worker/orders/{paid['id']}/accept", token=world.worker("wang").token)
    cancelled = cancel(world, paid)
    assert (cancelled["status"], cancelled["refund_fen"], cancelled["cancel_reason"]) == (
        "cancelled",
        10000,
        "有事",
    )


def test_within_two_hours_of_the_start_a_cancellation_keeps_a_fifth_for_the_worker(world: World) -> None:
    order = world.book("amy", slot(3), worker="wang").body
    pay(order)
    world.api.post(f"/v1/worker/orders/{order['id']}/accept", token=world.worker("wang").token)
    clock.advance(timedelta(hours=1, minutes=30))
    assert cancel(world, order)["refund_fen"] == 8000


def test_after_the_start_only_an_operator_cancels_choosing_the_refund(world: World) -> None:
    order = world.book("amy", slot(2.5), worker="wang").body
    pay(order)
    wang = world.worker("wang").token
    world.api.post(f"/v1/worker/orders/{order['id']}/accept", token=wang)
    clock.advance(timedelta(hours=2))
    world.api.post(f"/v1/worker/orders/{order['id']}/start", token=wang)
    refused = world.api.post(
        f"/v1/orders/{order['id']}/cancel", {"reason": "x"}, token=world.customer("amy").token
    )
    assert refused.status == 409 and refused.body["error"]["code"] == "INVALID_TRANSITION"
    path = f"/v1/admin/orders/{order['id']}/cancel"
    too_much = world.api.post(path, {"reason": "投诉", "refund_fen": 10001}, token=world.operator)
    assert too_much.status == 422 and too_much.body["error"]["code"] == "REFUND_TOO_LARGE"
    done = world.api.post(path, {"reason": "服务未完成", "refund_fen": 6000}, token=world.operator)
    assert (done.status, done.body["status"], done.body["refund_fen"]) == (200, "cancelled", 6000)
    assert done.body["timeline"][-1] == {
        "at": done.body["timeline"][-1]["at"],
        "status": "cancelled",
        "actor": "operator",
        "note": "服务未完成",
    }


def test_an_operator_reassigns_the_order_holding_the_new_workers_slot_and_freeing_the_old(
    world: World,
) -> None:
    start = slot()
    order = world.book("amy", start, worker="wang").body
    pay(order)
    li = world.worker("li")
    reply = world.api.post(
        f"/v1/admin/orders/{order['id']}/reassign", {"worker_id": li.id}, token=world.operator
    )
    assert (
        reply.status == 200
        and reply.body["worker"]["id"] == li.id
        and reply.body["status"] == "pending_acceptance"
    )
    assert world.book("ben", start, worker="wang").status == 201  # wang is free again
    assert world.book("cat", start, worker="li").status == 409  # li is held
    assert (
        world.api.post(f"/v1/worker/orders/{order['id']}/accept", token=world.worker("wang").token).status
        == 404
    )
    assert world.api.post(f"/v1/worker/orders/{order['id']}/accept", token=li.token).status == 200
    same = world.api.post(
        f"/v1/admin/orders/{order['id']}/reassign", {"worker_id": li.id}, token=world.operator
    )
    assert same.status == 422


def test_a_declined_order_leaves_the_workers_list_and_frees_the_slot(world: World) -> None:
    start = slot()
    order = world.book("amy", start, worker="wang").body
    pay(order)
    wang = world.worker("wang").token
    declined = world.api.post(f"/v1/worker/orders/{order['id']}/decline", token=wang)
    assert declined.status == 200 and declined.body["worker"] is None
    assert world.api.get("/v1/worker/orders", token=wang).body["items"] == []
    assert world.book("ben", start, worker="wang").status == 201


def test_customers_see_their_orders_newest_first_a_page_at_a_time(world: World) -> None:
    ids = [world.book("amy", slot(3 + 3 * i), worker="wang").body["id"] for i in range(3)]
    token = world.customer("amy").token
    first = world.api.get("/v1/orders?limit=2", token=token).body
    second = world.api.get(f"/v1/orders?limit=2&cursor={first['next_cursor']}", token=token).body
    assert [o["id"] for o in first["items"] + second["items"]] == ids[::-1]
    assert second["next_cursor"] is None
    ben = world.customer("ben").token
    assert world.api.get(f"/v1/orders?cursor={first['next_cursor']}", token=ben).status == 400


def test_the_operators_board_filters_by_date_status_worker_and_customer(world: World) -> None:
    start = slot(24)
    a = world.book("amy", start, worker="wang").body
    b = world.book("ben", start, worker="li").body
    pay(b)
    day = start[:10]
    board = lambda q: world.api.get(f"/v1/admin/orders?{q}", token=world.operator)  # noqa: E731
    assert {o["id"] for o in board(f"date={day}").body["items"]} == {a["id"], b["id"]}
    assert [o["id"] for o in board(f"date={day}&status=pending_acceptance").body["items"]] == [b["id"]]
    assert [o["id"] for o in board(f"worker_id={world.worker('wang').id}").body["items"]] == [a["id"]]
    assert board(f"worker_id={world.worker('li').id}&status=pending_payment").body["items"] == []
    assert [o["id"] for o in board(f"worker_id={world.worker('li').id}&date={day}").body["items"]] == [
        b["id"]
    ]
    assert [o["id"] for o in board(f"customer_id={world.customer('amy').id}").body["items"]] == [a["id"]]
    assert board(f"customer_id={world.customer('amy').id}&status=pending_acceptance").body["items"] == []
    unsupported = board(f"customer_id={world.customer('amy').id}&date={day}")
    assert unsupported.status == 422 and unsupported.body["error"]["code"] == "UNSUPPORTED_FILTER"
    assert board("status=finished").status == 422
    assert world.api.get("/v1/admin/orders", token=world.customer("amy").token).status == 403


def test_a_worker_lists_their_orders_by_status(world: World) -> None:
    a = world.book("amy", slot(3), worker="wang").body
    b = world.book("amy", slot(6), worker="wang").body
    pay(b)
    wang = world.worker("wang").token
    assert [o["id"] for o in world.api.get("/v1/worker/orders", token=wang).body["items"]] == [
        b["id"],
        a["id"],
    ]
    waiting = world.api.get("/v1/worker/orders?status=pending_acceptance", token=wang).body["items"]
    assert [o["id"] for o in waiting] == [b["id"]]


def test_reading_an_order_is_one_get_and_a_list_one_query(world: World) -> None:
    order = world.book("amy", slot(), worker="wang").body
    token = world.customer("amy").token
    with metered() as one:
        world.api.get(f"/v1/orders/{order['id']}", token=token)
    with metered() as many:
        world.api.get("/v1/orders", token=token)
    assert one.by_action == {"GetItem": 1} and one.items_read == 1
    assert many.by_action == {"Query": 1} and many.items_read == 1


def test_every_move_is_announced_on_the_event_bus(world: World) -> None:
    with event_tap() as received:
        order = world.book("amy", slot(2.5), worker="wang").body
        pay(order)
        wang = world.worker("wang").token
        world.api.post(f"/v1/worker/orders/{order['id']}/accept", token=wang)
        clock.advance(timedelta(hours=2))
        world.api.post(f"/v1/worker/orders/{order['id']}/start", token=wang)
        world.api.post(f"/v1/worker/orders/{order['id']}/complete", token=wang)
        seen = received()
    assert [t for t, _ in seen] == [
        "OrderCreated",
        "OrderPaid",
        "OrderAccepted",
        "OrderStarted",
        "OrderCompleted",
    ]
    created = seen[0][1]
    assert set(created) >= {
        "order_id", "status", "customer_id", "worker_id", "service_id", "service_name", "category_id",
        "start", "end", "total_fen", "actor", "note", "at",
    }  # fmt: skip
    assert (created["order_id"], created["status"], created["total_fen"]) == (
        order["id"],
        "pending_payment",
        10000,
    )
    assert seen[-1][1]["actor"] == "worker" and seen[-1][1]["status"] == "completed"
