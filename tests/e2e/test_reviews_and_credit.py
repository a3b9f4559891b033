"""End to end on the local stack: a customer reviews a completed order, the worker's rating moves at once, the
hourly credit recalculation (run through /v1/dev/jobs) moves their credit, and the worker climbs in a match."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

stack_support = pytest.importorskip("tests.e2e.conftest", reason="needs the local stack's e2e fixtures")
StackClient = stack_support.StackClient
journey = pytest.importorskip("tests.e2e.test_booking_journey")

pytestmark = pytest.mark.e2e
SH = ZoneInfo("Asia/Shanghai")
LAT, LNG = 31.0500, 121.7600  # 浦东, away from the seeded workers and the booking journey's
SERVICE = "svc_daily_cleaning"


def worker_near(stack: StackClient, name: str, km_north: float) -> tuple[str, str]:
    """A verified worker living ``km_north`` km north of the customers' address."""
    login = stack.post("/v1/auth/wechat", {"code": f"dev:{name}", "role": "worker"}).body
    token, worker_id = login["token"], login["user"]["id"]
    profile = {
        "name": "钱阿姨",
        "gender": "female",
        "birth_year": 1978,
        "hometown": "江苏南通",
        "experience_years": 5,
        "skills": [SERVICE],
        "certificates": [],
        "health": {"status": "healthy", "certificate_expires_on": "2099-12-31"},
        "bio": "",
        "photos": [],
        "videos": [],
        "home": {"lat": LAT + km_north / 111.195, "lng": LNG},
        "service_radius_km": 5,
    }
    assert stack.call("PUT", "/v1/worker/profile", profile, token=token).status == 200
    assert (
        stack.call("PUT", "/v1/worker/availability", {"weekly": journey.ALL_WEEK}, token=token).status == 200
    )
    verify = stack.post(
        f"/v1/admin/workers/{worker_id}/verify", {"approved": True}, token=stack.operator_token()
    )
    assert verify.status == 200, verify.body
    return token, worker_id


def ranking(stack: StackClient, token: str, address_id: str, start: datetime) -> list[str]:
    body = {"service_id": SERVICE, "start": start.isoformat(), "units": 2, "address_id": address_id}
    reply = stack.post("/v1/matches", body, token=token)
    assert reply.status == 200, reply.body
    return [m["worker"]["id"] for m in reply.body["items"]]


def test_a_review_moves_the_rating_then_the_recalculation_moves_credit_and_the_ranking(
    stack: StackClient, restore_clock: Any
) -> None:
    _, near_id = worker_near(stack, "e2e_rev_near", 0.1)
    far_token, far_id = worker_near(stack, "e2e_rev_far", 0.3)
    customer, address_id = customer_with_address(stack, "e2e_rev_zhao")
    later = journey.half_hour_after(journey.business_now(stack), 30)
    before = ranking(stack, customer, address_id, later)
    assert before.index(near_id) < before.index(far_id)  # nearer, otherwise alike

    start = journey.half_hour_after(journey.business_now(stack), 3)
    body = {"service_id": SERVICE, "start": start.isoformat(), "units": 2, "address_id": address_id}
    order = stack.post("/v1/orders", {**body, "worker_id": far_id}, token=customer).body
    journey.pay(stack, order["id"], customer)
    journey.eventually(
        lambda: journey.order_of(stack, order["id"], customer)["status"] == "pending_acceptance", "payment"
    )
    assert stack.post(f"/v1/worker/orders/{order['id']}/accept", token=far_token).status == 200
    minutes_to_start = int((start - journey.business_now(stack)).total_seconds() // 60)
    stack.post("/v1/dev/clock", {"advance_minutes": minutes_to_start - 30})
    # The jump crosses hours, so the hourly job has run by the time the clock answers; from here on the
    # clock crosses no hour (a test takes seconds), and credit moves only when the job is run below.
    settled = stack.get(f"/v1/workers/{far_id}").body["credit"]["score"]
    far_token, customer = stack.login("e2e_rev_far", "worker"), stack.login("e2e_rev_zhao")
    assert stack.post(f"/v1/worker/orders/{order['id']}/start", token=far_token).status == 200
    assert stack.post(f"/v1/worker/orders/{order['id']}/complete", token=far_token).status == 200

    reviewed = stack.post(
        f"/v1/orders/{order['id']}/review",
        {"attitude": 5, "skill": 5, "quality": 5, "text": "非常细致，准时"},
        token=customer,
    )
    assert reviewed.status == 201, reviewed.body
    public = stack.get(f"/v1/workers/{far_id}").body
    assert public["rating"]["count"] == 1 and public["rating"]["overall"] == 5.0
    assert [r["text"] for r in stack.get(f"/v1/workers/{far_id}/reviews").body["items"]] == ["非常细致，准时"]
    assert public["credit"]["score"] == settled  # credit waits for the hourly job

    ran = stack.post("/v1/dev/jobs/credit-recalculation")
    assert ran.status == 200, ran.body
    credit = stack.get("/v1/worker/credit", token=far_token).body
    assert credit["score"] > settled and credit["history"][0]["source"]["kind"] in ("review", "order")

    later = journey.half_hour_after(journey.business_now(stack) + timedelta(days=1), 30)
    after = ranking(stack, customer, address_id, later)
    assert after.index(far_id) < after.index(near_id)


def customer_with_address(stack: StackClient, name: str) -> tuple[str, str]:
    token = stack.login(name)
    address = {
        "contact_name": "赵女士",
        "phone": "13800005678",
        "region": "上海市浦东新区",
        "detail": "川沙路 1 号",
    }
    reply = stack.post("/v1/me/addresses", {**address, "lat": LAT, "lng": LNG}, token=token)
    return token, reply.body["id"]
