"""Recurring plans' use cases of customers: create, read, skip a visit, pause, resume, cancel.

Each takes ``now`` and ids as arguments. Orders are booking's: a plan creates and cancels them only through
booking's public functions (``book_occurrence``, ``cancel_occurrence``); the plan-occurrences job is in
``occurrences``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from common.clock import business_tz, iso
from common.errors import (
    Conflict,
    InvalidTransition,
    NotAnOccurrence,
    NotFound,
    RuleViolation,
    TooManyPlans,
)
from common.pagination import Page, decode_cursor, encode_cursor
from common.settings import get_settings

from functions import booking, catalog, identity, workers
from functions.plans import rules, store
from functions.plans.models import Occurrence, Plan, PlanRequest


def _closed() -> frozenset[date]:
    s = get_settings()
    return rules.closed_days(s.analytics_holidays, s.plan_skip_holidays)


def _bounds(item: store.PlanItem) -> tuple[date, int, int | None, date | None]:
    until = date.fromisoformat(item.until) if item.until else None
    count = int(item.visits) if item.visits is not None else None
    return date.fromisoformat(item.first_date), int(item.every_weeks), count, until


def _upcoming(item: store.PlanItem, *, now: datetime) -> list[Occurrence]:
    """The next visits: an active plan's next ``plan_upcoming_shown`` dates with what became of each; any other
    plan's handled visits in the horizon (its orders that remain). One Query either way."""
    s, tz = get_settings(), business_tz()
    today = now.astimezone(tz).date()
    if item.status != rules.ACTIVE:
        end = rules.horizon_end(now, tz, s.plan_horizon_days)
        handled = store.occurrences(item.id, today.isoformat(), end.isoformat())
        return [_occurrence(o) for o in handled]
    first, every, count, until = _bounds(item)
    dates = []
    for day in rules.series(first, every, count, until):
        if day >= today:
            dates.append(day)
        if len(dates) == s.plan_upcoming_shown:
            break
    if not dates:
        return []
    handled = {o.date: o for o in store.occurrences(item.id, dates[0].isoformat(), dates[-1].isoformat())}
    closed = _closed()
    out = []
    for day in dates:
        key = day.isoformat()
        if key in handled:
            out.append(_occurrence(handled[key]))
        else:
            out.append(Occurrence(date=key, status=rules.HOLIDAY if day in closed else rules.SCHEDULED))
    return out


def _occurrence(o: store.OccurrenceItem) -> Occurrence:
    return Occurrence(
        date=o.date,
        order_id=o.order_id,
        status=o.status,  # type: ignore[arg-type]
        worker_id=o.worker_id,
        substitute=bool(o.substitute),
    )


def to_plan(item: store.PlanItem, *, now: datetime) -> Plan:
    first, every, count, until = _bounds(item)
    last = rules.last_date(first, every, count, until)
    return Plan(
        id=item.id,
        status=item.status,  # type: ignore[arg-type]
        service_id=item.service_id,
        address_id=item.address_id,
        worker_id=item.worker_id,
        weekday=item.weekday,  # type: ignore[arg-type]
        time=item.time,
        units=int(item.units),
        every_weeks=every,
        count=count,
        until=item.until,
        first_date=item.first_date,
        last_date=last.isoformat() if last else None,
        created_at=item.created_at,
        upcoming=_upcoming(item, now=now),
    )


def _owned(plan_id: str, customer_id: str) -> store.PlanItem:
    item = store.get(plan_id)
    if item is None or item.customer_id != customer_id:
        raise NotFound("no such plan")
    return item


