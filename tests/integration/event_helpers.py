"""Domain events end to end on moto, in-process: outbox → the table's stream → relay → bus → SQS → consumers.

``EventFlow`` creates the topology's rules and queues (as the local stack and the template do), then ``deliver``
runs the same stream relay the local stack runs and hands each queue's messages to the app's own consumers until
nothing moves. Tests that check a consumer's effect drive it through here, as it runs on AWS.
"""

from __future__ import annotations

from typing import Any

import boto3
from common.settings import get_settings

from infra.local import outbox, queues
from infra.local.aws import create_event_routes
from infra.topology import EVENT_QUEUES, queue_name


class EventFlow:
    def __init__(self, app: Any) -> None:
        settings = get_settings()
        bus = boto3.client("events").describe_event_bus(Name=settings.event_bus_name)
        create_event_routes(settings, bus["Arn"])
        logical = {q.name: queue_name(q.name, settings.stage) for q in EVENT_QUEUES}
        self.consumers = queues.consumers(app, lambda declared: logical.get(declared, declared))
        self.relay = outbox.StreamRelay(settings.table_name)
        self._sqs = boto3.client("sqs")

    def relay_only(self) -> int:
        """Put what the stream holds on the bus (the queues fill; no consumer runs); stream records read."""
        return self.relay.poll()

    def deliver(self, *, rounds: int = 20, only: set[str] | None = None) -> dict[str, int]:
        """Relay, then run the consumers (``only`` those named) until no queue has anything; how many messages
        each consumer was handed."""
        handed: dict[str, int] = {}
        for _ in range(rounds):
            moved = self.relay.poll()
            for consumer in self.consumers:
                if only is not None and consumer.name not in only:
                    continue
                while received := queues.deliver_once(consumer, self._sqs):
                    handed[consumer.name] = handed.get(consumer.name, 0) + received
                    moved += received
            if not moved:
                break
        return handed

    def messages_waiting(self, name: str) -> int:
        """Messages on a topology queue (visible or in flight)."""
        url = self._sqs.get_queue_url(QueueName=queue_name(name, get_settings().stage))["QueueUrl"]
        attrs = self._sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])
