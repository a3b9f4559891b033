"""Analytics test support: domain events in the contract's shape, counted through the consumer's handle."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import count as counter
from typing import Any

from common.clock import business_tz, iso
from common.db import connection
from pynamodb.transactions import TransactWrite

from functions.analytics import count

_ids = counter(1)


@dataclass
class Event:
    type: str
    detail: dict[str, Any]
    id: str = field(default_factory=lambda: f"evt-{next(_ids):06d}")


def record(event_type: str, detail: dict[str, Any], event_id: str | None = None) -> Event:
    """Count one event as the consumer does: its counters in one transaction."""
    event = Event(event_type, detail, event_id or f"evt-{next(_ids):06d}")
    with TransactWrite(connection=connection()) as tx:
        count(event, tx)
    return event


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
