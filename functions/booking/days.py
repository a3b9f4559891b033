"""Pure decisions about engagements (services priced per day: 月嫂, 育儿嫂, 住家保姆, 护老): their days, their end,
the deposit (定金) and balance (尾款), when the balance is due, and how a replacement (换人) splits the days.
No I/O, no clock reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from common.errors import EngagementTooLong
from common.money import percent_of

DAY_UNIT = "day"
DAY_MINUTES = 24 * 60


def is_engagement(unit: str) -> bool:
    """A service priced per day books whole days."""
    return unit == DAY_UNIT


def engagement_days(start: datetime, units: int, tz: ZoneInfo, *, max_days: int) -> list[date]:
    """The ``units`` consecutive days from ``start``'s day (business time); ``EngagementTooLong`` beyond
    ``max_days``."""
    if units > max_days:
        raise EngagementTooLong(f"one engagement holds at most {max_days} days")
    first = start.astimezone(tz).date()
    return [first + timedelta(days=i) for i in range(units)]


def engagement_end(start: datetime, units: int, unit_minutes: int) -> datetime:
    """The end of the last day's service: the last day at the start's time plus one day's service (a live-in
    service of 24 h ends the morning after)."""
    return start + timedelta(days=units - 1, minutes=min(unit_minutes, DAY_MINUTES))


def split_deposit(total_fen: int, deposit_percent: int) -> tuple[int, int]:
    """(定金, 尾款): the deposit is ``deposit_percent`` of the total (rounded half up to a fen), the balance the
    rest, so the two always sum to the total."""
    deposit = percent_of(total_fen, deposit_percent)
    return deposit, total_fen - deposit


def balance_due(start: datetime, due_hours: int) -> datetime:
    """The balance is due ``due_hours`` before the first day's start."""
    return start - timedelta(hours=due_hours)


def day_start(day: date, start: datetime, tz: ZoneInfo) -> datetime:
    """When the service of ``day`` begins (the engagement's daily start time)."""
    local = start.astimezone(tz)
    return datetime.combine(day, local.timetz()).replace(tzinfo=tz)


def remaining_days(days: Sequence[date], start: datetime, now: datetime, tz: ZoneInfo) -> list[date]:
    """The days whose service has not begun at ``now`` (what a replacement hands over)."""
    return [d for d in days if day_start(d, start, tz) > now]


def days_of(engagement: Mapping[str, Any] | None) -> list[date] | None:
    """The engagement's days from the order's ``engagement`` record (None for an hourly order)."""
    if not engagement:
        return None
    first = date.fromisoformat(engagement["first_day"])
    return [first + timedelta(days=i) for i in range(int(engagement["days"]))]


def served_share(total_fen: int, served_days: int, all_days: int) -> int:
    """A worker's share of the total for ``served_days`` of ``all_days`` (rounded down to a fen; the last
    worker gets the rest, so the shares always sum to the total)."""
    if all_days <= 0:
        return 0
    return total_fen * served_days // all_days


def pay_split(total_fen: int, stints: Sequence[Mapping[str, Any]]) -> list[tuple[str, int]]:
    """(worker, share) per stint, by days served; the last stint takes what rounding left."""
    all_days = sum(int(s["days"]) for s in stints)
    shares = [(str(s["worker_id"]), served_share(total_fen, int(s["days"]), all_days)) for s in stints]
    if shares:
        last_worker, last = shares[-1]
        shares[-1] = (last_worker, last + total_fen - sum(v for _, v in shares))
    return shares