def create_plan(customer_id: str, req: PlanRequest, *, now: datetime, new_id: Callable[[], str]) -> Plan:
    """A new plan: its first visit is the first ``weekday`` at ``time`` at least the booking's minimum notice
    ahead; the plan-occurrences job books each visit ``plan_horizon_days`` days ahead. 404 for an unknown
    service, address or worker; 422 for both a count and an end date, units below the service's minimum, a visit longer than one order may be,
    an end before the first visit, more than ``plan_max_occurrences`` visits, or too many plans."""
    s, tz = get_settings(), business_tz()
    if req.count is not None and req.until is not None:
        raise RuleViolation("give a count or an end date (until), not both", code="COUNT_OR_UNTIL")
    service = catalog.get_service(req.service_id)
    if req.units < service.pricing.min_units:
        raise RuleViolation(f"book at least {service.pricing.min_units} units", code="TOO_FEW_UNITS")
    if req.units * service.duration_minutes > s.booking_max_minutes:
        raise RuleViolation("one visit is longer than one order may be", code="BOOKING_TOO_LONG")
    identity.get_address(customer_id, req.address_id)
    if req.worker_id:
        workers.ensure_public(req.worker_id)
    notice = timedelta(minutes=s.booking_min_notice_minutes)
    first = rules.first_date(req.weekday, req.time, now=now, tz=tz, min_notice=notice)
    if req.until is not None and req.until < first:
        raise RuleViolation(
            f"the first visit would be on {first}, after the end date", code="PLAN_ENDS_EARLY"
        )
    visits = req.count or (
        (req.until - first).days // (7 * req.every_weeks) + 1 if req.until else s.plan_max_occurrences
    )
    if visits > s.plan_max_occurrences:
        raise RuleViolation(f"a plan has at most {s.plan_max_occurrences} visits", code="PLAN_TOO_LONG")
    plan_id = new_id()
    item = store.PlanItem(
        *store.plan_key(plan_id),
        id=plan_id,
        customer_id=customer_id,
        status=rules.ACTIVE,
        service_id=req.service_id,
        address_id=req.address_id,
        worker_id=req.worker_id,
        weekday=req.weekday,
        time=req.time,
        units=req.units,
        every_weeks=req.every_weeks,
        visits=req.count,
        until=req.until.isoformat() if req.until else None,
        first_date=first.isoformat(),
        next_date=first.isoformat(),
        created_at=iso(now),
        version=0,
    )
    due = rules.due_at(first, s.plan_horizon_days, tz)
    if not store.create(item, due, shards=s.plan_due_shards, limit=s.plans_per_customer):
        raise TooManyPlans()
    return to_plan(item, now=now)


def list_plans(customer_id: str, *, limit: int, cursor: str | None, now: datetime) -> Page[Plan]:
    """The customer's plans, newest first, each with its upcoming visits."""
    start = decode_cursor(cursor, expect={"GSI1PK": store.customer_partition(customer_id)})
    page = store.by_customer(customer_id, limit, start)
    return Page[Plan](
        items=[to_plan(i, now=now) for i in page.items], next_cursor=encode_cursor(page.last_key)
    )


def get_plan(customer_id: str, plan_id: str, *, now: datetime) -> Plan:
    """The customer's own plan (another customer's is 404, like an unknown one)."""
    return to_plan(_owned(plan_id, customer_id), now=now)


def skip(customer_id: str, plan_id: str, day: date, *, now: datetime) -> Plan:
    """Skip one visit: none is booked that day; one already booked is cancelled with a full refund. Skipping
    a skipped visit again changes nothing. 422 for a date the plan does not visit or one already past; 409
    while the job is booking that very visit (try again) or once its service has started."""
    item = _owned(plan_id, customer_id)
    if item.status not in rules.OPEN:
        raise InvalidTransition(f"the plan is {item.status}")
    if not rules.is_occurrence(day, *_bounds(item)):
        raise NotAnOccurrence()
    if day < now.astimezone(business_tz()).date():
        raise RuleViolation("that visit is past", code="OCCURRENCE_PAST")
    key, stamp = day.isoformat(), iso(now)
    for _ in range(3):
        occ = store.get_occurrence(plan_id, key)
        if occ is None:
            if store.settle(
                plan_id, key, status=rules.SKIPPED, claimed_at=None, now=stamp, reason="customer"
            ):
                break
            continue
        if occ.status == rules.BOOKING:
            raise Conflict("that visit is being booked right now; try again in a moment")
        if occ.status == rules.BOOKED and occ.order_id:
            booking.cancel_occurrence(customer_id, occ.order_id, "skipped (recurring plan)", now=now)
        if occ.status in (rules.BOOKED, rules.UNFILLED) and not store.mark(occ, rules.SKIPPED, now=stamp):
            continue
        break
    return to_plan(store.get(plan_id) or item, now=now)


