"""End to end on the local stack: a customer claims a coupon, quotes and books with it and with points, pays,
the order runs to settlement, the settled spend earns points and lifts the tier. Over HTTP, as the mini-program
and the admin console call it; events travel through the stack's outbox, bus and queues."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from tests.e2e.test_booking_journey import (
    SERVICE,
    SH,
    business_now,
    customer_with_address,
    eventually,
    half_hour_after,
    order_of,
    pay,
    verified_worker,
)

stack_support = pytest.importorskip("tests.e2e.conftest", reason="needs the local stack's e2e fixtures")
StackClient = stack_support.StackClient

pytestmark = pytest.mark.e2e

# One order of 2 hours (100 yuan) reaches silver on this stack.
TIERS = [
    {"tier": "regular", "min_spend_fen": 0, "discount_percent": 0, "priority_booking_days": 0,
     "extra_candidates": 0, "exclusive_support": False, "birthday_coupon_fen": 0},
    {"tier": "silver", "min_spend_fen": 5000, "discount_percent": 2, "priority_booking_days": 7,
     "extra_candidates": 1, "exclusive_support": False, "birthday_coupon_fen": 1000},
]  # fmt: skip


@pytest.fixture(scope="module")
def marketing_stack() -> Iterator[StackClient]:
    client = stack_support.start_stack(
        {
            "DISPUTE_WINDOW_SECONDS": "1",
            "DISPUTE_RECHECK_SECONDS": "1",
            "AUTO_CONFIRM_SECONDS": "1",
            "MEMBERSHIP_TIERS": json.dumps(TIERS),
        }
    )
    yield client
    stack_support.stop_stack(client)


def test_claim_quote_order_pay_settle_earns_points_and_lifts_the_tier(marketing_stack: StackClient) -> None:
    stack = marketing_stack
    operator = stack.operator_token()
    now = business_now(stack)
    template = stack.post(
        "/v1/admin/coupon-templates",
        {
            "name": "满80减20",
            "kind": "threshold",
            "discount_fen": 2000,
            "threshold_fen": 8000,
            "valid_until": (now + timedelta(days=30)).isoformat(),
            "total": 100,
            "per_user_limit": 1,
        },
        token=operator,
    )
    assert template.status == 201, template.body
    worker_token, worker_id = verified_worker(stack, "e2e_mkt_zhou")
    customer, address_id = customer_with_address(stack, "e2e_mkt_zhao")
    assert template.body["id"] in [
        t["id"] for t in stack.get("/v1/coupon-templates", token=customer).body["items"]
    ]
    coupon = stack.post("/v1/me/coupons/claim", {"template_id": template.body["id"]}, token=customer)
    assert coupon.status == 201, coupon.body
    signed = stack.post("/v1/me/sign-in", token=customer)
    assert signed.status == 200 and signed.body["balance"] == signed.body["points"] > 0
    points = signed.body["points"]

    start = half_hour_after(now, 3)
    body = {
        "service_id": SERVICE,
        "start": start.isoformat(),
        "units": 2,
        "coupon_id": coupon.body["id"],
        "points": points,
    }
    quote = stack.post("/v1/quotes", body, token=customer)
    assert quote.status == 200, quote.body
    assert (quote.body["coupon_discount_fen"], quote.body["points_discount_fen"]) == (2000, points)
    assert quote.body["total_fen"] == quote.body["subtotal_fen"] - 2000 - points

    booked = stack.post(
        "/v1/orders", {**body, "address_id": address_id, "worker_id": worker_id}, token=customer
    )
    assert booked.status == 201, booked.body
    order = booked.body
    assert order["price"] == quote.body
    mine = stack.get("/v1/me/coupons", token=customer).body["items"]
    assert [(c["status"], c.get("order_id")) for c in mine] == [("used", order["id"])]
    assert stack.get("/v1/me/points", token=customer).body["balance"] == 0

    pay(stack, order["id"], customer)
    eventually(lambda: order_of(stack, order["id"], customer)["status"] == "pending_acceptance", "payment")
    assert stack.post(f"/v1/worker/orders/{order['id']}/accept", token=worker_token).status == 200
    minutes_to_start = int((start - business_now(stack)).total_seconds() // 60)
    stack.post("/v1/dev/clock", {"advance_minutes": minutes_to_start - 30})
    try:
        worker_token, customer = stack.login("e2e_mkt_zhou", "worker"), stack.login("e2e_mkt_zhao")
        assert stack.post(f"/v1/worker/orders/{order['id']}/start", token=worker_token).status == 200
        assert stack.post(f"/v1/worker/orders/{order['id']}/complete", token=worker_token).status == 200
        eventually(
            lambda: order_of(stack, order["id"], customer)["timeline"][-1]["note"] == "settled",
            "settlement after the dispute window",
        )
        paid = order["price"]["total_fen"]
        membership = eventually(
            lambda: (m := stack.get("/v1/me/membership", token=customer).body)["tier"] == "silver" and m,
            "the settled spend lifting the tier",
        )
        assert membership["spend_12m_fen"] == paid
        history = stack.get("/v1/me/points", token=customer).body
        assert history["balance"] == paid // 100
        assert [e["reason"] for e in history["items"]][:1] == ["order"]
        earnings = stack.get("/v1/worker/earnings", token=worker_token).body
        assert (
            earnings["balance_fen"] == order["price"]["subtotal_fen"] * 80 // 100
        )  # the platform bore the discount
        silver_quote = stack.post(
            "/v1/quotes",
            {"service_id": SERVICE, "start": half_hour_after(business_now(stack), 3).isoformat(), "units": 2},
            token=customer,
        )
        assert silver_quote.body["member_discount_fen"] == silver_quote.body["subtotal_fen"] * 2 // 100
    finally:
        stack.post("/v1/dev/clock", {"now": datetime.now(SH).isoformat()})
