"""Booking's domain events (INTERFACES.md): one detail shape for every order event, plus event-specific fields.

Published on the event bus after the move they announce has been written; consumers receive them through SQS
(infra/topology.py). A publish that fails after the move is logged, not raised: the move stands and the
client must not see an error for something that happened.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from common import events
from common.clock import iso
from common.events import ORDER_EVENTS
from common.log import logger

from functions.booking.store import OrderItem


def order_detail(item: OrderItem, *, actor: str, note: str, now: datetime, **extra: Any) -> dict[str, Any]:
    """The agreed detail of an order event."""
    return {
        "order_id": item.id,
        "status": item.status,
        "customer_id": item.customer_id,
        "worker_id": item.worker_id,
        "service_id": item.service["id"],
        "service_name": item.service["name"],
        "category_id": item.service["category_id"],
        "start": item.start,
        "end": item.end,
        "total_fen": int(item.price["total_fen"]),
        "actor": actor,
        "note": note,
        "at": iso(now),
        **extra,
    }


def publish_order(
    detail_type: str, item: OrderItem, *, actor: str, note: str, now: datetime, **extra: Any
) -> None:
    """Announce a move of ``item`` (already written)."""
    assert detail_type in ORDER_EVENTS, detail_type
    detail = order_detail(item, actor=actor, note=note, now=now, **extra)
    try:
        events.publish(detail_type, detail)
    except Exception:
        logger.exception(
            "could not publish an order event", extra={"order_id": item.id, "event": detail_type}
        )
