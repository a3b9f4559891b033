"""End to end on the local stack: a worker registers in the worker app, an operator verifies her in the admin
console, and a customer nearby finds her, ranked with reasons, among the seeded workers."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

stack_support = pytest.importorskip("tests.e2e.conftest", reason="needs the local stack's e2e fixtures")
StackClient = stack_support.StackClient

pytestmark = pytest.mark.e2e
SH = ZoneInfo("Asia/Shanghai")
ADDRESS = {
    "contact_name": "李先生",
    "phone": "13800001234",
    "region": "上海市静安区",
    "detail": "南京西路 1 号",
}


def _next_monday_10(stack: StackClient) -> datetime:
    now = datetime.fromisoformat(stack.get("/v1/dev/clock").body["now"]).astimezone(SH)
    day = now.date() + timedelta(days=(7 - now.weekday()) % 7 + 7)
    return datetime(day.year, day.month, day.day, 10, tzinfo=SH)


def test_a_worker_registers_an_operator_verifies_and_a_customer_nearby_finds_her(stack: StackClient) -> None:
    lat, lng = 31.2290, 121.4480  # 静安
    worker = stack.post("/v1/auth/wechat", {"code": "dev:e2e_ayi_story", "role": "worker"}).body
    token, worker_id = worker["token"], worker["user"]["id"]
    profile = {
        "name": "陈阿姨",
        "gender": "female",
        "birth_year": 1978,
        "hometown": "江苏盐城",
        "experience_years": 12,
        "skills": ["svc_daily_cleaning"],
        "certificates": [{"type": "家政服务员证", "number": "E2E-0001", "expires_on": "2032-01-01"}],
        "health": {"status": "healthy", "certificate_expires_on": "2099-12-31"},
        "bio": "干净利落，准时。",
        "photos": [],
        "videos": [],
        "home": {"lat": lat, "lng": lng},
        "service_radius_km": 5,
        "phone": "13955550000",
    }
    submitted = stack.call("PUT", "/v1/worker/profile", profile, token=token)
    operator = stack.operator_token()
    queue = stack.get("/v1/admin/workers?status=pending&limit=100", token=operator).body["items"]
    verified = stack.post(
        f"/v1/admin/workers/{worker_id}/verify", {"approved": True, "note": "证件核验通过"}, token=operator
    )

    customer = stack.login("e2e_story_customer")
    address = stack.post("/v1/me/addresses", {**ADDRESS, "lat": lat, "lng": lng}, token=customer).body
    start = _next_monday_10(stack)
    body = {
        "service_id": "svc_daily_cleaning",
        "start": start.isoformat(),
        "units": 2,
        "address_id": address["id"],
        "limit": 50,
    }
    matches = stack.post("/v1/matches", body, token=customer)

    assert submitted.status == 200 and submitted.body["status"] == "pending"
    assert worker_id in [w["id"] for w in queue]
    assert verified.status == 200 and verified.body["status"] == "verified"
    assert matches.status == 200
    items = matches.body["items"]
    ids = [m["worker"]["id"] for m in items]
    assert worker_id in ids and len(ids) > 1  # she and seeded workers nearby
    scores = [m["score"] for m in items]
    assert scores == sorted(scores, reverse=True)
    mine = items[ids.index(worker_id)]
    assert mine["reasons"]["skill"]["note"] == "擅长该服务" and mine["distance_km"] < 0.1
    public = stack.get(f"/v1/workers/{worker_id}")
    assert (
        public.status == 200 and "13955550000" not in str(public.body) and "E2E-0001" not in str(public.body)
    )


def test_a_far_away_address_finds_nobody(stack: StackClient) -> None:
    customer = stack.login("e2e_far_customer")
    address = stack.post(
        # 金山, at the edge of the service area, far from every seeded worker
        "/v1/me/addresses",
        {**ADDRESS, "region": "上海市金山区", "lat": 30.7410, "lng": 121.3420},
        token=customer,
    ).body
    body = {
        "service_id": "svc_daily_cleaning",
        "start": _next_monday_10(stack).isoformat(),
        "units": 2,
        "address_id": address["id"],
    }

    reply = stack.post("/v1/matches", body, token=customer)

    assert reply.status == 200 and reply.body["items"] == []
