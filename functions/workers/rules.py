"""Pure decisions about workers: slots and their lock keys, availability, health, onboarding states, ages,
credit levels, which skill index entries a profile earns. No I/O, no clock reads: time comes in as arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from common.clock import business_tz
from common.errors import Conflict

SLOT_MINUTES = 30  # the grain of bookings and of the slot locks (API.md: starts fall on the half hour)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# --- slots ------------------------------------------------------------------------------------------------


def slot_starts(start: datetime, end: datetime, tz: ZoneInfo) -> list[datetime]:
    """The 30-minute slots that [start, end) touches, each as its start in business time."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    local = start.astimezone(tz)
    first = local.replace(minute=local.minute - local.minute % SLOT_MINUTES, second=0, microsecond=0)
    step = timedelta(minutes=SLOT_MINUTES)
    slots, at = [], first
    while at < end:
        slots.append(at.astimezone(tz))
        at += step
    return slots


def slot_key(at: datetime) -> str:
    return f"SLOT#{at:%Y-%m-%d}#{at:%H:%M}"


def slot_keys(start: datetime, end: datetime, buffer_minutes: int, tz: ZoneInfo | None = None) -> list[str]:
    """The lock sort keys (``SLOT#YYYY-MM-DD#HH:MM``, business time) a booking [start, end) holds: every
    30-minute slot up to ``end`` plus the travel buffer. Two bookings of one worker conflict exactly when
    their key lists share a key, i.e. when they are less than the buffer apart."""
    zone = tz or business_tz()
    return [slot_key(s) for s in slot_starts(start, end + timedelta(minutes=buffer_minutes), zone)]


# --- availability -----------------------------------------------------------------------------------------


def minutes(hhmm: str) -> int:
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


def availability_problem(
    weekly: Mapping[str, Sequence[Sequence[str]]],
    days_off: Iterable[str | date],
    start: datetime,
    end: datetime,
    tz: ZoneInfo,
) -> str | None:
    """Why the weekly template and days off do not cover [start, end), or None when they do.

    Every 30-minute slot of the booking must lie inside an interval of its own weekday and not on a day off,
    so a booking may run across two adjacent intervals or past midnight into the next day's hours.
    """
    off = {d if isinstance(d, str) else d.isoformat() for d in days_off}
    for slot in slot_starts(start, end, tz):
        if slot.date().isoformat() in off:
            return "day_off"
        begin = slot.hour * 60 + slot.minute
        intervals = weekly.get(WEEKDAYS[slot.weekday()], ())
        if not any(minutes(a) <= begin and begin + SLOT_MINUTES <= minutes(b) for a, b in intervals):
            return "outside_hours"
    return None


def health_problem(
    status: str, certificate_expires_on: str | date, end: datetime, tz: ZoneInfo
) -> str | None:
    """The health certificate (健康证) must be valid through the booking's last day (the expiry day counts)."""
    if status != "healthy":
        return "unhealthy"
    expires = certificate_expires_on
    expires_on = expires if isinstance(expires, date) else date.fromisoformat(expires)
    last_day = (end - timedelta(microseconds=1)).astimezone(tz).date()
    return "health_certificate_expired" if expires_on < last_day else None


def default_weekly(hours: tuple[str, str]) -> dict[str, list[list[str]]]:
    return {day: [[hours[0], hours[1]]] for day in WEEKDAYS}


def upcoming_days_off(days_off: Iterable[date], today: date) -> list[date]:
    """Days off from today on, sorted and distinct: past ones are dropped on each write."""
    return sorted({d for d in days_off if d >= today})


# --- people -----------------------------------------------------------------------------------------------


def age(birth_year: int, today: date) -> int:
    """Age as shown (the year of birth is all we ask for)."""
    return today.year - birth_year


RESTRICTED = "restricted"  # 受限: below ``credit_restricted_below``, never matched nor bookable


def credit_level(score: int, levels: Sequence[tuple[int, str]], restricted_below: int = 0) -> str:
    """``restricted`` below ``restricted_below``; else the first level (from the top) whose minimum the score
    reaches."""
    if score < restricted_below:
        return RESTRICTED
    for minimum, name in sorted(levels, reverse=True):
        if score >= minimum:
            return name
    return sorted(levels)[0][1]


# --- onboarding and verification (待审核 → 已认证 / 未通过; 已停用) ----------------------------------------------

PENDING, VERIFIED, REJECTED, SUSPENDED = "pending", "verified", "rejected", "suspended"
# What an operator checks: a verified worker who changes these goes back to review.
REVIEWED_FIELDS = ("name", "birth_year", "skills", "certificates", "health", "id_number")


def status_after_submit(current: str | None, reviewed_fields_changed: bool) -> str:
    """A new or rejected profile waits for review; a verified one waits again only if what was checked
    changed; a suspended worker stays suspended (an operator reinstates)."""
    if current is None or current in (PENDING, REJECTED):
        return PENDING
    if current == VERIFIED:
        return PENDING if reviewed_fields_changed else VERIFIED
    return current


def status_after_verify(current: str, approved: bool) -> str:
    if current != PENDING:
        raise Conflict(f"only a pending worker can be verified (this one is {current})", code="WORKER_STATUS")
    return VERIFIED if approved else REJECTED


def status_after_suspend(current: str) -> str:
    if current not in (VERIFIED, PENDING):
        raise Conflict(f"a {current} worker cannot be suspended", code="WORKER_STATUS")
    return SUSPENDED


def status_after_reinstate(current: str, was_verified: bool) -> str:
    if current != SUSPENDED:
        raise Conflict(
            f"only a suspended worker can be reinstated (this one is {current})", code="WORKER_STATUS"
        )
    return VERIFIED if was_verified else PENDING


def is_matchable(status: str, accepting: bool, health_status: str, credit_matchable: bool = True) -> bool:
    """Whether the worker belongs in the matching index at all (the date-dependent checks come later); a worker
    whose credit is ``restricted`` never is."""
    return status == VERIFIED and accepting and health_status == "healthy" and credit_matchable


# --- skills in the index ----------------------------------------------------------------------------------


@dataclass
class CardSkill:
    """How a worker covers one category: by naming it, by naming services in it, or through a parent."""

    via: str  # "category" | "service" | "parent"
    services: list[str] = field(default_factory=list)


def skill_cards(
    refs: Sequence[tuple[str, str, str]], children: Mapping[str, Sequence[str]]
) -> dict[str, CardSkill]:
    """The categories a worker is indexed under, from their skills as (id, kind, category_id).

    A named service indexes its category; a named category indexes itself and every category below it
    (a 保洁 generalist is found for 日常保洁 and 深度保洁 too).
    """
    cards: dict[str, CardSkill] = {}
    for ref_id, kind, category_id in refs:
        card = cards.setdefault(category_id, CardSkill(via="service"))
        if kind == "service":
            card.services.append(ref_id)
        else:
            card.via = "category"
    for category_id, card in list(cards.items()):
        if card.via != "category":
            continue
        stack = list(children.get(category_id, ()))
        while stack:
            child = stack.pop()
            if child not in cards:
                cards[child] = CardSkill(via="parent")
                stack.extend(children.get(child, ()))
    return cards


def skill_fit(card: CardSkill, service_id: str, fits: Mapping[str, float]) -> tuple[float, str]:
    """How well a worker's skill fits the service asked for, and why: named the service, named its
    category, named another service of the category, or named a parent category."""
    if service_id in card.services:
        return fits["service"], "service"
    if card.via == "category":
        return fits["category"], "category"
    if card.via == "service":
        return fits["sibling"], "sibling"
    return fits["parent"], "parent"
