"""The order watches' due times at their edges: reminders 24 h and 2 h before the start, and the exceptions
(no check-in at the start, late start, overtime past the end, unconfirmed after completion)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from functions.booking import watch_rules
from functions.booking.watch_rules import OrderFacts, WatchRules, due_watches, fires

START = datetime(2030, 1, 7, 10, 0, tzinfo=UTC)
END = START + timedelta(hours=2)
RULES = WatchRules(
    reminder_leads=(timedelta(hours=24), timedelta(hours=2)),
    late_start=timedelta(minutes=15),
    overtime_grace=timedelta(minutes=30),
    unconfirmed_after=timedelta(hours=12),
)
ACCEPTED = OrderFacts(
    status="accepted",
    worker_id="w1",
    start=START,
    end=END,
    arrived=False,
    confirmed=False,
    completed_at=None,
)
SECOND = timedelta(seconds=1)


def test_an_accepted_order_is_reminded_24_and_2_hours_before_and_watched_for_check_in_and_start() -> None:
    due = due_watches(ACCEPTED, RULES, now=START - timedelta(days=3))
    assert due == {
        "reminder_24h": START - timedelta(hours=24),
        "reminder_2h": START - timedelta(hours=2),
        "no_checkin": START,
        "late_start": START + timedelta(minutes=15),
    }


def test_a_reminder_fires_from_its_time_until_the_next_one_is_due() -> None:
    day_before = START - timedelta(hours=24)
    assert not fires("reminder_24h", ACCEPTED, RULES, now=day_before - SECOND)
    assert fires("reminder_24h", ACCEPTED, RULES, now=day_before)
    assert fires("reminder_24h", ACCEPTED, RULES, now=START - timedelta(hours=2) - SECOND)
    assert not fires("reminder_24h", ACCEPTED, RULES, now=START - timedelta(hours=2))  # the 2 h one instead
    assert fires("reminder_2h", ACCEPTED, RULES, now=START - timedelta(hours=2))
    assert not fires("reminder_2h", ACCEPTED, RULES, now=START)  # too late to remind


def test_an_order_accepted_inside_a_window_is_reminded_at_once_and_never_for_a_passed_window() -> None:
    ten_hours_ahead = due_watches(ACCEPTED, RULES, now=START - timedelta(hours=10))
    assert ten_hours_ahead["reminder_24h"] == START - timedelta(
        hours=24
    )  # already due: the next run sends it
    one_hour_ahead = due_watches(ACCEPTED, RULES, now=START - timedelta(hours=1))
    assert "reminder_24h" not in one_hour_ahead and one_hour_ahead["reminder_2h"] == START - timedelta(
        hours=2
    )


def test_no_check_in_is_due_at_the_start_unless_the_worker_arrived() -> None:
    assert not fires("no_checkin", ACCEPTED, RULES, now=START - SECOND)
    assert fires("no_checkin", ACCEPTED, RULES, now=START)
    assert not fires("no_checkin", replace(ACCEPTED, arrived=True), RULES, now=START + timedelta(hours=1))


def test_a_late_start_is_due_the_setting_after_the_start_while_not_started() -> None:
    at = START + timedelta(minutes=15)
    assert not fires("late_start", ACCEPTED, RULES, now=at - SECOND)
    assert fires("late_start", ACCEPTED, RULES, now=at)
    started = replace(ACCEPTED, status="in_service")
    assert not fires("late_start", started, RULES, now=at)
    taken_off = replace(ACCEPTED, status="pending_acceptance", worker_id=None)  # a no-show, offered again
    assert due_watches(taken_off, RULES, now=at) == {}


def test_overtime_is_due_the_grace_past_the_end_while_in_service() -> None:
    serving = replace(ACCEPTED, status="in_service")
    at = END + timedelta(minutes=30)
    assert due_watches(serving, RULES, now=START) == {"overtime": at}
    assert not fires("overtime", serving, RULES, now=at - SECOND)
    assert fires("overtime", serving, RULES, now=at)
    assert not fires("overtime", replace(serving, status="completed"), RULES, now=at)


def test_unconfirmed_is_due_the_setting_after_completion_until_confirmed() -> None:
    done_at = END - timedelta(minutes=5)
    completed = replace(ACCEPTED, status="completed", completed_at=done_at)
    at = done_at + timedelta(hours=12)
    assert due_watches(completed, RULES, now=done_at) == {"unconfirmed": at}
    assert not fires("unconfirmed", completed, RULES, now=at - SECOND)
    assert fires("unconfirmed", completed, RULES, now=at)
    assert due_watches(replace(completed, confirmed=True), RULES, now=at) == {}


def test_a_cancelled_order_needs_no_watch() -> None:
    assert due_watches(replace(ACCEPTED, status="cancelled"), RULES, now=START) == {}


def test_reminder_kinds_name_their_lead() -> None:
    assert watch_rules.reminder_kind(timedelta(hours=24)) == "reminder_24h"
    assert watch_rules.lead_of("reminder_2h") == 2
    assert watch_rules.is_reminder("reminder_2h") and not watch_rules.is_reminder("late_start")
