"""Domain events on the event bus (EventBridge → SQS → consumers).

``publish`` puts one event; consumers receive the EventBridge envelope through SQS and read ``detail``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import boto3

from common.settings import get_settings
from common.snapshot import on_restore

SOURCE = "jiazheng"

# The order events booking publishes (detail shape: functions/booking/order_events.py), in one place for the
# publisher, the consumers and the routing.
ORDER_EVENTS = (
    "OrderCreated",
    "OrderPaid",
    "OrderAccepted",
    "OrderStarted",
    "OrderCompleted",
    "OrderCancelled",
    "OrderDeclined",
    "OrderReassigned",
    "OrderNoShow",
    "ComplaintFiled",
    "ComplaintResolved",
)


@lru_cache(maxsize=1)
def _client() -> Any:
    return boto3.client("events")


on_restore(_client.cache_clear)  # SnapStart: no connection from the snapshot


def publish(detail_type: str, detail: dict[str, Any]) -> None:
    """Publish one domain event (``OrderCreated``, ``OrderPaid`` …) with a JSON-able ``detail``."""
    entry = {
        "Source": SOURCE,
        "DetailType": detail_type,
        "Detail": json.dumps(detail, ensure_ascii=False),
        "EventBusName": get_settings().event_bus_name,
    }
    response = _client().put_events(Entries=[entry])
    if response.get("FailedEntryCount"):
        raise RuntimeError(f"could not publish {detail_type}: {response['Entries']}")


def queue_name(name: str, stage: str) -> str:
    """The physical name of an event queue in a stage (the consumers' ``on_sqs_message`` name it at import)."""
    return f"jiazheng-{stage}-{name}"


def unwrap_sqs_record(body: str) -> tuple[str, dict[str, Any]]:
    """An SQS message body carrying an EventBridge event → (detail type, detail)."""
    envelope = json.loads(body)
    return envelope["detail-type"], envelope["detail"]
