"""End to end on the local stack: a customer books a weekly cleaning plan with one worker and, after the
plan-occurrences job runs, sees its visits inside the horizon as ordinary orders; a customer moves a booking more
than a day ahead at once, and one within a day with the worker's consent. Over HTTP, as the clients call it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

stack_support = pytest.importorskip("tests.e2e.conftest", reason="needs the local stack's e2e fixtures")
journey = pytest.importorskip("tests.e2e.test_booking_journey", reason="shares the booking journey's helpers")
StackClient = stack_support.StackClient

pytestmark = pytest.mark.e2e
SH = ZoneInfo("Asia/Shanghai")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def business_now(stack: StackClient) -> datetime:
    return datetime.fromisoformat(stack.get("/v1/dev/clock").body["now"]).astimezone(SH)


def half_hour(t: datetime) -> str:
    t = t.replace(second=0, microsecond=0)
    return (t + timedelta(minutes=(30 - t.minute % 30) % 30)).isoformat()


def test_a_weekly_cleaning_plan_becomes_orders_when_the_job_runs(stack: StackClient) -> None:
    worker_token, worker_id = journey.verified_worker(stack, "e2e-plan-zhou")
    token, address = journey.customer_with_address(stack, "e2e-plan-amy")
    visit = (business_now(stack) + timedelta(days=2)).date()
    body = {
        "service_id": journey.SERVICE,
        "address_id": address,
        "worker_id": worker_id,
        "weekday": WEEKDAYS[visit.weekday()],
        "time": "10:00",
        "units": 2,
        "every_weeks": 1,
        "count": 8,
    }
    plan = stack.post("/v1/plans", body, token=token)
    assert plan.status == 201, plan.body
    assert plan.body["status"] == "active" and plan.body["upcoming"][0]["date"] == visit.isoformat()
    ran = stack.post("/v1/dev/jobs/plan-occurrences")  # (the stack's ticker may have run it already)
    assert ran.status == 200 and ran.body["job"] == "plan-occurrences", ran.body
    upcoming = stack.get(f"/v1/plans/{plan.body['id']}", token=token).body["upcoming"]
    first = upcoming[0]
    assert first["status"] == "booked" and first["order_id"]
    order = stack.get(f"/v1/orders/{first['order_id']}", token=token).body
    assert order["status"] == "pending_payment" and order["worker"]["id"] == worker_id
    assert order["start"] == f"{visit.isoformat()}T10:00:00+08:00"
    offered = stack.get("/v1/worker/orders", token=worker_token).body["items"]
    assert first["order_id"] in {o["id"] for o in offered}
    again = stack.post("/v1/dev/jobs/plan-occurrences").body["result"]
    assert again["booked"] == 0  # nothing twice
    mine = stack.get("/v1/plans", token=token).body["items"]
    assert [p["id"] for p in mine] == [plan.body["id"]]


def booked(stack: StackClient, token: str, address: str, worker_id: str, start: str) -> dict[str, Any]:
    body = {
        "service_id": journey.SERVICE,
        "start": start,
        "units": 2,
        "address_id": address,
        "worker_id": worker_id,
    }
    reply = stack.post("/v1/orders", body, token=token)
    assert reply.status == 201, reply.body
    return reply.body


def test_a_customer_moves_a_booking_at_once_and_within_a_day_with_the_workers_consent(
    stack: StackClient,
) -> None:
    worker_token, worker_id = journey.verified_worker(stack, "e2e-move-qian")
    token, address = journey.customer_with_address(stack, "e2e-move-ben")
    now = business_now(stack)

    far = booked(stack, token, address, worker_id, half_hour(now + timedelta(days=3)))
    new_start = half_hour(now + timedelta(days=4))
    moved = stack.post(f"/v1/orders/{far['id']}/reschedule", {"start": new_start}, token=token)
    assert moved.status == 200, moved.body
    assert moved.body["reschedule"]["status"] == "moved"
    assert datetime.fromisoformat(moved.body["start"]) == datetime.fromisoformat(new_start)
    same = stack.post(f"/v1/orders/{far['id']}/reschedule", {"start": new_start}, token=token)
    assert same.status == 422 and same.body["error"]["code"] == "SAME_START"

    soon = booked(stack, token, address, worker_id, half_hour(now + timedelta(hours=5)))
    journey.pay(stack, soon["id"], token)
    accept = journey.eventually(
        lambda: (
            (r := stack.post(f"/v1/worker/orders/{soon['id']}/accept", token=worker_token)).status == 200
            and r
        ),
        "the paid order to be offered to the worker",
    )
    assert accept.body["status"] == "accepted"
    later = half_hour(now + timedelta(hours=8))
    asked = stack.post(f"/v1/orders/{soon['id']}/reschedule", {"start": later}, token=token)
    assert asked.status == 200 and asked.body["reschedule"]["status"] == "awaiting_worker", asked.body
    agreed = stack.post(f"/v1/worker/orders/{soon['id']}/reschedule/accept", token=worker_token)
    assert agreed.status == 200, agreed.body
    assert datetime.fromisoformat(agreed.body["start"]) == datetime.fromisoformat(later)
    final = stack.get(f"/v1/orders/{soon['id']}", token=token).body
    assert final["status"] == "accepted" and final["timeline"][-1]["note"].startswith("rescheduled from")
