"""The slot calendar: whether a worker can take a booking, the 30-minute locks a booking holds, and the
worker's view of their booked slots. Locks are only ever taken inside the booking's transaction
(``hold_slots``), so two orders can never hold the same slot of one worker.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from common.clock import business_tz
from common.errors import NotFound, RuleViolation, WorkerUnavailable
from common.geo import haversine_km
from common.settings import get_settings
from pynamodb.transactions import TransactWrite

from functions.workers import day_store, rules, slot_store, store
from functions.workers.models import BookedSlot, Calendar, HeldDay, WorkerRecord

MESSAGES = {
    "not_verified": "the worker is not verified",
    "suspended": "the worker is suspended",
    "restricted": "the worker's credit is restricted (受限)",
    "resting": "the worker is not taking orders now (休息中)",
    "lacks_skill": "the worker does not offer this service",
    "unhealthy": "the worker is not fit to work",
    "health_certificate_expired": "the worker's health certificate is not valid on that date",
    "day_off": "that is the worker's day off",
    "outside_hours": "that time is outside the worker's working hours",
    "out_of_range": "the address is outside the worker's service radius",
}


def held_slot_keys(start: datetime, end: datetime) -> list[str]:
    """The locks a booking [start, end) holds: its slots plus the travel buffer; RuleViolation when that is
    more than one transaction can hold."""
    settings = get_settings()
    keys = rules.slot_keys(start, end, settings.travel_buffer_minutes, business_tz())
    if not keys or start >= end:
        raise RuleViolation("a booking must end after it starts", code="BAD_TIME_RANGE")
    if len(keys) > settings.max_slots_per_booking:
        hours = settings.max_slots_per_booking * rules.SLOT_MINUTES / 60
        raise RuleViolation(f"one booking holds at most {hours:g} hours with travel", code="BOOKING_TOO_LONG")
    return keys


def booking_problem(
    record: WorkerRecord,
    category_ids: list[str],
    service_id: str,
    start: datetime,
    end: datetime,
    *,
    lat: float | None = None,
    lng: float | None = None,
) -> str | None:
    """Why this worker cannot take the booking (a key of ``MESSAGES``), or None. Slot conflicts are not
    checked here: the booking's transaction decides them."""
    tz = business_tz()
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
    problem = rules.health_problem(health.status, health.certificate_expires_on, end, tz)
    problem = problem or rules.availability_problem(record.weekly, record.days_off, start, end, tz)
    if problem is None and lat is not None and lng is not None:
        home = record.profile.home
        if haversine_km(lat, lng, home.lat, home.lng) > record.radius_km:
            return "out_of_range"
    return problem


def check_bookable(
    worker_id: str,
    category_ids: list[str],
    service_id: str,
    start: datetime,
    end: datetime,
    *,
    now: datetime,
    lat: float | None = None,
    lng: float | None = None,
) -> None:
    """Raise ``WorkerUnavailable`` (a RuleViolation, 422, ``details.reason``) when a customer-chosen worker
    cannot take the booking: not verified, suspended, resting, lacks the skill, health certificate not valid on
    the date, outside the weekly template or on a day off, or (with ``lat``/``lng``) out of radius.
    NotFound when there is no such worker. Slot conflicts are left to ``hold_slots``."""
    record = store.load(worker_id)
    if record is None:
        raise NotFound("no such worker")
    held_slot_keys(start, end)
    problem = booking_problem(record, category_ids, service_id, start, end, lat=lat, lng=lng)
    if problem:
        raise WorkerUnavailable(MESSAGES[problem], details={"reason": problem})


def hold_slots(tx: TransactWrite, worker_id: str, start: datetime, end: datetime, order_id: str) -> None:
    """Add to the caller's transaction: a lock per 30-minute slot from ``start`` to ``end`` + travel buffer
    (each ``attribute_not_exists``), the order's active marker, and +1 on the worker's active orders under the
    concurrent-order limit. The transaction is cancelled if any slot is taken or the limit is reached."""
    settings = get_settings()
    keys = held_slot_keys(start, end)
    expires_at = int((end + timedelta(days=settings.slot_lock_ttl_days)).timestamp())
    slot_store.add_hold(
        tx,
        worker_id,
        keys,
        order_id,
        expires_at,
        settings.worker_max_active_orders,
        settings.slot_lock_ttl_days,
    )


def release_slots(worker_id: str, start: datetime, end: datetime, order_id: str) -> None:
    """Free the order's locks (only those it holds: slots, or an engagement's days) and count it out of the
    active orders, with its day marks. Idempotent."""
    marker = slot_store.get_active(worker_id, order_id)
    if marker is not None and marker.days:
        day_store.free_days(worker_id, [date.fromisoformat(d) for d in marker.days], order_id)
        slot_store.end_active(worker_id, order_id, completed=False)
        return
    if marker is not None:
        keys = list(marker.slots)
    else:  # released before (the marker goes last): at most a repeat of a day's keys, never an engagement's
        keys = rules.slot_keys(start, end, get_settings().travel_buffer_minutes)
        if len(keys) > get_settings().max_slots_per_booking:
            return
    slot_store.delete_locks(worker_id, keys, order_id)
    slot_store.end_active(worker_id, order_id, completed=False, hour_days=slot_store.slot_days(keys))


def order_finished(worker_id: str, order_id: str) -> None:
    """The order completed: count it out of the active orders and into the completed ones, once, with its day
    marks. Its locks stay until their TTL (the time is past anyway)."""
    marker = slot_store.get_active(worker_id, order_id)
    days = slot_store.slot_days(list(marker.slots)) if marker is not None else []
    slot_store.end_active(worker_id, order_id, completed=True, hour_days=days)


def booked(worker_id: str, first_day: date, days: int) -> Calendar:
    """The worker's held slots and days held by engagements over ``days`` days from ``first_day``."""
    last_day = first_day + timedelta(days=days - 1)
    items = slot_store.booked_slots(worker_id, first_day.isoformat(), last_day.isoformat())
    slots = []
    for item in items:
        _, day, time = item.SK.split("#")
        slots.append(BookedSlot(date=date.fromisoformat(day), time=time, order_id=item.order_id))
    held = []
    for week in day_store.weeks(worker_id, first_day, last_day):
        monday = day_store.week_of(week)
        for offset in range(day_store.WEEKDAY_COUNT):
            day = monday + timedelta(days=offset)
            if first_day <= day <= last_day and (order_id := week.holder(day)):
                held.append(HeldDay(date=day, order_id=order_id))
    return Calendar(slots=slots, days=held)
