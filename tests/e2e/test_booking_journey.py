"""End to end on the local stack: a customer books a verified worker, pays through the WeChat Pay stand-in, the
worker accepts, starts and completes, the dispute window passes and the order is settled; everyone is told.
And a paid order cancelled before acceptance is refunded in full. Over HTTP, as the three clients call it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

stack_support = pytest.importorskip("tests.e2e.conftest", reason="needs the local stack's e2e fixtures")
StackClient = stack_support.StackClient

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("booking_journey"),
]  # one worker, one stack for the module
SH = ZoneInfo("Asia/Shanghai")
LAT, LNG = 31.2000, 121.4600  # 徐汇, away from the seeded workers' homes
SERVICE = "svc_daily_cleaning"  # seeded: 日常保洁, by the hour, 2 hours at least
ALL_WEEK = {day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@pytest.fixture(scope="module")
def booking_stack() -> Iterator[StackClient]:
    """A stack of its own whose dispute window is a second, so settlement happens within the test."""
    client = stack_support.start_stack({"DISPUTE_WINDOW_SECONDS": "1", "DISPUTE_RECHECK_SECONDS": "1"})
    yield client
    stack_support.stop_stack(client)


def eventually(check: Callable[[], Any], what: str, limit_s: float = 30) -> Any:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


def verified_worker(stack: StackClient, name: str, service: str = SERVICE) -> tuple[str, str]:
    login = stack.post("/v1/auth/wechat", {"code": f"dev:{name}", "role": "worker"}).body
    token, worker_id = login["token"], login["user"]["id"]
    profile = {
        "name": "周阿姨",
        "gender": "female",
        "birth_year": 1976,
        "hometown": "安徽安庆",
        "experience_years": 9,
        "skills": [service],
        "certificates": [{"type": "家政服务员证", "number": "E2E-BOOK-1", "expires_on": "2032-01-01"}],
        "health": {"status": "healthy", "certificate_expires_on": "2099-12-31"},
        "bio": "细心守时。",
        "photos": [],
        "videos": [],
        "home": {"lat": LAT, "lng": LNG},
        "service_radius_km": 5,
        "phone": "13966660000",
    }
    assert stack.call("PUT", "/v1/worker/profile", profile, token=token).status == 200
    assert stack.call("PUT", "/v1/worker/availability", {"weekly": ALL_WEEK}, token=token).status == 200
    verify = stack.post(
        f"/v1/admin/workers/{worker_id}/verify", {"approved": True}, token=stack.operator_token()
    )
    assert verify.status == 200, verify.body
    return token, worker_id


def customer_with_address(stack: StackClient, name: str) -> tuple[str, str]:
    token = stack.login(name)
    address = {
        "contact_name": "赵女士",
        "phone": "13800005678",
        "region": "上海市徐汇区",
        "detail": "天钥桥路 1 号",
    }
    reply = stack.post("/v1/me/addresses", {**address, "lat": LAT, "lng": LNG}, token=token)
    return token, reply.body["id"]


def business_now(stack: StackClient) -> datetime:
    return datetime.fromisoformat(stack.get("/v1/dev/clock").body["now"]).astimezone(SH)


def half_hour_after(now: datetime, hours: float) -> datetime:
    t = (now + timedelta(hours=hours)).replace(second=0, microsecond=0)
    return t + timedelta(minutes=(30 - t.minute % 30) % 30)


def pay(stack: StackClient, order_id: str, token: str) -> None:
    params = stack.post(f"/v1/orders/{order_id}/pay", token=token)
    assert params.status == 200, params.body
    assert params.body["signType"] == "RSA" and params.body["package"].startswith("prepay_id=")
    assert stack.post(f"/v1/dev/payments/{order_id}/succeed").status == 200


def order_of(stack: StackClient, order_id: str, token: str) -> dict[str, Any]:
    return stack.get(f"/v1/orders/{order_id}", token=token).body


def test_a_customer_books_pays_and_the_order_runs_to_settlement(booking_stack: StackClient) -> None:
    stack = booking_stack
    worker_token, worker_id = verified_worker(stack, "e2e_book_zhou")
    customer, address_id = customer_with_address(stack, "e2e_book_zhao")
    start = half_hour_after(business_now(stack), 3)
    body = {"service_id": SERVICE, "start": start.isoformat(), "units": 2, "address_id": address_id}

    quote = stack.post("/v1/quotes", {k: body[k] for k in ("service_id", "start", "units")}, token=customer)
    assert quote.status == 200 and quote.body["total_fen"] == quote.body["subtotal_fen"] > 0
    booked = stack.post(
        "/v1/orders", {**body, "worker_id": worker_id}, token=customer, headers={"Idempotency-Key": "e2e-1"}
    )
    assert booked.status == 201, booked.body
    order = booked.body
    assert (order["status"], order["worker"]["id"], order["price"]) == (
        "pending_payment",
        worker_id,
        quote.body,
    )
    again = stack.post(
        "/v1/orders", {**body, "worker_id": worker_id}, token=customer, headers={"Idempotency-Key": "e2e-1"}
    )
    assert again.status == 201 and again.body["id"] == order["id"]
    rival, rival_address = customer_with_address(stack, "e2e_book_rival")
    taken = stack.post(
        "/v1/orders", {**body, "address_id": rival_address, "worker_id": worker_id}, token=rival
    )
    assert taken.status == 409 and taken.body["error"]["code"] == "SLOT_TAKEN"

    pay(stack, order["id"], customer)
    eventually(lambda: order_of(stack, order["id"], customer)["status"] == "pending_acceptance", "payment")
    offered = stack.get("/v1/worker/orders?status=pending_acceptance", token=worker_token).body["items"]
    assert [o["id"] for o in offered] == [order["id"]]
    assert (
        stack.post(f"/v1/worker/orders/{order['id']}/accept", token=worker_token).body["status"] == "accepted"
    )

    minutes_to_start = int((start - business_now(stack)).total_seconds() // 60)
    stack.post("/v1/dev/clock", {"advance_minutes": minutes_to_start - 30})
    try:
        # hours later by the business clock: the apps log in again (tokens live two hours)
        worker_token, customer = stack.login("e2e_book_zhou", "worker"), stack.login("e2e_book_zhao")
        started = stack.post(f"/v1/worker/orders/{order['id']}/start", token=worker_token)
        assert started.status == 200 and started.body["status"] == "in_service", started.body
        done = stack.post(f"/v1/worker/orders/{order['id']}/complete", token=worker_token)
        assert done.status == 200 and done.body["status"] == "completed"
        confirmed = stack.post(f"/v1/orders/{order['id']}/confirm", token=customer)
        assert confirmed.status == 200 and confirmed.body["progress"] == "confirmed", confirmed.body
        settled = eventually(
            lambda: (o := order_of(stack, order["id"], customer))["timeline"][-1]["note"] == "settled" and o,
            "settlement after the dispute window",
        )
    finally:
        stack.post("/v1/dev/clock", {"now": datetime.now(SH).isoformat()})
    assert [e["status"] for e in settled["timeline"]] == [
        "pending_payment",
        "pending_acceptance",
        "accepted",
        "in_service",
        "completed",
        "completed",  # confirmed by the customer: the dispute window runs from here
        "completed",  # settled
    ]
    worker_token, customer = stack.login("e2e_book_zhou", "worker"), stack.login("e2e_book_zhao")
    earnings = stack.get("/v1/worker/earnings", token=worker_token).body
    assert earnings["balance_fen"] == order["price"]["total_fen"] * 80 // 100  # 20% commission
    told = eventually(
        lambda: stack.get("/v1/me/notifications", token=customer).body["items"], "the customer's notices"
    )
    assert len(told) >= 3


def test_a_paid_order_cancelled_before_acceptance_is_refunded_in_full(booking_stack: StackClient) -> None:
    stack = booking_stack
    _, worker_id = verified_worker(stack, "e2e_book_qian")
    customer, address_id = customer_with_address(stack, "e2e_book_sun")
    start = half_hour_after(business_now(stack), 5)
    body = {
        "service_id": SERVICE,
        "start": start.isoformat(),
        "units": 2,
        "address_id": address_id,
        "worker_id": worker_id,
    }
    order = stack.post("/v1/orders", body, token=customer).body
    pay(stack, order["id"], customer)
    eventually(lambda: order_of(stack, order["id"], customer)["status"] == "pending_acceptance", "payment")

    cancelled = stack.post(f"/v1/orders/{order['id']}/cancel", {"reason": "临时有事"}, token=customer)
    assert cancelled.status == 200
    assert (cancelled.body["status"], cancelled.body["refund_fen"]) == (
        "cancelled",
        order["price"]["total_fen"],
    )
    other, other_address = customer_with_address(stack, "e2e_book_next")
    rebooked = stack.post("/v1/orders", {**body, "address_id": other_address}, token=other)
    assert rebooked.status == 201, rebooked.body  # the worker's time is free again
    again = stack.post(f"/v1/orders/{order['id']}/cancel", {"reason": "again"}, token=customer)
    assert again.status == 409 and again.body["error"]["code"] == "INVALID_TRANSITION"