def _cancel_booked(item: store.PlanItem, *, now: datetime, note: str) -> None:
    """Every booked visit from today on is cancelled with a full refund (their orders remain in history)."""
    s, tz = get_settings(), business_tz()
    today = now.astimezone(tz).date()
    end = rules.horizon_end(now, tz, s.plan_horizon_days + 7 * int(item.every_weeks))
    for occ in store.occurrences(item.id, today.isoformat(), end.isoformat()):
        if occ.status == rules.BOOKED and occ.order_id:
            booking.cancel_occurrence(item.customer_id, occ.order_id, note, now=now)
            store.mark(occ, "cancelled", now=iso(now), reason="plan cancelled")


def _set_status(
    customer_id: str, plan_id: str, allowed: frozenset[str], *, now: datetime, to: str
) -> store.PlanItem:
    """Move the plan to ``to`` from one of ``allowed`` (idempotent when it already is ``to``)."""
    s, tz = get_settings(), business_tz()
    for _ in range(3):
        item = _owned(plan_id, customer_id)
        if item.status == to:
            return item
        if item.status not in allowed:
            raise InvalidTransition(f"cannot make a plan that is {item.status} {to}")
        next_date, due = item.next_date, None
        status = to
        if to == rules.ACTIVE:
            first, every, count, until = _bounds(item)
            notice = now + timedelta(minutes=s.booking_min_notice_minutes)
            after = max(date.fromisoformat(item.next_date or item.first_date), now.astimezone(tz).date())
            upcoming = (
                d
                for d in rules.series(first, every, count, until)
                if d >= after and rules.local_start(d, item.time, tz) >= notice
            )
            resumed = next(upcoming, None)
            next_date = resumed.isoformat() if resumed else None
            due = rules.due_at(resumed, s.plan_horizon_days, tz) if resumed else None
            status = rules.ACTIVE if resumed else rules.ENDED
        closes = status in (rules.CANCELLED, rules.ENDED) and item.status in rules.OPEN
        if store.move(
            item, status=status, next_date=next_date, due_at=due, shards=s.plan_due_shards, closes=closes
        ):
            return _owned(plan_id, customer_id)
    raise Conflict("the plan kept changing; try again")


def pause(customer_id: str, plan_id: str, *, now: datetime) -> Plan:
    """Stop booking new visits (those already booked stay: skip them one by one, or cancel the plan)."""
    item = _set_status(customer_id, plan_id, frozenset({rules.ACTIVE}), now=now, to=rules.PAUSED)
    return to_plan(item, now=now)


def resume(customer_id: str, plan_id: str, *, now: datetime) -> Plan:
    """Book visits again, from the next one at least the minimum notice ahead (the paused weeks are not made up)."""
    item = _set_status(customer_id, plan_id, frozenset({rules.PAUSED}), now=now, to=rules.ACTIVE)
    return to_plan(item, now=now)


def cancel(customer_id: str, plan_id: str, *, now: datetime) -> Plan:
    """End the plan: no more visits are booked, and each booked visit still ahead is cancelled with a full
    refund."""
    item = _set_status(customer_id, plan_id, rules.OPEN | {rules.ENDED}, now=now, to=rules.CANCELLED)
    _cancel_booked(item, now=now, note="recurring plan cancelled")
    return to_plan(item, now=now)
