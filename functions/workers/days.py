"""Engagements' side of the calendar: whole days of a worker held by one order (月嫂, 育儿嫂, 住家保姆, 护老).

A day is held with one lock (``day_store``), taken only inside the booking's transaction (``hold_days``), on
condition that no engagement holds it and no hourly order has slots on it; hourly bookings in turn mark their
days on condition that no engagement holds them. So a day is never both, and never held twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from common.clock import business_tz
from common.errors import NotFound, WorkerUnavailable
from common.geo import haversine_km
from common.settings import get_settings
from pynamodb.transactions import TransactWrite

from functions.workers import day_store, rules, slot_store, store
from functions.workers.calendar import MESSAGES
from functions.workers.models import WorkerRecord


def days_problem(
    weekly: dict[str, list[list[str]]], days_off: Sequence[str], days: Sequence[date]
) -> str | None:
    """Why the weekly template and days off do not cover these whole days: a day off, or a weekday without
    working hours (``day_off``); None when every day is a working day."""
    off = set(days_off)
    for day in days:
        if day.isoformat() in off or not weekly.get(rules.WEEKDAYS[day.weekday()]):
            return "day_off"
    return None


def last_moment(days: Sequence[date]) -> datetime:
    """The end of the last day, in business time (what the health certificate must cover)."""
    return datetime.combine(max(days) + timedelta(days=1), time(), tzinfo=business_tz())


def engagement_problem(
    record: WorkerRecord,
    category_ids: list[str],
    service_id: str,
    days: Sequence[date],
    *,
    lat: float | None = None,
    lng: float | None = None,
) -> str | None:
    """Why this worker cannot take these whole days (a key of ``MESSAGES``), or None. Day locks are not read
    here: the booking's transaction decides them."""
    if record.status == rules.SUSPENDED:
        return "suspended"
    if record.status != rules.VERIFIED:
        return "not_verified"
    if not record.credit_matchable:
        return "restricted"
    if not record.accepting:
        return "resting"
    index = record.skill_index
    if not any(c in index for c in category_ids) and not any(
        service_id in s.services for s in index.values()
    ):
        return "lacks_skill"
    health = record.profile.health
    problem = rules.health_problem(
        health.status, health.certificate_expires_on, last_moment(days), business_tz()
    )
    problem = problem or days_problem(record.weekly, [str(d) for d in record.days_off], days)
    if problem is None and lat is not None and lng is not None:
        home = record.profile.home
        if haversine_km(lat, lng, home.lat, home.lng) > record.radius_km:
            return "out_of_range"
    return problem


def check_engageable(
    worker_id: str,
    category_ids: list[str],
    service_id: str,
    days: Sequence[date],
    *,
    lat: float | None = None,
    lng: float | None = None,
) -> None:
    """Raise ``WorkerUnavailable`` (422, ``details.reason``) when a customer-chosen worker cannot take these
    days (not verified, suspended, resting, lacks the skill, health certificate, a day off, out of radius);
    NotFound for no such worker. Held days are left to ``hold_days``."""
    record = store.load(worker_id)
    if record is None:
        raise NotFound("no such worker")
    problem = engagement_problem(record, category_ids, service_id, days, lat=lat, lng=lng)
    if problem:
        raise WorkerUnavailable(MESSAGES[problem], details={"reason": problem})


def hold_days(tx: TransactWrite, worker_id: str, days: Sequence[date], order_id: str) -> None:
    """Add to the caller's transaction: the lock of each day (refused if an engagement holds it or an hourly
    order has slots on it), the order's active marker, +1 on the worker's active orders under the limit."""
    s = get_settings()
    day_store.add_day_holds(tx, worker_id, days, order_id, s.slot_lock_ttl_days)
    slot_store.add_active(tx, worker_id, order_id, s.worker_max_active_orders, days=days)


def hand_over_days(
    tx: TransactWrite, from_worker: str, to_worker: str, days: Sequence[date], order_id: str
) -> None:
    """Add to the caller's transaction: ``days`` of the order move from one worker to another — the first's
    locks removed (they must be the order's), the second's put (refused if taken), the second counted in and
    the first counted out of their active orders."""
    day_store.remove_day_holds(tx, from_worker, days, order_id)
    slot_store.end_active_actions(tx, from_worker, order_id, completed=False)
    hold_days(tx, to_worker, days, order_id)
