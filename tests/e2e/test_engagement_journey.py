"""End to end on the local stack: a newcomer books the seeded 月嫂 for 26 days (the best free match), pays the
deposit (定金) and the balance (尾款) through the WeChat Pay stand-in, the 月嫂 accepts, and the customer asks for
another worker (换人), who takes the 26 days. Over HTTP, as the mini-program and the worker app call it."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from functions.workers.seed import NAMES

stack_support = pytest.importorskip("tests.e2e.conftest", reason="needs the local stack's e2e fixtures")
StackClient = stack_support.StackClient

pytestmark = pytest.mark.e2e
SH = ZoneInfo("Asia/Shanghai")
NANNY = "svc_maternity_nanny"  # seeded: 月嫂, per day, 26 days at least
LAT, LNG = 31.2290, 121.4480  # 静安, among the seeded workers' homes


def eventually(check: Callable[[], Any], what: str, limit_s: float = 30) -> Any:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


def worker_token(stack: StackClient, worker_id: str) -> str:
    """The seeded worker's app token (the demo workers log in with ``dev:NAME``)."""
    for _, _, login in NAMES:
        reply = stack.post("/v1/auth/wechat", {"code": f"dev:{login}", "role": "worker"}).body
        if reply["user"]["id"] == worker_id:
            return reply["token"]
    raise AssertionError(f"no seeded login for {worker_id}")


def test_a_newcomer_books_the_seeded_maternity_nanny_for_26_days_pays_both_parts_and_replaces_her(
    stack: StackClient,
) -> None:
    customer = stack.login("e2e_engage_newcomer")
    address = {
        "contact_name": "钱女士",
        "phone": "13800007777",
        "region": "上海市静安区",
        "detail": "南京西路 1 号",
    }
    address_id = stack.post("/v1/me/addresses", {**address, "lat": LAT, "lng": LNG}, token=customer).body[
        "id"
    ]
    now = datetime.fromisoformat(stack.get("/v1/dev/clock").body["now"]).astimezone(SH)
    start = (now + timedelta(days=3)).replace(hour=8, minute=0, second=0, microsecond=0)

    booked = stack.post(
        "/v1/orders",
        {"service_id": NANNY, "start": start.isoformat(), "units": 26, "address_id": address_id},
        token=customer,
    )
    assert booked.status == 201, booked.body
    order = booked.body
    price = order["price"]
    assert price["deposit_fen"] + price["balance_fen"] == price["total_fen"] == 26 * 40000
    assert order["engagement"]["days"] == 26

    def get() -> dict[str, Any]:
        return stack.get(f"/v1/orders/{order['id']}", token=customer).body

    assert stack.post(f"/v1/orders/{order['id']}/pay", token=customer).status == 200  # the deposit
    assert stack.post(f"/v1/dev/payments/{order['id']}/succeed").status == 200
    eventually(lambda: get()["status"] == "pending_acceptance", "the deposit")
    first = order["worker"]["id"]
    accepted = stack.post(f"/v1/worker/orders/{order['id']}/accept", token=worker_token(stack, first))
    assert accepted.status == 200, accepted.body
    assert stack.post(f"/v1/orders/{order['id']}/pay", {"part": "balance"}, token=customer).status == 200
    assert stack.post(f"/v1/dev/payments/{order['id']}/succeed").status == 200
    paid = eventually(lambda: (o := get())["paid_fen"] == price["total_fen"] and o, "the balance")
    assert paid["engagement"]["balance_paid_fen"] == price["balance_fen"]

    replaced = stack.post(f"/v1/orders/{order['id']}/replace", {"reason": "想换一位"}, token=customer)

    assert replaced.status == 200, replaced.body
    after = replaced.body
    assert after["id"] == order["id"] and after["worker"]["id"] != first
    assert after["engagement"]["served"][0]["worker_id"] == first
    assert "replaced" in after["timeline"][-1]["note"]
    calendar = stack.get(
        f"/v1/worker/calendar?from={start.date().isoformat()}&days=14",
        token=worker_token(stack, after["worker"]["id"]),
    ).body
    assert len([d for d in calendar["days"] if d["order_id"] == order["id"]]) == 14
