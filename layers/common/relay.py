"""The outbox relay: new outbox items on the table's stream → events on the bus (DESIGN.md "Domain events").

Deployed, a Lambda on the table's stream (filtered to outbox inserts) runs ``relay_records``; in the local stack
a poller in the stack's process reads the stream and does the same. Delivery is at least once: a batch whose
put fails is reported from its first unsent record (Lambda's ``ReportBatchItemFailures`` for streams), so that
record and everything after it come again; consumers tell repeats by the event id.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from common import aws
from common.events import OUTBOX_PREFIX, SOURCE, DomainEvent
from common.lazy import Functions
from common.log import logger
from common.settings import get_settings
from common.snapshot import on_restore

PUT_EVENTS_MAX = 10  # entries per PutEvents call

bp = Functions(__name__)


def event_of(record: dict[str, Any]) -> DomainEvent | None:
    """The event in a stream record, or None for anything but a new outbox item."""
    if record.get("eventName") != "INSERT":
        return None
    image = record.get("dynamodb", {}).get("NewImage") or {}
    if not image.get("PK", {}).get("S", "").startswith(OUTBOX_PREFIX):
        return None
    return DomainEvent(image["event_id"]["S"], image["detail_type"]["S"], json.loads(image["detail"]["S"]))


@lru_cache(maxsize=1)
def _events_client() -> Any:
    return aws.client("events")


on_restore(_events_client.cache_clear)  # SnapStart: no connection from the snapshot


def put_on_bus(events: Sequence[DomainEvent]) -> list[bool]:
    """Put events on the bus; which of them were accepted."""
    bus = get_settings().event_bus_name
    entries = [
        {"Source": SOURCE, "DetailType": e.type, "Detail": e.bus_detail(), "EventBusName": bus}
        for e in events
    ]
    response = _events_client().put_events(Entries=entries)
    return [not result.get("ErrorCode") for result in response.get("Entries", [{}] * len(entries))]


def relay_records(
    records: Sequence[dict[str, Any]], *, put: Callable[[Sequence[DomainEvent]], list[bool]] = put_on_bus
) -> dict[str, list[dict[str, str]]]:
    """Relay the outbox items among ``records`` (in stream order). On the first failure, the sequence number
    from which the stream must be read again."""
    pending: list[tuple[str, DomainEvent]] = []
    for record in records:
        event = event_of(record)
        if event is not None:
            pending.append((record["dynamodb"]["SequenceNumber"], event))
    for start in range(0, len(pending), PUT_EVENTS_MAX):
        chunk = pending[start : start + PUT_EVENTS_MAX]
        try:
            accepted = put([event for _, event in chunk])
        except Exception:
            logger.exception("the bus refused a batch of events", extra={"events": len(chunk)})
            accepted = [False] * len(chunk)
        for (sequence, event), ok in zip(chunk, accepted, strict=True):
            if not ok:
                logger.warning("event not relayed yet", extra={"event_id": event.id, "event": event.type})
                return {"batchItemFailures": [{"itemIdentifier": sequence}]}
    return {"batchItemFailures": []}


@bp.lambda_function(name="outbox_relay")
def outbox_relay(event: dict[str, Any], context: Any) -> dict[str, list[dict[str, str]]]:
    """The table's stream (outbox inserts) → the event bus."""
    return relay_records(event.get("Records", []))
