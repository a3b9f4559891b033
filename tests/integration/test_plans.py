"""Recurring plans over HTTP on moto: the plan-occurrences job turns visits inside the horizon into ordinary
orders once (a rerun and a concurrent run book nothing more), books the best match when the plan's worker is not
free and tells the customer, skips holidays; a skipped or cancelled visit's order is cancelled with a full refund."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import boto3
import pytest
from common.clock import business_tz, clock
from common.settings import get_settings

from functions.booking import mark_paid
from functions.plans import run_due
from functions.plans.rules import WEEKDAYS
from infra.local.atomic_dynamodb import make_dynamodb_atomic
from tests.integration.booking_helpers import World, long_lived_tokens, make_world, operator, slot, wait_for
from tests.integration.conftest import Api
from tests.integration.lifecycle_helpers import order_workflow
from tests.integration.marketing_helpers import run_job

HORIZON_DAYS = 10  # two weekly visits two days apart from today fall inside it: today + 2 and today + 9


@pytest.fixture
def world(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setenv("PLAN_HORIZON_DAYS", str(HORIZON_DAYS))
    with long_lived_tokens(monkeypatch):
        yield make_world(api, operator(api))


def in_days(days: int) -> str:
    return (clock.now().astimezone(business_tz()).date() + timedelta(days=days)).isoformat()


def weekday_in(days: int) -> str:
    return WEEKDAYS[(clock.now().astimezone(business_tz()).date() + timedelta(days=days)).weekday()]


def new_plan(world: World, *, customer: str = "amy", worker: str | None = "wang", **extra) -> dict:
    body = {
        "service_id": world.service_id,
        "address_id": world.addresses.get(customer)
        or (world.customer(customer) and world.addresses[customer]),
        "weekday": weekday_in(2),
        "time": "10:00",
        "units": 2,
        "every_weeks": 1,
        "count": 4,
        **extra,
    }
    if worker:
        body["worker_id"] = world.worker(worker).id
    reply = world.api.post("/v1/plans", body, token=world.customer(customer).token)
    assert reply.status == 201, reply.body
    return reply.body


def plan_of(world: World, plan_id: str, customer: str = "amy") -> dict:
    reply = world.api.get(f"/v1/plans/{plan_id}", token=world.customer(customer).token)
    assert reply.status == 200, reply.body
    return reply.body


def order_of(world: World, order_id: str, customer: str = "amy") -> dict:
    return world.api.get(f"/v1/orders/{order_id}", token=world.customer(customer).token).body


def test_a_weekly_plan_shows_its_visits_and_the_job_turns_those_in_the_horizon_into_orders(
    world: World,
) -> None:
    plan = new_plan(world)
    assert plan["status"] == "active" and plan["first_date"] == in_days(2)
    assert [o["date"] for o in plan["upcoming"]] == [in_days(2), in_days(9), in_days(16), in_days(23)]
    assert all(o.get("order_id") is None for o in plan["upcoming"])
    assert run_job("plan-occurrences")["booked"] == 2
    upcoming = plan_of(world, plan["id"])["upcoming"]
    booked = [o for o in upcoming if o["order_id"]]
    assert [o["date"] for o in booked] == [in_days(2), in_days(9)]
    for visit in booked:
        order = order_of(world, visit["order_id"])
        assert order["status"] == "pending_payment" and order["worker"]["id"] == world.worker("wang").id
        assert order["start"] == f"{visit['date']}T10:00:00+08:00"  # the plan's wall time, business zone
    assert [o["status"] for o in upcoming[2:]] == ["scheduled", "scheduled"]
    assert world.api.get("/v1/orders", token=world.customer("amy").token).body["items"].__len__() == 2


def test_a_rerun_and_a_concurrent_run_book_each_visit_once(world: World) -> None:
    make_dynamodb_atomic()  # moto's DynamoDB, as atomic as DynamoDB is
    plans = [new_plan(world, customer=c, worker=w) for c, w in (("amy", "wang"), ("ben", "li"))]
    results: list[dict] = []
    start = threading.Barrier(2)

    def run() -> None:
        start.wait()
        results.append(run_due(now=clock.now()))

    runs = [threading.Thread(target=run) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    assert sum(r["booked"] for r in results) == 4, (
        results
    )  # two visits of each plan, whichever run booked them
    assert run_job("plan-occurrences") == {
        "plans": 0,  # neither is due again until its next visit enters the horizon
        "booked": 0,
        "substitutes": 0,
        "unfilled": 0,
        "holidays": 0,
        "already": 0,
    }
    for plan, customer in zip(plans, ("amy", "ben"), strict=True):
        orders = world.api.get("/v1/orders", token=world.customer(customer).token).body["items"]
        assert len(orders) == 2
        assert {o["id"] for o in orders} == {
            o["order_id"] for o in plan_of(world, plan["id"], customer)["upcoming"] if o["order_id"]
        }


def test_when_the_plans_worker_is_taken_the_best_match_is_booked_and_the_customer_told(
    world: World, events
) -> None:
    world.worker("li")  # another verified worker nearby
    plan = new_plan(world)
    taken = world.book("ben", f"{in_days(2)}T10:00:00+08:00", worker="wang")
    assert taken.status == 201, taken.body
    assert run_job("plan-occurrences")["substitutes"] == 1
    first, second = plan_of(world, plan["id"])["upcoming"][:2]
    assert first["substitute"] is True and first["worker_id"] == world.worker("li").id
    assert order_of(world, first["order_id"])["worker"]["id"] == world.worker("li").id
    assert second["substitute"] is False and second["worker_id"] == world.worker("wang").id
    events.deliver()
    inbox = world.api.get("/v1/me/notifications", token=world.customer("amy").token).body["items"]
    told = [n for n in inbox if n["kind"] == "plan_substitute"]
    assert len(told) == 1 and told[0]["data"]["order_id"] == first["order_id"]


def test_skipping_a_booked_visit_cancels_its_order_with_a_full_refund(world: World) -> None:
    plan = new_plan(world)
    run_job("plan-occurrences")
    first = plan_of(world, plan["id"])["upcoming"][0]
    order = order_of(world, first["order_id"])
    assert mark_paid(
        order["id"], paid_fen=order["price"]["total_fen"], transaction_id="wx-" + order["id"], now=clock.now()
    )
    reply = world.api.post(
        f"/v1/plans/{plan['id']}/skip", {"date": first["date"]}, token=world.customer("amy").token
    )
    assert reply.status == 200, reply.body
    assert reply.body["upcoming"][0]["status"] == "skipped"
    cancelled = order_of(world, order["id"])
    assert cancelled["status"] == "cancelled" and cancelled["refund_fen"] == order["price"]["total_fen"] > 0
    assert world.book("ben", order["start"], worker="wang").status == 201  # the worker's time is free again


def test_a_visit_skipped_ahead_is_never_booked_and_a_wrong_date_is_refused(world: World) -> None:
    plan = new_plan(world)
    token = world.customer("amy").token
    assert world.api.post(f"/v1/plans/{plan['id']}/skip", {"date": in_days(9)}, token=token).status == 200
    wrong = world.api.post(f"/v1/plans/{plan['id']}/skip", {"date": in_days(3)}, token=token)
    assert wrong.status == 422 and wrong.body["error"]["code"] == "NOT_AN_OCCURRENCE"
    result = run_job("plan-occurrences")
    assert (result["booked"], result["already"]) == (1, 1)
    statuses = [o["status"] for o in plan_of(world, plan["id"])["upcoming"][:2]]
    assert statuses == ["booked", "skipped"]


def test_no_visit_is_booked_on_a_holiday_the_house_does_not_work(world: World, monkeypatch) -> None:
    holiday = [[in_days(1), in_days(3), 0.4, "春节"]]
    monkeypatch.setenv("ANALYTICS_HOLIDAYS", json.dumps(holiday, ensure_ascii=False))
    get_settings.cache_clear()
    plan = new_plan(world)
    assert plan["upcoming"][0]["status"] == "holiday"
    result = run_job("plan-occurrences")
    assert (result["holidays"], result["booked"]) == (1, 1)
    first, second = plan_of(world, plan["id"])["upcoming"][:2]
    assert (first["status"], first.get("order_id"), second["status"]) == ("holiday", None, "booked")


def test_a_paused_plan_books_nothing_until_resumed_and_cancelling_cancels_its_booked_visits(
    world: World,
) -> None:
    plan = new_plan(world)
    token = world.customer("amy").token
    assert world.api.post(f"/v1/plans/{plan['id']}/pause", token=token).body["status"] == "paused"
    assert run_job("plan-occurrences")["booked"] == 0
    assert world.api.post(f"/v1/plans/{plan['id']}/resume", token=token).body["status"] == "active"
    assert run_job("plan-occurrences")["booked"] == 2
    booked = [o["order_id"] for o in plan_of(world, plan["id"])["upcoming"] if o["order_id"]]
    reply = world.api.post(f"/v1/plans/{plan['id']}/cancel", token=token)
    assert reply.status == 200 and reply.body["status"] == "cancelled"
    assert [order_of(world, o)["status"] for o in booked] == ["cancelled", "cancelled"]
    assert run_job("plan-occurrences")["booked"] == 0
    assert world.api.post(f"/v1/plans/{plan['id']}/resume", token=token).status == 409


def test_plans_are_their_customers_own_and_bad_plans_are_refused(world: World) -> None:
    plan = new_plan(world)
    ben = world.customer("ben").token
    assert world.api.get(f"/v1/plans/{plan['id']}", token=ben).status == 404
    assert world.api.post(f"/v1/plans/{plan['id']}/pause", token=ben).status == 404
    assert world.api.get("/v1/plans", token=ben).body["items"] == []
    mine = world.api.get("/v1/plans", token=world.customer("amy").token).body["items"]
    assert [p["id"] for p in mine] == [plan["id"]]
    base = {
        "service_id": world.service_id,
        "address_id": world.addresses["amy"],
        "weekday": "mon",
        "time": "10:00",
        "units": 2,
        "every_weeks": 1,
    }
    amy = world.customer("amy").token
    assert world.api.post("/v1/plans", {**base, "count": 3, "until": in_days(30)}, token=amy).status == 422
    assert world.api.post("/v1/plans", {**base, "every_weeks": 3}, token=amy).status == 422
    assert world.api.post("/v1/plans", {**base, "time": "10:15"}, token=amy).status == 422
    assert world.api.post("/v1/plans", {**base, "service_id": "nope"}, token=amy).status == 404


def test_visits_across_a_daylight_saving_change_keep_their_wall_time(api: Api, monkeypatch) -> None:
    """With a business zone that has summer time (the zone is a setting): Europe/London moves its clocks on
    Sunday 2027-03-28; a Saturday 10:00 plan's visits before and after both start at 10:00 local."""
    monkeypatch.setenv("BUSINESS_TZ", "Europe/London")
    monkeypatch.setenv("PLAN_HORIZON_DAYS", str(HORIZON_DAYS))
    get_settings.cache_clear()
    try:
        with long_lived_tokens(monkeypatch):
            clock.set(datetime(2027, 3, 24, 8, 0, tzinfo=ZoneInfo("Europe/London")))
            world = make_world(api, operator(api))
            plan = new_plan(world, weekday="sat")
            assert [o["date"] for o in plan["upcoming"][:2]] == ["2027-03-27", "2027-04-03"]
            assert run_job("plan-occurrences")["booked"] == 2
            visits = plan_of(world, plan["id"])["upcoming"][:2]
            starts = [order_of(world, o["order_id"])["start"] for o in visits]
    finally:
        monkeypatch.delenv("BUSINESS_TZ")
        get_settings.cache_clear()
    assert starts == ["2027-03-27T10:00:00+00:00", "2027-04-03T10:00:00+01:00"]


