"""Consuming domain events: one guard that handles each event id once per consumer (DESIGN.md "Domain events").

Events arrive at least once (the relay and SQS may both repeat one), so every consumer goes through here:

- ``consume`` for side effects that are themselves safe to repeat (a notification inbox written once per event):
  a consumer that already handled the event skips it; otherwise it handles it, then records ``SEEN``.
- ``consume_atomic`` for table writes that must count once (counters, credit, points, statistics): the consumer
  adds its writes to a transaction that also puts ``SEEN``, so the event changes the table exactly once.

Both use Powertools' batch processing: a record whose handling raises is reported in ``batchItemFailures`` and
comes back (then goes to the queue's DLQ); the others in the batch are done.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, PutError
from pynamodb.transactions import TransactWrite

from common.clock import clock, iso
from common.db import Item, cancellation_reasons, transact
from common.events import DomainEvent, unwrap_sqs_record
from common.log import logger
from common.settings import get_settings

SEEN_SK = "SEEN"


class SeenItem(Item):
    """``SEEN#{consumer}#{event_id} / SEEN``: this consumer handled this event (kept past any redelivery)."""

    at = UnicodeAttribute()
    expires_at = NumberAttribute()


def seen_key(consumer: str, event_id: str) -> tuple[str, str]:
    return f"SEEN#{consumer}#{event_id}", SEEN_SK


def _seen(consumer: str, event_id: str, now: datetime) -> SeenItem:
    expires = now + timedelta(days=get_settings().seen_ttl_days)
    return SeenItem(*seen_key(consumer, event_id), at=iso(now), expires_at=int(expires.timestamp()))


def handled(consumer: str, event_id: str) -> bool:
    """Whether ``consumer`` has handled the event already."""
    try:
        SeenItem.get(*seen_key(consumer, event_id), consistent_read=True)
    except DoesNotExist:
        return False
    return True


def handle_once(consumer: str, event: DomainEvent, handle: Callable[[DomainEvent], None]) -> bool:
    """Run ``handle`` unless this consumer handled the event before, then remember it. False for a repeat."""
    if handled(consumer, event.id):
        return False
    handle(event)
    try:
        _seen(consumer, event.id, clock.now()).save(condition=SeenItem.PK.does_not_exist())
    except PutError as exc:  # handled concurrently by another delivery of the same event: fine
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
    return True


def handle_once_atomic(
    consumer: str, event: DomainEvent, handle: Callable[[DomainEvent, TransactWrite], None]
) -> bool:
    """Commit ``handle``'s writes and the event's ``SEEN`` item in one transaction. False for a repeat (then
    nothing is written)."""
    now = clock.now()

    def build(tx: TransactWrite) -> None:
        tx.save(_seen(consumer, event.id, now), condition=SeenItem.PK.does_not_exist())
        handle(event, tx)

    try:
        transact(build)
    except Exception as exc:
        reasons = cancellation_reasons(exc)
        if reasons and reasons[0] == "ConditionalCheckFailed":
            return False
        raise
    return True


def _batch(
    event: Any, consumer: str, record_handler: Callable[[SQSRecord], None], context: Any = None
) -> dict[str, Any]:
    raw = event.to_dict() if hasattr(event, "to_dict") else event
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(
        event=raw,
        record_handler=record_handler,
        processor=processor,
        context=context or getattr(event, "context", None),
    )


def _domain_event(record: SQSRecord, consumer: str) -> DomainEvent:
    event = unwrap_sqs_record(record.body)
    logger.append_keys(event_id=event.id, event=event.type, consumer=consumer)
    return event


def consume(event: Any, *, consumer: str, handle: Callable[[DomainEvent], None]) -> dict[str, Any]:
    """An SQS batch of bus events (Chalice's ``SQSEvent`` or Lambda's dict) → ``handle`` once per event id."""

    def record_handler(record: SQSRecord) -> None:
        domain_event = _domain_event(record, consumer)
        if not handle_once(consumer, domain_event, handle):
            logger.info("event already handled")

    return _batch(event, consumer, record_handler)


def consume_atomic(
    event: Any, *, consumer: str, handle: Callable[[DomainEvent, TransactWrite], None]
) -> dict[str, Any]:
    """Like ``consume``, with ``handle`` adding its writes to the transaction that records the event as seen."""

    def record_handler(record: SQSRecord) -> None:
        domain_event = _domain_event(record, consumer)
        if not handle_once_atomic(consumer, domain_event, handle):
            logger.info("event already handled")

    return _batch(event, consumer, record_handler)
