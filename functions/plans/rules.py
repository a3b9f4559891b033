"""Recurring plans' pure rules: which dates a plan visits, when each visit starts, when a plan is due.

Dates are business-calendar dates and a visit's start is the plan's wall-clock time on that date in the business
time zone, so a weekly 09:00 stays 09:00 across a daylight-saving change (its UTC instant moves instead). No I/O,
no clock: ``now`` and the time zone come in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Plan statuses: active (its visits are booked as they come into the horizon), paused (none are), cancelled,
# ended (its count or end date was reached).
ACTIVE, PAUSED, CANCELLED, ENDED = "active", "paused", "cancelled", "ended"
OPEN = frozenset({ACTIVE, PAUSED})

# Occurrence statuses: scheduled (not yet handled), booking (a job run holds it), booked (an order exists),
# skipped (by the customer), holiday (on a public holiday the house does not work), unfilled (nobody could take
# it), cancelled (with the plan).
SCHEDULED, BOOKING, BOOKED, SKIPPED, HOLIDAY, UNFILLED = (
    "scheduled",
    "booking",
    "booked",
    "skipped",
    "holiday",
    "unfilled",
)


def parse_time(hhmm: str) -> time:
    hours, minutes = hhmm.split(":")
    return time(int(hours), int(minutes))


def local_start(day: date, hhmm: str, tz: ZoneInfo) -> datetime:
    """The visit's start: ``hhmm`` on ``day`` in ``tz``. A wall time that does not exist that day (the hour a
    daylight-saving change skips) moves forward by the gap, as a clock on the wall would."""
    wall = datetime.combine(day, parse_time(hhmm), tzinfo=tz)
    real = wall.astimezone(UTC).astimezone(tz)
    return real if real.replace(tzinfo=None) != wall.replace(tzinfo=None) else wall


def first_date(weekday: str, hhmm: str, *, now: datetime, tz: ZoneInfo, min_notice: timedelta) -> date:
    """The plan's first visit: the first ``weekday`` (today included) whose start is at least ``min_notice``
    after ``now``."""
    today = now.astimezone(tz).date()
    day = today + timedelta(days=(WEEKDAYS.index(weekday) - today.weekday()) % 7)
    while local_start(day, hhmm, tz) < now + min_notice:
        day += timedelta(days=7)
    return day


def series(first: date, every_weeks: int, count: int | None, until: date | None) -> Iterator[date]:
    """Every visit date of the plan, in order: ``first`` and every ``every_weeks`` weeks after, ``count`` of them
    or up to ``until`` (included); without either, without end."""
    step = timedelta(weeks=every_weeks)
    n, day = 0, first
    while (count is None or n < count) and (until is None or day <= until):
        yield day
        n, day = n + 1, day + step


def dates_between(
    first: date, every_weeks: int, count: int | None, until: date | None, start: date, end: date
) -> list[date]:
    """The plan's visit dates from ``start`` to ``end`` (both included)."""
    out = []
    for day in series(first, every_weeks, count, until):
        if day > end:
            break
        if day >= start:
            out.append(day)
    return out


def next_after(
    first: date, every_weeks: int, count: int | None, until: date | None, after: date
) -> date | None:
    """The first visit date later than ``after``; None when the series ends before."""
    return next((d for d in series(first, every_weeks, count, until) if d > after), None)


def is_occurrence(day: date, first: date, every_weeks: int, count: int | None, until: date | None) -> bool:
    """Whether the plan visits on ``day``."""
    if day < first or (until is not None and day > until) or (day - first).days % (7 * every_weeks):
        return False
    return count is None or (day - first).days // (7 * every_weeks) < count


def last_date(first: date, every_weeks: int, count: int | None, until: date | None) -> date | None:
    """The plan's last visit date (None: it has no end, neither a count nor an end date)."""
    if count is None and until is None:
        return None
    last = None
    for day in series(first, every_weeks, count, until):
        last = day
    return last


def horizon_end(now: datetime, tz: ZoneInfo, days: int) -> date:
    """The last date whose visits are booked now: ``days`` business days ahead of today."""
    return now.astimezone(tz).date() + timedelta(days=days)


def due_at(next_date: date, horizon_days: int, tz: ZoneInfo) -> datetime:
    """When a plan whose next unbooked visit is on ``next_date`` is due for the job: the business midnight that
    brings that date into the horizon."""
    return datetime.combine(next_date - timedelta(days=horizon_days), time(0), tzinfo=tz)


def closed_days(holidays: Iterable[tuple[str, str, float, str]], names: Iterable[str]) -> frozenset[date]:
    """The days of the named holiday ranges (first day, last day, factor, name), on which no visit is booked."""
    wanted, days = set(names), set()
    for first, last, _factor, name in holidays:
        if name in wanted:
            day, end = date.fromisoformat(first), date.fromisoformat(last)
            while day <= end:
                days.add(day)
                day += timedelta(days=1)
    return frozenset(days)
