"""End to end on the local stack: on-site price differences (补差价). The worker proposes one during the service,
the customer approves it and pays it through the WeChat Pay stand-in like an order (its own trade), the worker
is told, and the settlement pays the worker on the order and the difference together; a rejected one tells the
worker; an operator who cancels the order refunds a paid difference on its own. Over HTTP, as the clients call."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

stack_support = pytest.importorskip("tests.e2e.conftest", reason="needs the local stack's e2e fixtures")
journey = pytest.importorskip("tests.e2e.test_booking_journey", reason="shares the booking journey's helpers")
StackClient = stack_support.StackClient

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("price_differences"),
]  # one worker, one stack for the module
LINES = [{"name": "超出面积加时", "amount_fen": 5000}, {"name": "专用清洁剂", "amount_fen": 1200}]
DIFFERENCE_FEN = 6200


@pytest.fixture(scope="module")
def extras_stack() -> Iterator[StackClient]:
    """A stack whose dispute window is a second (settlement within the test) and whose workers may start hours
    early (the business clock never moves, so nobody's token ages)."""
    client = stack_support.start_stack(
        {"DISPUTE_WINDOW_SECONDS": "1", "DISPUTE_RECHECK_SECONDS": "1", "START_EARLY_MINUTES": "300"}
    )
    yield client
    stack_support.stop_stack(client)


def in_service(stack: StackClient, name: str) -> tuple[dict[str, Any], str, str]:
    """An order of a new customer with a new worker, paid, accepted and started: (order, customer, worker)."""
    worker, worker_id = journey.verified_worker(stack, f"e2e_extra_{name}_w")
    customer, address_id = journey.customer_with_address(stack, f"e2e_extra_{name}_c")
    start = journey.half_hour_after(journey.business_now(stack), 3)
    body = {
        "service_id": journey.SERVICE,
        "start": start.isoformat(),
        "units": 2,
        "address_id": address_id,
        "worker_id": worker_id,
    }
    booked = stack.post("/v1/orders", body, token=customer)
    assert booked.status == 201, booked.body
    order = booked.body
    journey.pay(stack, order["id"], customer)
    journey.eventually(lambda: status(stack, order["id"], customer) == "pending_acceptance", "payment")
    assert stack.post(f"/v1/worker/orders/{order['id']}/accept", token=worker).status == 200
    started = stack.post(f"/v1/worker/orders/{order['id']}/start", token=worker)
    assert started.status == 200, started.body
    return order, customer, worker


def status(stack: StackClient, order_id: str, token: str) -> str:
    return journey.order_of(stack, order_id, token)["status"]


def extras(stack: StackClient, order_id: str, token: str) -> list[dict[str, Any]]:
    return journey.order_of(stack, order_id, token)["extras"]


def propose(stack: StackClient, order_id: str, worker: str) -> str:
    reply = stack.post(
        f"/v1/worker/orders/{order_id}/extras", {"items": LINES, "reason": "实际面积比预约大"}, token=worker
    )
    assert reply.status == 201 and reply.body["status"] == "proposed", reply.body
    return reply.body["id"]


def approve_and_pay(stack: StackClient, order_id: str, extra_id: str, customer: str) -> None:
    params = stack.post(f"/v1/orders/{order_id}/extras/{extra_id}/approve", token=customer)
    assert params.status == 200, params.body
    assert params.body["signType"] == "RSA" and params.body["package"].startswith("prepay_id=")
    paid = stack.post(f"/v1/dev/payments/{order_id}/succeed")
    assert paid.status == 200 and paid.body["out_trade_no"] == f"{order_id}-{extra_id}", paid.body
    journey.eventually(
        lambda: [e["status"] for e in extras(stack, order_id, customer) if e["id"] == extra_id] == ["paid"],
        "the difference paid",
    )


def inbox(stack: StackClient, token: str, path: str = "/v1/me/notifications") -> list[dict[str, Any]]:
    return stack.get(path, token=token).body["items"]


def test_a_paid_difference_is_settled_with_the_order_and_a_rejected_one_tells_the_worker(
    extras_stack: StackClient,
) -> None:
    stack = extras_stack
    order, customer, worker = in_service(stack, "settle")
    extra_id = propose(stack, order["id"], worker)
    [seen] = extras(stack, order["id"], customer)
    assert (seen["status"], seen["amount_fen"], seen["items"]) == ("proposed", DIFFERENCE_FEN, LINES)
    approve_and_pay(stack, order["id"], extra_id, customer)

    second = propose(stack, order["id"], worker)
    rejected = stack.post(f"/v1/orders/{order['id']}/extras/{second}/reject", token=customer)
    assert rejected.status == 200 and rejected.body["status"] == "rejected"
    journey.eventually(
        lambda: any(n["kind"] == "extra_rejected" for n in inbox(stack, worker, "/v1/worker/notifications")),
        "the worker told of the rejection",
    )
    done = stack.post(f"/v1/worker/orders/{order['id']}/complete", token=worker)
    assert done.status == 200, done.body
    confirmed = stack.post(f"/v1/orders/{order['id']}/confirm", token=customer)  # the dispute window starts
    assert confirmed.status == 200, confirmed.body
    journey.eventually(
        lambda: journey.order_of(stack, order["id"], customer)["timeline"][-1]["note"] == "settled",
        "settlement after the dispute window",
    )
    earnings = stack.get("/v1/worker/earnings", token=worker).body
    assert earnings["balance_fen"] == (order["price"]["total_fen"] + DIFFERENCE_FEN) * 80 // 100
    kinds = {n["kind"] for n in inbox(stack, customer)}
    assert {"extra_proposed", "extra_paid"} <= kinds


def test_an_operator_cancellation_refunds_the_paid_difference_on_its_own(extras_stack: StackClient) -> None:
    stack = extras_stack
    order, customer, worker = in_service(stack, "refund")
    extra_id = propose(stack, order["id"], worker)
    approve_and_pay(stack, order["id"], extra_id, customer)
    cancelled = stack.post(
        f"/v1/admin/orders/{order['id']}/cancel", {"reason": "服务中断"}, token=stack.operator_token()
    )
    assert cancelled.status == 200, cancelled.body
    journey.eventually(
        lambda: [e["status"] for e in extras(stack, order["id"], customer)] == ["refunded"],
        "the difference refunded",
    )
    journey.eventually(
        lambda: any(n["kind"] == "extra_refunded" for n in inbox(stack, customer)), "the customer told"
    )
