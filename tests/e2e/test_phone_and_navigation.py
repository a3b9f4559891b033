"""End to end on the local stack: a newcomer binds a phone by an SMS code read from the SMS stand-in's outbox, adds
an address without coordinates (geocoded by the map stand-in), books, pays; the assigned worker sees the route link
after accepting, and only then the exact address and phone."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import StackClient

pytestmark = pytest.mark.e2e
SH = ZoneInfo("Asia/Shanghai")
SERVICE = "svc_daily_cleaning"
ALL_WEEK = {day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def eventually(check: Callable[[], Any], what: str, limit_s: float = 30) -> Any:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


def code_from_outbox(stack: StackClient, phone: str) -> str:
    """The newest code the SMS stand-in was asked to send to ``phone`` (``GET /v1/dev/sms`` masks the number)."""
    masked = f"+86****{phone[-4:]}"
    items = [
        m
        for m in stack.get("/v1/dev/sms").body["items"]
        if m["phone"] == masked and m["template_id"] == "1000005"
    ]
    return items[-1]["params"][0]


def verified_worker(stack: StackClient, name: str, lat: float, lng: float) -> tuple[str, str]:
    login = stack.post("/v1/auth/wechat", {"code": f"dev:{name}", "role": "worker"}).body
    token, worker_id = login["token"], login["user"]["id"]
    profile = {
        "name": "陈阿姨",
        "gender": "female",
        "birth_year": 1978,
        "hometown": "江西九江",
        "experience_years": 6,
        "skills": [SERVICE],
        "certificates": [{"type": "家政服务员证", "number": "E2E-NAV-1", "expires_on": "2032-01-01"}],
        "health": {"status": "healthy", "certificate_expires_on": "2099-12-31"},
        "bio": "守时。",
        "home": {"lat": lat, "lng": lng},
        "service_radius_km": 5,
    }
    assert stack.put("/v1/worker/profile", profile, token=token).status == 200
    assert stack.put("/v1/worker/availability", {"weekly": ALL_WEEK}, token=token).status == 200
    verify = stack.post(
        f"/v1/admin/workers/{worker_id}/verify", {"approved": True}, token=stack.operator_token()
    )
    assert verify.status == 200, verify.body
    return token, worker_id


def test_a_newcomer_binds_a_phone_adds_an_address_without_coordinates_and_the_worker_gets_the_route(
    stack: StackClient,
) -> None:
    customer = stack.login(f"e2e_nav_{secrets.token_hex(3)}")
    phone = f"135{secrets.randbelow(10**8):08d}"
    sent = stack.post("/v1/auth/sms-code", {"phone": phone}, token=customer)
    assert sent.status == 200, sent.body
    bound = stack.post(
        "/v1/me/phone", {"phone": phone, "sms_code": code_from_outbox(stack, phone)}, token=customer
    )
    assert bound.status == 200 and bound.body["phone"] == phone
    assert stack.get("/v1/me", token=customer).body["phone"] == phone

    address = stack.post(
        "/v1/me/addresses",
        {
            "contact_name": "周先生",
            "phone": phone,
            "region": "上海市 徐汇区",
            "detail": "天钥桥路 100 号 3 楼",
        },
        token=customer,
    )
    assert address.status == 201, address.body
    lat, lng = address.body["lat"], address.body["lng"]
    assert abs(lat - 31.188) < 0.01 and abs(lng - 121.438) < 0.01  # on 天钥桥路
    unknown = stack.post(
        "/v1/me/addresses",
        {"contact_name": "周先生", "phone": phone, "region": "上海市", "detail": "无此路 1 号"},
        token=customer,
    )
    assert unknown.status == 422 and unknown.body["error"]["code"] == "ADDRESS_NOT_FOUND"

    worker, worker_id = verified_worker(stack, f"e2e_nav_w_{secrets.token_hex(3)}", lat + 0.005, lng)
    now = datetime.fromisoformat(stack.get("/v1/dev/clock").body["now"]).astimezone(SH)
    start = (now + timedelta(hours=3)).replace(second=0, microsecond=0)
    start += timedelta(minutes=(30 - start.minute % 30) % 30)
    order = stack.post(
        "/v1/orders",
        {
            "service_id": SERVICE,
            "start": start.isoformat(),
            "units": 2,
            "address_id": address.body["id"],
            "worker_id": worker_id,
        },
        token=customer,
    )
    assert order.status == 201, order.body
    order_id = order.body["id"]
    assert stack.post(f"/v1/orders/{order_id}/pay", token=customer).status == 200
    assert stack.post(f"/v1/dev/payments/{order_id}/succeed").status == 200
    offered = eventually(
        lambda: (
            (o := stack.get(f"/v1/worker/orders/{order_id}", token=worker).body)["status"]
            == "pending_acceptance"
            and o
        ),
        "the paid order offered to the worker",
    )
    assert offered["navigation"] is None and offered["address"]["phone"] == f"{phone[:3]}****{phone[-4:]}"

    assert stack.post(f"/v1/worker/orders/{order_id}/accept", token=worker).status == 200
    seen = stack.get(f"/v1/worker/orders/{order_id}", token=worker).body
    assert seen["address"]["phone"] == phone and seen["address"]["detail"] == "天钥桥路 100 号 3 楼"
    link = urlsplit(seen["navigation"]["url"])
    assert link.netloc == "apis.map.qq.com" and link.path == "/uri/v1/routeplan"
    assert parse_qs(link.query)["tocoord"] == [f"{lat},{lng}"]
    other = stack.login(f"e2e_nav_o_{secrets.token_hex(3)}", "worker")
    assert stack.get(f"/v1/worker/orders/{order_id}", token=other).status == 404
