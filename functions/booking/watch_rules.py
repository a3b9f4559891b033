"""Pure decisions of the order watches: which reminders and exceptions an order needs, and when each is due.

A watch is one thing that may happen to an order at a known time: a reminder before its start (to the customer
and the worker), or an exception for operators (API.md "On-site service"):

- ``reminder_{h}h``  accepted, ``h`` hours before the start (``settings.reminder_lead_hours``); a reminder whose
                     shorter successor is already due is not sent (an order accepted 10 h ahead gets the 2 h one)
- ``no_checkin``     accepted, no arrival (到达) by the start
- ``late_start``     accepted, not started ``exception_late_start_minutes`` after the start
- ``overtime``       in service ``exception_overtime_grace_minutes`` past the end
- ``unconfirmed``    completed, not confirmed ``exception_unconfirmed_hours`` after completion (before the
                     automatic confirmation)

``due_watches`` is the one rule: the order's index (when it moves) and the job (when a watch comes due) both ask it,
so a watch fires only if the order, read now, still needs it at that time. No I/O, no clock reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from functions.booking import rules

EXCEPTION_KINDS = ("late_start", "no_checkin", "overtime", "unconfirmed", "unpaid_extra")
# The kinds the watches raise (unpaid_extra: the same job, from the price differences' unpaid index).
WATCHED_EXCEPTIONS = ("late_start", "no_checkin", "overtime", "unconfirmed")
REASONS = {
    "late_start": "服务人员超时未开始服务",
    "no_checkin": "服务开始时间已到，服务人员尚未到达",
    "overtime": "服务已超过预定结束时间",
    "unconfirmed": "服务已完成，客户尚未确认",
    "unpaid_extra": "现场补差价尚未支付",
}


@dataclass(frozen=True)
class WatchRules:
    reminder_leads: tuple[timedelta, ...]  # any order; the longest first is not required
    late_start: timedelta
    overtime_grace: timedelta
    unconfirmed_after: timedelta


@dataclass(frozen=True)
class OrderFacts:
    """What the watches decide on, read from the order."""

    status: str
    worker_id: str | None
    start: datetime
    end: datetime
    arrived: bool
    confirmed: bool
    completed_at: datetime | None


def reminder_kind(lead: timedelta) -> str:
    return f"reminder_{int(lead.total_seconds() // 3600)}h"


def is_reminder(kind: str) -> bool:
    return kind.startswith("reminder_")


def lead_of(kind: str) -> int:
    """The hours before the start of a reminder kind (``reminder_24h`` → 24)."""
    return int(kind.removeprefix("reminder_").removesuffix("h"))


def reminders(start: datetime, leads: tuple[timedelta, ...], *, now: datetime) -> dict[str, datetime]:
    """The reminders still worth sending for ``start`` at ``now``, each with when it is due: each lead's
    window runs from its time to the next shorter lead's time (the last to the start)."""
    ordered = sorted(set(leads), reverse=True)
    due: dict[str, datetime] = {}
    for i, lead in enumerate(ordered):
        window_end = start - ordered[i + 1] if i + 1 < len(ordered) else start
        if now < window_end:
            due[reminder_kind(lead)] = start - lead
    return due


def due_watches(facts: OrderFacts, rules_: WatchRules, *, now: datetime) -> dict[str, datetime]:
    """Every watch the order needs as it is now, each with when it is due (possibly already past: then it
    fires on the job's next run). Empty when nothing can happen to it any more (cancelled, confirmed)."""
    if facts.status == rules.ACCEPTED and facts.worker_id:
        due = reminders(facts.start, rules_.reminder_leads, now=now)
        if not facts.arrived:
            due["no_checkin"] = facts.start
        due["late_start"] = facts.start + rules_.late_start
        return due
    if facts.status == rules.IN_SERVICE:
        return {"overtime": facts.end + rules_.overtime_grace}
    if facts.status == rules.COMPLETED and not facts.confirmed and facts.completed_at is not None:
        return {"unconfirmed": facts.completed_at + rules_.unconfirmed_after}
    return {}


def fires(kind: str, facts: OrderFacts, rules_: WatchRules, *, now: datetime) -> bool:
    """Whether the watch ``kind`` happens now: the order still needs it and its time has come."""
    due = due_watches(facts, rules_, now=now).get(kind)
    return due is not None and due <= now
