"""Pure decisions about reviews: may this order be reviewed now, review ids, late cancellations, averages, the
dirty index's shard. No I/O, no clock reads."""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta

from common.errors import InvalidTransition, NotFound, ReviewWindowClosed

SIDES = {"customer": "c", "worker": "w"}


def check_reviewable(status: str, completed_at: str | None, *, now: datetime, window: timedelta) -> None:
    """Only a completed order (409 INVALID_TRANSITION) within ``window`` of its completion (422
    REVIEW_WINDOW_CLOSED) may be reviewed."""
    if status != "completed" or completed_at is None:
        raise InvalidTransition(f"only a completed order can be reviewed (this one is {status})")
    if now > datetime.fromisoformat(completed_at) + window:
        days = window.days
        raise ReviewWindowClosed(f"reviews are taken within {days} days of completion")


def review_id(order_id: str, side: str) -> str:
    """One review per order and side, so its id is the order's and the side's."""
    return f"{order_id}-{SIDES[side]}"


def parse_review_id(value: str) -> tuple[str, str]:
    """(order id, side) of a review id; NotFound for anything that is not one."""
    order_id, _, letter = value.rpartition("-")
    sides = {v: k for k, v in SIDES.items()}
    if not order_id or letter not in sides:
        raise NotFound("no such review")
    return order_id, sides[letter]


def is_late(start: str, at: datetime, hours: int) -> bool:
    """A cancellation by the worker this close to the start (or after it) weighs more."""
    return datetime.fromisoformat(start) - at < timedelta(hours=hours)


def average(total: float | None, count: int) -> float | None:
    """A 1-5 average rounded to 2 decimals, or None before the first review."""
    return round((total or 0) / count, 2) if count > 0 else None


def dirty_shard(worker_id: str, shards: int) -> int:
    """Which partition of the dirty index a worker's mark goes to (stable across processes)."""
    return zlib.crc32(worker_id.encode()) % shards
