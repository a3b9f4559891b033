"""Analytics test support: domain events in the contract's shape, counted through the consumer's handle."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count as counter
from typing import Any

from common.clock import business_tz, iso
from common.consumers import handle_once_atomic
from common.events import DomainEvent

from functions.analytics import count
from functions.analytics.tasks import CONSUMER

_ids = counter(1)


def record(event_type: str, detail: dict[str, Any], event_id: str | None = None) -> bool:
    """Count one event as the consumer does (the shared guard, its counters in the SEEN item's transaction);
    False when that event id was counted before."""
    event = DomainEvent(event_id or f"evt-{next(_ids):06d}", event_type, detail)
    return handle_once_atomic(CONSUMER, event, count)


def order_detail(order_id: str, at: datetime, **extra: Any) -> dict[str, Any]:
    start = at + timedelta(hours=3)
    return {
        "order_id": order_id,
        "status": "pending_payment",
        "customer_id": "cust-1",
        "worker_id": "wkr-1",
        "service_id": "svc_daily_cleaning",
        "service_name": "日常保洁",
        "category_id": "cat_cleaning",
        "start": iso(start),
        "end": iso(start + timedelta(hours=2)),
        "total_fen": 9000,
        "actor": "customer",
        "note": "",
        "at": iso(at),
        "region": "上海市 徐汇区",
        "channel": "direct",
        "ref_code": None,
        "units": 2,
        "duration_minutes": 120,
        **extra,
    }


def at_day(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(tzinfo=business_tz())
