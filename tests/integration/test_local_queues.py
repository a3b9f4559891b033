"""Domain events reach the app's queue consumers in the local stack: outbox → stream relay → EventBridge rule →
SQS → poller → handler.
A consumer that fails leaves its messages for a retry; one that reports partial failures keeps only those."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from chalice import Chalice
from common import events, relay
from common.clock import clock
from common.db import transact
from common.settings import get_settings
from moto import mock_aws

import infra.topology
from infra.local import aws, outbox
from infra.local.queues import Consumer, consumers, deliver_once
from infra.topology import EventQueue, queue_name

received: list[tuple[str, dict[str, Any]]] = []
consumer_app = Chalice(app_name="queue-test")


@consumer_app.on_sqs_message(queue="test-orders", batch_size=5)
def on_order_event(event: Any) -> None:
    for record in event:
        event = events.unwrap_sqs_record(record.body)
        received.append((event.type, event.detail))


@pytest.fixture
def local_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    received.clear()
    monkeypatch.setattr(infra.topology, "EVENT_QUEUES", (EventQueue("test-orders", ("OrderPaid",)),))
    with mock_aws():
        relay._events_client.cache_clear()  # a client from another test may point elsewhere
        aws.create_resources(get_settings(), "http://moto.invalid")
        yield
        relay._events_client.cache_clear()


def _waiting(queue_url: str) -> int:
    attrs = boto3.client("sqs").get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])


def test_an_event_written_to_the_outbox_reaches_the_consumer_of_its_queue_and_is_deleted(
    local_aws: None,
) -> None:
    stage = get_settings().stage
    [consumer] = consumers(consumer_app, lambda declared: queue_name(declared, stage))

    now = clock.now()
    paid = {"order_id": "o-1", "status": "pending_acceptance", "note": "已支付"}
    transact(lambda tx: events.add(tx, "OrderPaid", paid, event_id="e-paid", now=now))
    transact(lambda tx: events.add(tx, "OrderCreated", {"order_id": "o-1"}, event_id="e-created", now=now))
    outbox.StreamRelay().poll()  # not routed to this queue: OrderCreated
    deliver_once(consumer, boto3.client("sqs"))

    assert received == [("OrderPaid", {"order_id": "o-1", "status": "pending_acceptance", "note": "已支付"})]
    assert _waiting(consumer.queue_url) == 0


def _consumer(handler: Any) -> Consumer:
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName="retry-test", Attributes={"VisibilityTimeout": "0"})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return Consumer("retry-test", url, arn, 10, handler)


def test_a_failing_consumer_leaves_the_messages_for_a_retry(local_aws: None) -> None:
    def broken(event: dict[str, Any], context: Any) -> None:
        raise RuntimeError("the database is down")

    consumer = _consumer(broken)
    boto3.client("sqs").send_message(QueueUrl=consumer.queue_url, MessageBody=json.dumps({"n": 1}))

    deliver_once(consumer, boto3.client("sqs"))

    assert _waiting(consumer.queue_url) == 1


def test_a_consumer_reporting_partial_failures_keeps_only_the_failed_messages(local_aws: None) -> None:
    def half(event: dict[str, Any], context: Any) -> dict[str, Any]:
        bad = [r["messageId"] for r in event["Records"] if json.loads(r["body"])["n"] % 2]
        return {"batchItemFailures": [{"itemIdentifier": m} for m in bad]}

    consumer = _consumer(half)
    sqs = boto3.client("sqs")
    for n in range(4):
        sqs.send_message(QueueUrl=consumer.queue_url, MessageBody=json.dumps({"n": n}))

    deliver_once(consumer, sqs)

    left = sqs.receive_message(QueueUrl=consumer.queue_url, MaxNumberOfMessages=10)["Messages"]
    assert sorted(json.loads(m["Body"])["n"] for m in left) == [1, 3]


def test_resting_pollers_wake_when_moto_rings_and_an_event_reaches_its_consumer(
    local_aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stack's threads rest between empty polls until moto rings (``infra.local.doorbell``): with a rest far
    longer than the wait below, only the ring for the new stream record and then for the queue message can bring
    the event through."""
    from infra.local import doorbell, queues

    doorbell.install()
    monkeypatch.setattr(queues, "IDLE_WAIT_S", 600.0)
    monkeypatch.setattr(outbox, "IDLE_WAIT_S", 600.0)
    stage = get_settings().stage
    poller = queues.QueuePoller(consumers(consumer_app, lambda declared: queue_name(declared, stage))).start()
    relay_thread = outbox.RelayThread(outbox.StreamRelay()).start()
    try:
        time.sleep(0.2)  # both have polled once, found nothing and rest
        paid = {"order_id": "o-2", "status": "pending_acceptance", "note": "已支付"}
        transact(lambda tx: events.add(tx, "OrderPaid", paid, event_id="e-paid-2", now=clock.now()))
        deadline = time.monotonic() + 30
        while not received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert received == [("OrderPaid", paid)]
    finally:
        began = time.monotonic()
        poller.stop()
        relay_thread.stop()
    assert time.monotonic() - began < 5  # a stop rings too: nobody sleeps out a 600 s rest
