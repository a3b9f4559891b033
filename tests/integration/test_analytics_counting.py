"""The counters match a recount of the orders: orders made and moved through the real API on moto, their events
delivered outbox → stream → bus → SQS → the analytics consumer; a replayed event never counts twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest
from common.clock import business_tz, clock
from common.settings import get_settings

from functions.booking import mark_paid
from infra.topology import queue_name
from tests.integration.booking_helpers import World, long_lived_tokens, make_world, operator, slot
from tests.integration.conftest import Api
from tests.integration.event_helpers import EventFlow


@pytest.fixture
def world(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with long_lived_tokens(monkeypatch):
        yield make_world(api, operator(api))


def pay(order: dict[str, Any]) -> None:
    assert mark_paid(
        order["id"], paid_fen=order["price"]["total_fen"], transaction_id=f"wx-{order['id']}", now=clock.now()
    )


def move(world: World, order: dict[str, Any], action: str, worker: str) -> None:
    reply = world.api.post(f"/v1/worker/orders/{order['id']}/{action}", token=world.worker(worker).token)
    assert reply.status == 200, reply.body


def a_day_of_orders(world: World) -> list[dict[str, Any]]:
    """Six orders of two customers and two workers, ending in every state."""
    orders = []
    for n, (customer, worker, channel) in enumerate(
        [
            ("amy", "wang", None),
            ("amy", "li", "share"),
            ("ben", "wang", "share"),
            ("ben", "li", None),
            ("amy", "wang", "referral"),
            ("ben", "li", None),
        ]
    ):
        extra = {"channel": channel} if channel else {}
        reply = world.book(customer, slot(3 + 3 * n), worker=worker, **extra)
        assert reply.status == 201, reply.body
        orders.append(reply.body)
    for order in orders[:5]:
        pay(order)
    for order, worker in zip(orders[:3], ("wang", "li", "wang"), strict=True):
        move(world, order, "accept", worker)
    world.api.post(
        f"/v1/orders/{orders[3]['id']}/cancel", {"reason": "有事"}, token=world.customer("ben").token
    )
    world.api.post(
        f"/v1/orders/{orders[5]['id']}/cancel", {"reason": "不要了"}, token=world.customer("ben").token
    )
    clock.advance(timedelta(hours=3))
    move(world, orders[0], "start", "wang")
    move(world, orders[0], "complete", "wang")
    return orders


def recount(world: World) -> list[dict[str, Any]]:
    """The orders as operators see them now (booking's own view, not the counters)."""
    found = []
    for name in ("amy", "ben"):
        path = f"/v1/admin/orders?customer_id={world.customer(name).id}&limit=100"
        found += world.api.get(path, token=world.operator).body["items"]
    return found


def next_morning() -> datetime:
    """The next 08:00 in the business time zone: the day's orders, moves and completion fall on one business day
    whatever the hour the suite runs (at 22:00 a completion 3 hours on is tomorrow's)."""
    now = clock.now().astimezone(business_tz())
    morning = now.replace(hour=8, minute=0, second=0, microsecond=0)
    return morning if morning > now else morning + timedelta(days=1)


def test_the_counters_match_a_recount_of_the_orders(world: World, events: EventFlow) -> None:
    today = clock.set(next_morning()).date().isoformat()
    a_day_of_orders(world)
    events.deliver()
    orders = recount(world)
    api, op = world.api, world.operator

    body = api.get(f"/v1/admin/stats/overview?from={today}&to={today}", token=op).body
    series = api.get(f"/v1/admin/stats/timeseries?metric=refunds_fen&from={today}&to={today}", token=op).body

    by_status = {s: sum(o["status"] == s for o in orders) for s in ("completed", "cancelled")}
    assert body["orders"]["created"] == len(orders) == 6
    assert body["orders"]["paid"] == sum(o["paid_fen"] > 0 for o in orders) == 5
    assert body["orders"]["completed"] == by_status["completed"] == 1
    assert body["orders"]["cancelled"] == by_status["cancelled"] == 2
    assert body["orders"]["amount_fen"] == sum(o["paid_fen"] for o in orders)
    assert series["points"][0]["value"] == sum(o["refund_fen"] for o in orders) > 0
    assert body["orders"]["by_category"][world.category_id]["created"] == 6
    channels = {ch: v["orders"] for ch, v in body["marketing"]["by_channel"].items()}
    assert channels == {"direct": 3, "share": 2, "referral": 1}
    assert body["users"]["new"] == 2 and body["workers"]["total"] == 2
    assert body["users"]["active"] == 2  # two customers, many events each
    assert body["users"]["by_region"] == {"上海市徐汇区": 2}
    assert body["workers"]["service_minutes"] == 120

    rows = api.get(f"/v1/admin/stats/workers?from={today}&to={today}", token=op).body["items"]
    wang = next(r for r in rows if r["worker"]["id"] == world.worker("wang").id)
    assert (wang["completed"], wang["on_time_rate"], wang["service_minutes"]) == (1, 1.0, 120)
    assert wang["worker"]["name"] == "wang" and wang["credit"] == 600

    amy = api.get(f"/v1/admin/customers/{world.customer('amy').id}", token=op).body
    amys = [o for o in orders if o["customer_id"] == world.customer("amy").id]
    assert amy["orders"] == len(amys) == 3
    assert amy["spend_fen"] == sum(o["paid_fen"] - o["refund_fen"] for o in amys)


def test_a_replayed_event_never_counts_twice(world: World, events: EventFlow) -> None:
    today = clock.set(next_morning()).date().isoformat()
    a_day_of_orders(world)
    events.relay_only()
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=queue_name("analytics", get_settings().stage))["QueueUrl"]
    copies, receipts = [], []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60).get(
        "Messages"
    ):
        copies += [m["Body"] for m in batch]
        receipts += [m["ReceiptHandle"] for m in batch]
    for receipt in receipts:  # put them back for the consumer
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=receipt, VisibilityTimeout=0)
    events.deliver()
    path = f"/v1/admin/stats/overview?from={today}&to={today}"
    before = world.api.get(path, token=world.operator).body

    for body in copies:  # every event delivered once more, as SQS or the relay may
        sqs.send_message(QueueUrl=url, MessageBody=body)
    handed = events.deliver(only={"analytics_consumer"})

    assert handed["analytics_consumer"] == len(copies) > 10
    assert before["orders"]["created"] == 6
    assert world.api.get(path, token=world.operator).body == before
