"""The confirmation on moto's Step Functions (the real ASL): a completed order's workflow waits for the customer's
confirmation, or confirms it itself after ``auto_confirm_seconds``; the dispute window and settlement run from
the confirmation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from common.clock import clock

from functions.booking import mark_paid
from tests.integration.booking_helpers import event_tap, slot, wait_for
from tests.integration.lifecycle_helpers import Flow, order_workflow


@pytest.fixture
def flow(wechat, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flow]:
    with order_workflow(wechat, monkeypatch) as running:
        yield running


def completed(flow: Flow) -> dict:
    """An order of amy with wang, run to completion through its workflow."""
    order = flow.world.book("amy", slot(2.5), worker="wang").body
    flow.waiting(order["id"], "payment")
    total = order["price"]["total_fen"]
    assert mark_paid(order["id"], paid_fen=total, transaction_id=f"wx-{order['id']}", now=clock.now())
    worker = flow.world.worker("wang").token
    flow.waiting(order["id"], "acceptance")
    assert flow.world.api.post(f"/v1/worker/orders/{order['id']}/accept", token=worker).status == 200
    flow.waiting(order["id"], "start")
    clock.advance(timedelta(hours=2))
    assert flow.world.api.post(f"/v1/worker/orders/{order['id']}/start", token=worker).status == 200
    flow.waiting(order["id"], "completion")
    assert flow.world.api.post(f"/v1/worker/orders/{order['id']}/complete", token=worker).status == 200
    return order


def test_the_workflow_waits_for_the_customers_confirmation_then_settles_after_the_dispute_window(
    flow: Flow,
) -> None:
    flow.settings(auto_confirm_seconds=3600, dispute_window_seconds=2)
    with event_tap() as received:
        order = completed(flow)
        flow.waiting(order["id"], "confirmation")
        assert flow.invocations("booking-settle") == []  # nothing settles before the confirmation
        reply = flow.world.api.post(
            f"/v1/orders/{order['id']}/confirm", token=flow.world.customer("amy").token
        )
        assert reply.status == 200 and reply.body["progress"] == "confirmed"
        result = flow.finished(order["id"])
        kinds = [t for t, _ in received()]
    assert result["status"] == "SUCCEEDED"
    path = flow.path(order["id"])
    at = path.index("AwaitConfirmation")
    assert path[at:] == [
        "AwaitConfirmation",
        "Route",
        "NextStep",
        "AccrueEarning",
        "DisputeWindow",
        "SettlementCheck",
        "SettlementHeld",
        "Settle",
        "Done",
    ]
    final = flow.order(order["id"])
    assert [e.note for e in final.timeline][-2:] == ["confirmed by the customer", "settled"]
    assert final.settled_at >= final.confirmed_at  # the window ran from the confirmation
    assert kinds[-2:] == ["OrderConfirmed", "OrderSettled"]


def test_an_order_nobody_confirms_is_confirmed_by_the_system_and_then_settled(flow: Flow) -> None:
    flow.settings(auto_confirm_seconds=2)
    order = completed(flow)
    assert flow.finished(order["id"])["status"] == "SUCCEEDED"
    assert "ConfirmationExpired" in flow.path(order["id"])
    final = flow.world.api.get(f"/v1/orders/{order['id']}", token=flow.world.customer("amy").token).body
    assert final["progress"] == "confirmed"
    assert [e["note"] for e in final["timeline"]][-2:] == ["confirmed by the system", "settled"]
    assert flow.invocations("booking-settle") == [{"order_id": order["id"]}]


def test_a_confirmation_after_the_automatic_one_changes_nothing(flow: Flow) -> None:
    flow.settings(auto_confirm_seconds=1)
    order = completed(flow)
    wait_for(lambda: flow.order(order["id"]).progress == "confirmed", "the automatic confirmation")
    before = flow.order(order["id"])
    late = flow.world.api.post(f"/v1/orders/{order['id']}/confirm", token=flow.world.customer("amy").token)
    assert late.status == 200 and late.body["confirmed_at"] == before.confirmed_at
    assert flow.finished(order["id"])["status"] == "SUCCEEDED"
    notes = [e.note for e in flow.order(order["id"]).timeline]
    assert notes.count("confirmed by the system") == 1 and "confirmed by the customer" not in notes
