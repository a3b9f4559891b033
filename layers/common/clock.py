"""The business clock: the instant the business rules see, read once at the edge and passed down as ``now``.

Deployed, it is the wall clock. The local stack may shift it (``POST /v1/dev/clock``) so people and tests can
move through minimum notice, start windows, cancellation fees and daily jobs without waiting.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from common.settings import get_settings


def business_tz() -> ZoneInfo:
    return ZoneInfo(get_settings().business_tz)


class BusinessClock:
    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The current business instant, timezone-aware in the business time zone."""
        return (datetime.now(UTC) + self._offset).astimezone(business_tz())

    def set(self, instant: datetime) -> datetime:
        with self._lock:
            self._offset = instant - datetime.now(UTC)
        return self.now()

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._offset += delta
        return self.now()

    def reset(self) -> None:
        with self._lock:
            self._offset = timedelta(0)


clock = BusinessClock()


def iso(instant: datetime) -> str:
    """ISO 8601 with offset, in the business time zone, to the second (API.md conventions)."""
    return instant.astimezone(business_tz()).isoformat(timespec="seconds")
