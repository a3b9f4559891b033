"""The order lifecycle on Step Functions (moto runs the real ASL; its Lambda tasks run the app's handlers):
payment, acceptance, re-dispatch, start, completion, settlement; cancellation at each step with its refund."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import timedelta

import boto3
import pytest
from common.clock import clock

from functions.booking import mark_paid
from tests.integration.booking_helpers import event_tap, slot, wait_for
from tests.integration.lifecycle_helpers import Flow, dlq_messages, order_workflow


@pytest.fixture
def flow(wechat, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flow]:
    with order_workflow(wechat, monkeypatch) as running:
        yield running


def book(flow: Flow, start: str, worker: str = "wang", customer: str = "amy") -> dict:
    reply = flow.world.book(customer, start, worker=worker)
    assert reply.status == 201, reply.body
    return reply.body


def pay(order: dict) -> None:
    assert mark_paid(
        order["id"], paid_fen=order["price"]["total_fen"], transaction_id=f"wx-{order['id']}", now=clock.now()
    )


def act(flow: Flow, order: dict, action: str, worker: str = "wang") -> dict:
    reply = flow.world.api.post(
        f"/v1/worker/orders/{order['id']}/{action}", token=flow.world.worker(worker).token
    )
    assert reply.status == 200, reply.body
    return reply.body


def test_an_order_runs_from_payment_to_settlement(flow: Flow) -> None:
    with event_tap() as received:
        order = book(flow, slot(2.5))
        flow.waiting(order["id"], "payment")
        pay(order)
        flow.waiting(order["id"], "acceptance")
        act(flow, order, "accept")
        flow.waiting(order["id"], "start")
        clock.advance(timedelta(hours=2))
        act(flow, order, "start")
        flow.waiting(order["id"], "completion")
        act(flow, order, "complete")
        result = flow.finished(order["id"])
        events = [t for t, _ in received()]
    assert result["status"] == "SUCCEEDED"
    final = flow.world.api.get(f"/v1/orders/{order['id']}", token=flow.world.customer("amy").token).body
    assert [(e["status"], e["note"]) for e in final["timeline"]] == [
        ("pending_payment", "order placed"),
        ("pending_acceptance", "paid"),
        ("accepted", "accepted"),
        ("in_service", "service started"),
        ("completed", "service completed"),
        ("completed", "confirmed by the system"),  # nobody confirmed within auto_confirm_seconds
        ("completed", "settled"),
    ]
    assert events == [
        "OrderCreated",
        "OrderPaid",
        "OrderAccepted",
        "OrderStarted",
        "OrderCompleted",
        "OrderConfirmed",
        "OrderSettled",  # settlement announces itself too (points, statistics, the worker's notice)
    ]
    path = flow.path(order["id"])
    assert path[-6:] == [
        "AccrueEarning",
        "DisputeWindow",
        "SettlementCheck",
        "SettlementHeld",
        "Settle",
        "Done",
    ]
    assert flow.invocations("booking-settle") == [{"order_id": order["id"]}]


def test_an_order_not_paid_in_time_is_cancelled_and_its_slot_given_back(flow: Flow) -> None:
    flow.settings(payment_timeout_seconds=1)
    start = slot()
    order = book(flow, start)
    assert flow.finished(order["id"])["status"] == "SUCCEEDED"
    item = flow.order(order["id"])
    assert (item.status, item.cancelled_by, item.cancel_reason) == ("cancelled", "system", "not paid in time")
    assert "PaymentExpired" in flow.path(order["id"]) and "Compensate" in flow.path(order["id"])
    assert flow.invocations("payments-refund") == []
    assert flow.world.book("ben", start, worker="wang").status == 201


def test_an_offer_not_accepted_in_time_goes_to_the_next_best_match(flow: Flow) -> None:
    flow.settings(acceptance_timeout_seconds=1)
    wang, li = flow.world.worker("wang"), flow.world.worker("li")
    start = slot()
    with event_tap() as received:
        order = book(flow, start, worker="wang")
        pay(order)
        wait_for(lambda: li.id in flow.order(order["id"]).tried_workers, "the offer to go to li")
        flow.settings(acceptance_timeout_seconds=60)
        assert flow.world.book("ben", start, worker="wang").status == 201  # wang's slot was given back
        events = received()
    # (li's own second runs out too, later: what follows wang's timeout is what this test is about)
    moves = [(t, d["actor"], d["worker_id"]) for t, d in events if t in ("OrderDeclined", "OrderReassigned")]
    assert moves[:2] == [("OrderDeclined", "system", wang.id), ("OrderReassigned", "system", li.id)]
    assert next(d["previous_worker_id"] for t, d in events if t == "OrderReassigned") == wang.id
    notes = [e.note for e in flow.order(order["id"]).timeline]
    assert notes[:4] == ["order placed", "paid", "not accepted in time", "offered to the next best match"]
    assert "AcceptanceExpired" in flow.path(order["id"]) and "Redispatch" in flow.path(order["id"])


def test_after_the_allowed_offers_the_order_is_cancelled_with_a_full_refund(flow: Flow) -> None:
    flow.settings(acceptance_timeout_seconds=1, max_dispatch_tries=2)
    flow.world.worker("wang"), flow.world.worker("li")
    order = book(flow, slot(), worker="wang")
    pay(order)
    assert flow.finished(order["id"])["status"] == "SUCCEEDED"
    item = flow.order(order["id"])
    assert (item.status, item.cancel_reason, item.refund_fen) == (
        "cancelled",
        "no worker could take the order",
        10000,
    )
    assert flow.invocations("payments-refund") == [
        {"order_id": order["id"], "refund_fen": 10000, "reason": "no worker could take the order"}
    ]


def test_a_declined_order_is_offered_to_the_next_match_at_once(flow: Flow) -> None:
    li = flow.world.worker("li")
    order = book(flow, slot(), worker="wang")
    pay(order)
    flow.waiting(order["id"], "acceptance")
    act(flow, order, "decline")
    item = wait_for(lambda: (i := flow.order(order["id"])).worker_id == li.id and i, "the offer to go to li")
    assert item.tried_workers == [flow.world.worker("wang").id, li.id]
    flow.waiting(order["id"], "acceptance")
    assert act(flow, order, "accept", worker="li")["status"] == "accepted"


def cancel_by_customer(flow: Flow, order: dict) -> dict:
    reply = flow.world.api.post(
        f"/v1/orders/{order['id']}/cancel", {"reason": "有事"}, token=flow.world.customer("amy").token
    )
    assert reply.status == 200, reply.body
    return reply.body


def to_state(flow: Flow, state: str) -> dict:
    """An order brought to ``state`` (its workflow waiting there)."""
    order = book(flow, slot(2.5))
    flow.waiting(order["id"], "payment")
    if state == "pending_payment":
        return order
    pay(order)
    flow.waiting(order["id"], "acceptance")
    if state == "pending_acceptance":
        return order
    act(flow, order, "accept")
    flow.waiting(order["id"], "start")
    if state.startswith("accepted"):
        if state == "accepted_late":
            clock.advance(timedelta(hours=1))
        return order
    clock.advance(timedelta(hours=2))
    act(flow, order, "start")
    flow.waiting(order["id"], "completion")
    return order


@pytest.mark.parametrize(
    ("state", "refund", "fee"),
    [
        ("pending_payment", 0, 0),
        ("pending_acceptance", 10000, 0),
        ("accepted", 10000, 0),
        ("accepted_late", 8000, 2000),
    ],
)
def test_a_customer_cancellation_is_compensated_with_the_policy_refund(
    flow: Flow, state: str, refund: int, fee: int
) -> None:
    order = to_state(flow, state)
    assert cancel_by_customer(flow, order)["refund_fen"] == refund
    assert flow.finished(order["id"])["status"] == "SUCCEEDED"
    path = flow.path(order["id"])
    assert "Compensate" in path and path[-1] == "Cancelled"
    expected = [{"order_id": order["id"], "refund_fen": refund, "reason": "有事"}] if refund else []
    assert flow.invocations("payments-refund") == expected
    assert flow.invocations("booking-settle") == ([{"order_id": order["id"]}] if fee else [])
    assert flow.order(order["id"]).compensated
    if state != "accepted_late":  # (then the start is too near to book again)
        assert flow.world.book("ben", order["start"], worker="wang").status == 201  # the slot is free again


def test_an_operator_cancels_a_started_order_with_the_refund_they_choose(flow: Flow) -> None:
    order = to_state(flow, "in_service")
    reply = flow.world.api.post(
        f"/v1/admin/orders/{order['id']}/cancel",
        {"reason": "服务中断", "refund_fen": 6000},
        token=flow.world.operator,
    )
    assert reply.status == 200
    assert flow.finished(order["id"])["status"] == "SUCCEEDED"
    assert flow.invocations("payments-refund") == [
        {"order_id": order["id"], "refund_fen": 6000, "reason": "服务中断"}
    ]


def test_a_reassigned_order_waits_for_the_new_worker_to_accept(flow: Flow) -> None:
    li = flow.world.worker("li")
    order = to_state(flow, "accepted")
    reply = flow.world.api.post(
        f"/v1/admin/orders/{order['id']}/reassign", {"worker_id": li.id}, token=flow.world.operator
    )
    assert reply.status == 200 and reply.body["status"] == "pending_acceptance"
    flow.waiting(order["id"], "acceptance")
    act(flow, order, "accept", worker="li")
    item = flow.waiting(order["id"], "start")
    assert item.worker_id == li.id
    assert flow.world.book("ben", order["start"], worker="wang").status == 201


def test_a_worker_who_does_not_start_is_a_no_show_and_the_order_is_offered_again(flow: Flow) -> None:
    li = flow.world.worker("li")
    flow.settings(workflow_wait_cap_seconds=1)
    with event_tap() as received:
        order = book(flow, slot())
        pay(order)
        flow.waiting(order["id"], "acceptance")
        flow.settings(workflow_wait_cap_seconds=60)
        act(flow, order, "accept")
        wait_for(lambda: flow.order(order["id"]).worker_id == li.id, "the order to be offered to li")
        events = received()
    no_show = [d for t, d in events if t == "OrderNoShow"]
    assert len(no_show) == 1 and no_show[0]["worker_id"] == flow.world.worker("wang").id
    assert flow.order(order["id"]).status == "pending_acceptance"


def test_late_and_duplicate_callbacks_change_nothing(flow: Flow) -> None:
    order = to_state(flow, "pending_acceptance")
    stale = flow.order(order["id"]).task_token
    act(flow, order, "accept")
    flow.waiting(order["id"], "start")
    sfn = boto3.client("stepfunctions")
    with contextlib.suppress(
        sfn.exceptions.ClientError
    ):  # AWS refuses a used token; moto accepts and ignores it
        sfn.send_task_success(taskToken=stale, output=json.dumps({}))
    assert mark_paid(order["id"], paid_fen=10000, transaction_id=f"wx-{order['id']}", now=clock.now())
    again = flow.world.api.post(
        f"/v1/worker/orders/{order['id']}/accept", token=flow.world.worker("wang").token
    )
    assert again.status == 409
    item = flow.waiting(order["id"], "start")
    assert item.status == "accepted" and len(item.timeline) == 3


def test_an_open_complaint_holds_the_settlement_until_it_is_resolved(flow: Flow) -> None:
    order = to_state(flow, "in_service")
    token = flow.world.customer("amy").token
    complaint = flow.world.api.post(
        f"/v1/orders/{order['id']}/complaints", {"text": "没打扫厨房"}, token=token
    ).body
    act(flow, order, "complete")
    wait_for(lambda: flow.path(order["id"]).count("DisputeHold") >= 2, "settlement to be held")
    assert flow.invocations("booking-settle") == []
    resolved = flow.world.api.post(
        f"/v1/admin/complaints/{complaint['id']}/resolve",
        {"resolution": "退部分款", "refund_fen": 2000, "penalize_worker": True},
        token=flow.world.operator,
    )
    assert resolved.status == 200
    assert flow.finished(order["id"])["status"] == "SUCCEEDED"
    assert flow.invocations("booking-settle") == [{"order_id": order["id"]}]


def test_a_technical_failure_ends_in_fail_and_lands_in_the_dead_letter_queue(flow: Flow) -> None:
    from functions.booking.workflow import execution_input

    sfn = boto3.client("stepfunctions")
    sfn.start_execution(
        stateMachineArn=flow.machine_arn, name="ghost", input=json.dumps(execution_input("ghost"))
    )
    result = flow.finished("ghost")
    assert (result["status"], result["error"]) == ("FAILED", "OrderLifecycleFailed")
    [message] = dlq_messages(flow)
    assert message["order_id"] == "ghost" and message["error"]["Error"] == "NotFound"