def test_a_visit_booked_by_a_run_that_read_the_plan_before_it_was_cancelled_is_cancelled_again(
    world: World,
) -> None:
    from collections import Counter

    from functions.plans import occurrences
    from functions.plans import store as plan_store

    plan = new_plan(world)
    stale = plan_store.get(plan["id"])  # what a run read just before the customer cancelled
    token = world.customer("amy").token
    assert world.api.post(f"/v1/plans/{plan['id']}/cancel", token=token).status == 200
    done: Counter[str] = Counter()
    day = datetime.fromisoformat(f"{in_days(2)}T00:00:00").date()
    occurrences.book_visit(stale, day, now=clock.now(), closed=frozenset(), done=done)
    assert done["booked"] == 0
    visit = plan_store.get_occurrence(plan["id"], in_days(2))
    assert visit.status == "cancelled"
    orders = world.api.get("/v1/orders", token=token).body["items"]
    assert [o["status"] for o in orders] == [
        "cancelled"
    ]  # booked, then cancelled: the plan no longer wants it


def test_a_visit_can_be_paid_until_a_day_before_it_while_an_ordinary_order_waits_the_usual_minutes(
    wechat, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLAN_HORIZON_DAYS", str(HORIZON_DAYS))
    with order_workflow(wechat, monkeypatch) as flow:
        flow.settings(payment_timeout_seconds=2)
        plan = new_plan(flow.world)
        assert run_job("plan-occurrences")["booked"] == 2
        visit = plan_of(flow.world, plan["id"])["upcoming"][0]
        ordinary = flow.world.book("amy", slot(5), worker="li").body

        cancelled = wait_for(
            lambda: order_of(flow.world, ordinary["id"])["status"] == "cancelled",
            "the ordinary order to lapse",
        )
        assert cancelled
        order = order_of(flow.world, visit["order_id"])
        assert order["status"] == "pending_payment"
        start = datetime.fromisoformat(order["start"])
        hours = get_settings().plan_pay_before_start_hours
        assert datetime.fromisoformat(order["pay_deadline"]) == start - timedelta(hours=hours)
        described = boto3.client("stepfunctions").describe_execution(
            executionArn=flow.execution_arn(order["id"])
        )
        waited = json.loads(described["input"])["settings"]["payment_timeout_seconds"]
        assert abs(waited - (start - timedelta(hours=hours) - clock.now()).total_seconds()) < 120
