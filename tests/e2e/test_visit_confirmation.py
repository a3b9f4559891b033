"""End to end on the local stack (issue 17): a completed visit is confirmed by its customer and settles after the
dispute window that runs from the confirmation; a worker who does not start in time lands in the operators'
exception queue, once, and an operator resolves it. Over HTTP, with the business clock and the jobs driven
through the dev routes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

stack_support = pytest.importorskip("tests.e2e.conftest", reason="needs the local stack's e2e fixtures")
journey = pytest.importorskip("tests.e2e.test_booking_journey", reason="shares the booking journey's helpers")
StackClient = stack_support.StackClient

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("visit_confirmation"),
]  # one worker, one stack for the module
SERVICE = journey.SERVICE
eventually = journey.eventually


@pytest.fixture(scope="module")
def visit_stack() -> Iterator[StackClient]:
    """A stack of its own: the dispute window a second, the automatic confirmation an hour away (so the
    customer's confirmation is the one that counts)."""
    client = stack_support.start_stack(
        {"DISPUTE_WINDOW_SECONDS": "1", "DISPUTE_RECHECK_SECONDS": "1", "AUTO_CONFIRM_SECONDS": "3600"}
    )
    yield client
    stack_support.stop_stack(client)


def accepted_visit(stack: StackClient, worker: str, customer: str) -> tuple[dict, str, str]:
    """A visit 3 hours ahead, booked, paid and accepted: (the order, the worker's token, the customer's)."""
    worker_token, worker_id = journey.verified_worker(stack, worker)
    customer_token, address_id = journey.customer_with_address(stack, customer)
    start = journey.half_hour_after(journey.business_now(stack), 3)
    body = {"service_id": SERVICE, "start": start.isoformat(), "units": 2, "address_id": address_id}
    booked = stack.post("/v1/orders", {**body, "worker_id": worker_id}, token=customer_token)
    assert booked.status == 201, booked.body
    order = booked.body
    journey.pay(stack, order["id"], customer_token)
    eventually(
        lambda: journey.order_of(stack, order["id"], customer_token)["status"] == "pending_acceptance",
        "payment",
    )
    accepted = stack.post(f"/v1/worker/orders/{order['id']}/accept", token=worker_token)
    assert accepted.status == 200, accepted.body
    return order, worker_token, customer_token


def move_clock_to(stack: StackClient, at: datetime) -> None:
    assert stack.post("/v1/dev/clock", {"now": at.isoformat()}).status == 200


def test_a_completed_visit_is_confirmed_by_its_customer_and_then_settles(visit_stack: StackClient) -> None:
    stack = visit_stack
    order, worker_token, customer_token = accepted_visit(stack, "e2e_visit_li", "e2e_visit_zhang")
    start = datetime.fromisoformat(order["start"])
    move_clock_to(stack, start - timedelta(minutes=10))
    try:
        # The apps log in again after the clock moved (tokens live two hours).
        worker_token = stack.login("e2e_visit_li", "worker")
        customer_token = stack.login("e2e_visit_zhang")
        assert stack.post(f"/v1/worker/orders/{order['id']}/start", token=worker_token).status == 200
        done = stack.post(f"/v1/worker/orders/{order['id']}/complete", token=worker_token)
        assert done.status == 200 and done.body["status"] == "completed"

        confirmed = stack.post(f"/v1/orders/{order['id']}/confirm", token=customer_token)
        assert confirmed.status == 200, confirmed.body
        assert confirmed.body["progress"] == "confirmed" and confirmed.body["confirmed_at"]
        again = stack.post(f"/v1/orders/{order['id']}/confirm", token=customer_token)
        assert again.status == 200 and again.body["confirmed_at"] == confirmed.body["confirmed_at"]

        settled = eventually(
            lambda: (
                (o := journey.order_of(stack, order["id"], customer_token))["timeline"][-1]["note"]
                == "settled"
                and o
            ),
            "settlement after the dispute window from the confirmation",
        )
        told = eventually(
            lambda: [
                n
                for n in stack.get("/v1/worker/notifications", token=worker_token).body["items"]
                if n["kind"] == "order_confirmed"
            ],
            "the worker told of the confirmation",
        )
    finally:
        stack.post("/v1/dev/clock", {"now": datetime.now(journey.SH).isoformat()})
    assert [e["note"] for e in settled["timeline"]][-3:] == [
        "service completed",
        "confirmed by the customer",
        "settled",
    ]
    assert len(told) == 1


def test_a_late_start_is_raised_once_in_the_operators_queue_and_resolved(visit_stack: StackClient) -> None:
    stack = visit_stack
    order, _, _ = accepted_visit(stack, "e2e_visit_wu", "e2e_visit_zhou")
    operator = stack.operator_token()
    start = datetime.fromisoformat(order["start"])
    move_clock_to(stack, start + timedelta(minutes=16))
    try:
        operator = stack.operator_token()

        def raised() -> list[dict[str, Any]]:
            ran = stack.post("/v1/dev/jobs/order-watches")
            assert ran.status == 200, ran.body
            queue = stack.get("/v1/admin/exceptions?kind=late_start", token=operator).body["items"]
            return [e for e in queue if e["order_id"] == order["id"]]

        [late] = eventually(raised, "the late start in the operators' queue")
        assert late["kind"] == "late_start" and late["reason"] and late["since"]
        assert stack.post("/v1/dev/jobs/order-watches").status == 200  # a rerun raises nothing twice
        queue = stack.get("/v1/admin/exceptions", token=operator).body["items"]
        assert [e["kind"] for e in queue if e["order_id"] == order["id"]] == ["no_checkin", "late_start"]

        resolved = stack.post(
            f"/v1/admin/exceptions/{late['id']}/resolve", {"note": "已联系服务人员"}, token=operator
        )
        assert resolved.status == 200 and resolved.body["status"] == "resolved", resolved.body
        twice = stack.post(f"/v1/admin/exceptions/{late['id']}/resolve", {"note": "again"}, token=operator)
        assert twice.status == 409
        left = stack.get("/v1/admin/exceptions?kind=late_start", token=operator).body["items"]
        assert [e for e in left if e["order_id"] == order["id"]] == []
        told = eventually(
            lambda: [
                n
                for n in stack.get("/v1/admin/notifications", token=operator).body["items"]
                if n["kind"] == "order_exception" and n["data"].get("order_id") == order["id"]
            ],
            "the operators told",
        )
        assert len(told) == 2  # no check-in, late start
    finally:
        stack.post("/v1/dev/clock", {"now": datetime.now(journey.SH).isoformat()})
