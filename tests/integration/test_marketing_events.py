"""Marketing on the real event path in moto: a first login's UserRegistered and booking's order events travel
outbox → stream → relay → bus → SQS → marketing's consumer, each handled once; marketing's own events go out too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from common.settings import get_settings

from tests.integration.booking_helpers import World, long_lived_tokens, make_world, operator, slot
from tests.integration.conftest import Api
from tests.integration.marketing_helpers import claim, react, template


@pytest.fixture
def world(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with long_lived_tokens(monkeypatch):
        w = make_world(api, operator(api))
        w.worker("wang")
        yield w


@pytest.fixture
def announced(events: Any) -> Any:
    """What marketing announced on the bus: a queue of our own with a rule for marketing's detail types."""
    from common.events import MARKETING_EVENTS, SOURCE

    sqs, bus = boto3.client("sqs"), get_settings().event_bus_name
    url = sqs.create_queue(QueueName="marketing-tap")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    pattern = {"source": [SOURCE], "detail-type": list(MARKETING_EVENTS)}
    boto3.client("events").put_rule(Name="marketing-tap", EventBusName=bus, EventPattern=json.dumps(pattern))
    boto3.client("events").put_targets(
        Rule="marketing-tap", EventBusName=bus, Targets=[{"Id": "t", "Arn": arn}]
    )
    seen: list[str] = []

    def types() -> list[str]:
        while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
            for message in batch:
                seen.append(json.loads(message["Body"])["detail-type"])
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return seen

    return types


def test_a_first_login_makes_a_member_with_the_new_user_coupon_through_the_events(
    world: World, events: Any, announced: Any
) -> None:
    template(world, name="新人券", kind="new_user", threshold_fen=0, discount_fen=1000)
    events.deliver()
    token = world.customer("li").token

    handed = events.deliver()

    assert handed.get("marketing_consumer", 0) >= 1
    coupons = world.api.get("/v1/me/coupons", token=token).body["items"]
    assert [c["kind"] for c in coupons] == ["new_user"]
    assert world.api.get("/v1/me/membership", token=token).body["tier"] == "regular"
    events.deliver()  # nothing is handled twice
    assert len(world.api.get("/v1/me/coupons", token=token).body["items"]) == 1
    assert announced().count("CouponIssued") == 1


def test_a_cancelled_unpaid_order_gives_its_coupon_back_through_the_events(
    world: World, events: Any, announced: Any
) -> None:
    token = world.customer("li").token
    events.deliver()
    coupon = claim(world, "li", template(world)["id"]).body
    order = world.book("li", slot(4), worker="wang", coupon_id=coupon["id"]).body

    cancelled = world.api.post(f"/v1/orders/{order['id']}/cancel", {"reason": "改天"}, token=token)
    assert cancelled.status == 200, cancelled.body
    events.deliver()

    mine = world.api.get("/v1/me/coupons", token=token).body["items"]
    assert [(c["status"], c.get("order_id")) for c in mine] == [("available", None)]
    assert announced().count("CouponReleased") == 1


def test_a_replayed_event_changes_nothing(world: World) -> None:
    person = world.customer("li")
    detail = {
        "user_id": person.id,
        "role": "customer",
        "referral_code": None,
        "at": "2026-12-01T10:00:00+08:00",
    }
    assert react("UserRegistered", event_id="ev-1", **detail) is True
    assert react("UserRegistered", event_id="ev-1", **detail) is False
