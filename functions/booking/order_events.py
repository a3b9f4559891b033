"""Booking's domain events: one detail shape for every order event, plus event-specific fields.

Each event is written in the same transaction as the move it reports (``common.events.add``), so a move and its
event commit together; the stream relay puts it on the bus and consumers receive it through SQS
(infra/topology.py). Its id comes from the order and the version it moved from, so a retried move can never
announce itself twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from common import events
from common.clock import iso
from common.events import ENGAGEMENT_EVENTS, ORDER_EVENTS
from common.ids import derived_id
from pynamodb.transactions import TransactWrite

from functions.booking.store import OrderItem


def order_detail(item: OrderItem, *, actor: str, note: str, now: datetime, **extra: Any) -> dict[str, Any]:
    """The agreed detail of an order event (``extra`` overrides, e.g. the status the move goes to)."""
    address = item.address or {}
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
        "units": int(item.units),
        "duration_minutes": int(item.service.get("duration_minutes") or 0),
        "total_fen": int(item.price["total_fen"]),
        "region": address.get("region"),
        "channel": item.channel or "direct",
        "ref_code": item.ref_code,
        "actor": actor,
        "note": note,
        "at": iso(now),
        **extra,
    }


def add_order_event(
    tx: TransactWrite,
    detail_type: str,
    item: OrderItem,
    *,
    actor: str,
    note: str,
    now: datetime,
    cause: str | None = None,
    **extra: Any,
) -> None:
    """Write the event of a move of ``item`` (as read before the move) with the move, in ``tx``. ``cause``
    names what happened when it is not the move from the version read (a complaint, a settlement)."""
    assert detail_type in ORDER_EVENTS + ENGAGEMENT_EVENTS, detail_type
    detail = order_detail(item, actor=actor, note=note, now=now, **extra)
    key = f"order-event#{item.id}#{cause or f'v{int(item.version or 0)}'}#{detail_type}"
    # Timed by the order's creation, so the same cause gives the same id whenever it is written.
    event_id = derived_id(datetime.fromisoformat(item.created_at), key)
    events.add(tx, detail_type, detail, event_id=event_id, now=now)
