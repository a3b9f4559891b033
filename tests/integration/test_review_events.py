"""Reviews on the event mechanism, end to end on moto: order events reach the reviews consumer once and count into
the worker's credit; a completed order reminds the customer to review; a review tells the worker; every change
of a review or a score is announced."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.booking_helpers import World, long_lived_tokens, make_world, operator
from tests.integration.conftest import Api
from tests.integration.review_helpers import completed_order, recalculate, review


@pytest.fixture
def world(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with long_lived_tokens(monkeypatch):
        yield make_world(api, operator(api))


def kinds(world: World, path: str, token: str) -> list[str]:
    return [n["kind"] for n in world.api.get(path, token=token).body["items"]]


def test_a_completed_order_counts_once_into_credit_and_reminds_the_customer(
    world: World, events: Any
) -> None:
    order = completed_order(world, "amy", "wang")
    handed = events.deliver()
    assert handed.get("reviews_consumer", 0) >= 2  # accepted, completed
    assert "review_reminder" in kinds(world, "/v1/me/notifications", world.customer("amy").token)
    assert recalculate(world) == 1
    view = world.api.get("/v1/worker/credit", token=world.worker("wang").token).body
    completion = [r for r in view["reasons"] if r["kind"] == "completion"]
    assert completion and completion[0]["points"] > 0
    assert view["history"][0]["source"] == {"kind": "order", "id": order["id"]}
    assert events.deliver().get("reviews_consumer", 0) == 0  # nothing new: counted once
    assert recalculate(world) == 0


def test_a_review_tells_the_worker_and_the_review_and_credit_changes_are_announced(
    world: World, events: Any
) -> None:
    tap = review_event_tap()
    order = completed_order(world, "amy", "wang")
    events.deliver()
    assert review(world, "amy", order["id"], 5).status == 201
    recalculate(world)
    hidden = world.api.post(
        f"/v1/admin/reviews/{order['id']}-c/hide", {"reason": "测试"}, token=world.operator
    )
    assert hidden.status == 200
    events.deliver()
    assert "new_review" in kinds(world, "/v1/worker/notifications", world.worker("wang").token)
    announced = {(t, d.get("review_id") or d.get("worker_id")) for t, d in tap()}
    wang = world.worker("wang").id
    assert ("ReviewSubmitted", f"{order['id']}-c") in announced
    assert ("ReviewHidden", f"{order['id']}-c") in announced
    assert ("CreditChanged", wang) in announced


def review_event_tap() -> Any:
    """An SQS queue subscribed to the reviews' events on the bus; returns a function listing those received."""
    import json

    import boto3
    from common.events import REVIEW_EVENTS
    from common.settings import get_settings

    sqs, bus = boto3.client("sqs"), boto3.client("events")
    name = get_settings().event_bus_name
    url = sqs.create_queue(QueueName="reviews-tap")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    pattern = {"source": ["jiazheng"], "detail-type": list(REVIEW_EVENTS)}
    bus.put_rule(Name="reviews-tap", EventBusName=name, EventPattern=json.dumps(pattern))
    bus.put_targets(Rule="reviews-tap", EventBusName=name, Targets=[{"Id": "tap", "Arn": arn}])

    def received() -> list[tuple[str, dict[str, Any]]]:
        seen = []
        while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
            for message in batch:
                envelope = json.loads(message["Body"])
                seen.append((envelope["detail-type"], envelope["detail"]))
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return seen

    return received
