"""The day locks' items in the one table (docs/access-patterns.md, "workers", "day locks"):

- week of day locks:  WORKER#{id} / DAYS#{monday}   seven days of one worker, TTL ``expires_at``
    ``held_{0..6}``   the engagement (月嫂, 育儿嫂 …) holding that day: its order id (absent: not held)
    ``hours_{0..6}``  how many hourly orders hold slot locks on that day (absent or 0: none)

One lock per day, seven to an item, so that both directions are a condition in ONE transaction of at most a
few items: an engagement sets ``held_d`` only where ``held_d`` is absent and ``hours_d`` is absent or 0; an
hourly booking adds 1 to ``hours_d`` of each day its slots touch only where ``held_d`` is absent. Whichever
commits first wins; the other's condition fails. A 120-day engagement touches at most 19 week items (a day per
item would be 120, past the 100 actions of one TransactWriteItems).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import reduce
from typing import Any

from common.db import Item
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from functions.workers.store import pk

WEEKDAY_COUNT = 7


class WeekItem(Item):
    expires_at = NumberAttribute(null=True)
    held_0 = UnicodeAttribute(null=True)
    held_1 = UnicodeAttribute(null=True)
    held_2 = UnicodeAttribute(null=True)
    held_3 = UnicodeAttribute(null=True)
    held_4 = UnicodeAttribute(null=True)
    held_5 = UnicodeAttribute(null=True)
    held_6 = UnicodeAttribute(null=True)
    hours_0 = NumberAttribute(null=True)
    hours_1 = NumberAttribute(null=True)
    hours_2 = NumberAttribute(null=True)
    hours_3 = NumberAttribute(null=True)
    hours_4 = NumberAttribute(null=True)
    hours_5 = NumberAttribute(null=True)
    hours_6 = NumberAttribute(null=True)

    def holder(self, day: date) -> str | None:
        """The engagement holding ``day`` (of this item's week), or None."""
        return getattr(self, f"held_{day.weekday()}")

    def hourly(self, day: date) -> int:
        """How many hourly orders hold slots on ``day``."""
        return int(getattr(self, f"hours_{day.weekday()}") or 0)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_sk(day: date) -> str:
    return f"DAYS#{monday(day).isoformat()}"


def by_week(days: Iterable[date]) -> dict[date, list[date]]:
    """The days grouped by their week (its Monday), in order."""
    weeks: dict[date, list[date]] = {}
    for day in sorted(set(days)):
        weeks.setdefault(monday(day), []).append(day)
    return weeks


def week_keys(worker_id: str, days: Iterable[date]) -> list[tuple[str, str]]:
    """The keys of the week items covering ``days`` (what a BatchGetItem reads to know them)."""
    return [(pk(worker_id), f"DAYS#{m.isoformat()}") for m in by_week(days)]


def _held(day: date) -> Any:
    return getattr(WeekItem, f"held_{day.weekday()}")


def _hours(day: date) -> Any:
    return getattr(WeekItem, f"hours_{day.weekday()}")


def _all(conditions: Sequence[Condition]) -> Condition:
    return reduce(lambda a, b: a & b, conditions)


def _expiry(week: date, ttl_days: int) -> int:
    """The week item lives until ``ttl_days`` after its week (whatever it holds ends by then)."""
    end = datetime.combine(week + timedelta(days=WEEKDAY_COUNT + ttl_days), time(), tzinfo=UTC)
    return int(end.timestamp())


# --- engagements: whole days ------------------------------------------------------------------------------


def add_day_holds(
    tx: TransactWrite, worker_id: str, days: Sequence[date], order_id: str, ttl_days: int
) -> None:
    """Add to the caller's transaction, per week: set ``held_d`` to the order for each day, on condition that no
    engagement holds any of them and no hourly order has slots on any of them."""
    for week, in_week in by_week(days).items():
        actions = [_held(d).set(order_id) for d in in_week]
        actions.append(WeekItem.expires_at.set(_expiry(week, ttl_days)))
        condition = _all(
            [_held(d).does_not_exist() & (_hours(d).does_not_exist() | (_hours(d) <= 0)) for d in in_week]
        )
        tx.update(WeekItem(pk(worker_id), f"DAYS#{week.isoformat()}"), actions=actions, condition=condition)


def remove_day_holds(tx: TransactWrite, worker_id: str, days: Sequence[date], order_id: str) -> None:
    """Add to the caller's transaction: remove the order's hold of each day (each must be the order's)."""
    for week, in_week in by_week(days).items():
        actions = [_held(d).remove() for d in in_week]
        condition = _all([_held(d) == order_id for d in in_week])
        tx.update(WeekItem(pk(worker_id), f"DAYS#{week.isoformat()}"), actions=actions, condition=condition)


def free_days(worker_id: str, days: Sequence[date], order_id: str) -> None:
    """Remove the order's holds among ``days``, one day at a time, leaving days held by others (or free) alone.
    Idempotent: what a release and a compensation both call."""
    for day in sorted(set(days)):
        try:
            WeekItem(pk(worker_id), week_sk(day)).update(
                actions=[_held(day).remove()], condition=_held(day) == order_id
            )
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise


# --- hourly bookings: the days their slots touch -----------------------------------------------------------


def add_hour_marks(tx: TransactWrite, worker_id: str, days: Sequence[date], ttl_days: int) -> None:
    """Add to the caller's transaction, per week: +1 on ``hours_d`` of each day, on condition that no
    engagement holds any of them."""
    for week, in_week in by_week(days).items():
        actions = [_hours(d).add(1) for d in in_week]
        actions.append(WeekItem.expires_at.set(_expiry(week, ttl_days)))
        condition = _all([_held(d).does_not_exist() for d in in_week])
        tx.update(WeekItem(pk(worker_id), f"DAYS#{week.isoformat()}"), actions=actions, condition=condition)


def remove_hour_marks(tx: TransactWrite, worker_id: str, days: Sequence[date]) -> None:
    """Add to the caller's transaction: −1 on ``hours_d`` of each day (the hourly order is counted out once,
    with its active marker's deletion)."""
    for week, in_week in by_week(days).items():
        actions = [_hours(d).add(-1) for d in in_week]
        tx.update(WeekItem(pk(worker_id), f"DAYS#{week.isoformat()}"), actions=actions)


def move_hour_marks(
    tx: TransactWrite, worker_id: str, added: Sequence[date], removed: Sequence[date], ttl_days: int
) -> int:
    """Add to the caller's transaction the day marks of an hourly order moved in time: +1 on ``hours_d`` of
    each day it now touches (on condition that no engagement holds it), −1 on each day it no longer touches;
    one update per week, since a transaction may touch an item once. Returns the operations added."""
    weeks = by_week([*added, *removed])
    taken, freed = set(added), set(removed)
    for week, in_week in weeks.items():
        actions = [_hours(d).add(1 if d in taken else -1) for d in in_week]
        news = [d for d in in_week if d in taken]
        if news:
            actions.append(WeekItem.expires_at.set(_expiry(week, ttl_days)))
        condition = _all([_held(d).does_not_exist() for d in news]) if news else None
        key = WeekItem(pk(worker_id), f"DAYS#{week.isoformat()}")
        tx.update(key, actions=actions, condition=condition)
    assert taken.isdisjoint(freed)
    return len(weeks)


# --- reads ------------------------------------------------------------------------------------------------


def weeks(worker_id: str, first_day: date, last_day: date) -> list[WeekItem]:
    """The week items from ``first_day``'s week to ``last_day``'s (one Query)."""
    return list(
        WeekItem.query(
            pk(worker_id),
            WeekItem.SK.between(
                f"DAYS#{monday(first_day).isoformat()}", f"DAYS#{monday(last_day).isoformat()}"
            ),
            consistent_read=True,
        )
    )


def get_week(worker_id: str, day: date) -> WeekItem | None:
    try:
        return WeekItem.get(pk(worker_id), week_sk(day), consistent_read=True)
    except DoesNotExist:
        return None


def week_of(item: WeekItem) -> date:
    return date.fromisoformat(item.SK.removeprefix("DAYS#"))
