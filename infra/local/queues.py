"""The SQS poller: what Lambda's event source mapping does when deployed, done by a thread per consumer.

Each of the app's ``on_sqs_message`` handlers gets its queue's messages in the event shape Lambda gives it.
A batch that returns normally is deleted; a batch whose handler raises stays on the queue and comes back after
the visibility timeout (and goes to the dead-letter queue after a few receives). A handler may report partial
failures as Lambda's ``ReportBatchItemFailures`` does: ``{"batchItemFailures": [{"itemIdentifier": id}]}`` keeps
only those messages.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
from chalice import Chalice
from chalice.app import SQSEventConfig
from chalice.local import LambdaContext
from common.log import logger

from infra.local.doorbell import bell

# How long a poller rests after finding its queue empty unless moto rings first (``doorbell``): the longest a
# message whose visibility timeout ran out, or a delayed one, waits to be noticed.
IDLE_WAIT_S = 1.0


@dataclass(frozen=True)
class Consumer:
    name: str  # the handler's name in the app
    queue_url: str
    queue_arn: str
    batch_size: int
    handler: Callable[[Any, Any], Any]


def consumers(app: Chalice, physical_name: Callable[[str], str]) -> list[Consumer]:
    """The app's SQS consumers with their queues. ``physical_name`` maps a queue named in a decorator (the
    logical name from ``infra.topology`` or the physical name) to the queue's name in this stage."""
    sqs = boto3.client("sqs")
    found = []
    for source in app.event_sources:
        if not isinstance(source, SQSEventConfig):
            continue
        declared = source.queue or (source.queue_arn or "").rsplit(":", 1)[-1]
        name = physical_name(declared)
        try:
            url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        except sqs.exceptions.QueueDoesNotExist:
            # Not routed in infra/topology.py: no event reaches it, but direct sends still work.
            logger.warning("queue not declared in infra/topology.py", extra={"queue": name})
            url = sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        found.append(
            Consumer(source.name, url, arn, min(source.batch_size, 10), app.handler_map[source.name])
        )
    return found


def lambda_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """SQS messages in the shape Lambda hands them to a function."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": m.get("MessageAttributes", {}),
                "md5OfBody": m.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for m in messages
        ]
    }


def deliver_once(consumer: Consumer, sqs: Any) -> int:
    """Receive one batch and hand it to the consumer; returns how many messages were received."""
    received = sqs.receive_message(
        QueueUrl=consumer.queue_url,
        MaxNumberOfMessages=consumer.batch_size,
        AttributeNames=["All"],
        MessageAttributeNames=["All"],
    ).get("Messages", [])
    if not received:
        return 0
    event = lambda_event(received, consumer.queue_arn, sqs.meta.region_name)
    try:
        result = consumer.handler(event, LambdaContext(consumer.name, memory_size=256))
    except Exception:
        # Left on the queue: it comes back after the visibility timeout, as on AWS.
        logger.exception(
            "queue consumer failed; the batch will be retried", extra={"consumer": consumer.name}
        )
        return len(received)
    failed = (
        {f.get("itemIdentifier") for f in (result or {}).get("batchItemFailures", [])}
        if isinstance(result, dict)
        else set()
    )
    done = [m for m in received if m["MessageId"] not in failed]
    if done:
        sqs.delete_message_batch(
            QueueUrl=consumer.queue_url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
        )
    return len(received)


class QueuePoller:
    """One daemon thread per consumer, until ``stop()``."""

    def __init__(self, consumers: list[Consumer]) -> None:
        self.consumers = consumers
        self._stop = threading.Event()
        # a consumer's thread and a drain (``LocalStack.settle``) take turns: a drain waits for a batch in hand
        self._locks = {c.name: threading.Lock() for c in consumers}
        self._threads = [
            threading.Thread(target=self._run, args=(c,), name=f"sqs-{c.name}", daemon=True)
            for c in consumers
        ]

    def start(self) -> QueuePoller:
        for thread in self._threads:
            thread.start()
        return self

    def _run(self, consumer: Consumer) -> None:
        sqs = boto3.client("sqs")
        while not self._stop.is_set():
            noted = bell.rings
            try:
                with self._locks[consumer.name]:
                    received = deliver_once(consumer, sqs)
            except Exception:  # moto going away at shutdown, or a bug here: keep the thread alive
                if self._stop.is_set():
                    return
                logger.exception("polling failed", extra={"consumer": consumer.name})
                received = 0
            if not received:
                bell.wait(noted, IDLE_WAIT_S)

    def drain(self) -> int:
        """Deliver every message waiting now, on the caller's thread; how many were delivered."""
        sqs = boto3.client("sqs")
        delivered = 0
        for consumer in self.consumers:
            with self._locks[consumer.name]:
                while received := deliver_once(consumer, sqs):
                    delivered += received
        return delivered

    def stop(self) -> None:
        self._stop.set()
        bell.ring()
        for thread in self._threads:
            thread.join(timeout=5)
