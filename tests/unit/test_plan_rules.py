"""Recurring plans' occurrence rules (functions/plans/rules.py) and rescheduling's consent rule: pure, any zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from functions.booking.reschedule import needs_consent
from functions.plans import rules

SHANGHAI, LONDON = ZoneInfo("Asia/Shanghai"), ZoneInfo("Europe/London")


def test_a_weekly_visit_keeps_its_wall_time_across_a_daylight_saving_change() -> None:
    # Europe/London moves to summer time on Sunday 2027-03-28: 09:00 stays 09:00, its UTC instant moves.
    days = rules.dates_between(date(2027, 3, 22), 1, None, None, date(2027, 3, 1), date(2027, 4, 5))
    assert days == [date(2027, 3, 22), date(2027, 3, 29), date(2027, 4, 5)]
    starts = [rules.local_start(d, "09:00", LONDON) for d in days]
    assert [s.strftime("%H:%M") for s in starts] == ["09:00", "09:00", "09:00"]
    assert [s.astimezone(UTC).hour for s in starts] == [9, 8, 8]
    assert starts[1].astimezone(UTC) - starts[0].astimezone(UTC) == timedelta(
        days=7, hours=-1
    )  # a week minus the hour the clocks skipped


def test_a_visit_at_a_time_the_clocks_skip_starts_when_the_clocks_reach_it() -> None:
    start = rules.local_start(date(2027, 3, 28), "01:30", LONDON)  # 01:00-02:00 does not exist that day
    assert start.astimezone(UTC) == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert start.astimezone(LONDON).strftime("%H:%M") == "02:30"


def test_the_autumn_change_gives_the_first_of_the_two_same_wall_times() -> None:
    start = rules.local_start(date(2027, 10, 31), "01:30", LONDON)  # 01:00-02:00 happens twice
    assert start.astimezone(UTC) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


def test_a_fortnightly_plan_skips_the_week_between_and_stops_at_its_count() -> None:
    first = date(2026, 12, 7)
    assert list(rules.series(first, 2, 3, None)) == [date(2026, 12, 7), date(2026, 12, 21), date(2027, 1, 4)]
    assert rules.is_occurrence(date(2026, 12, 21), first, 2, 3, None)
    assert not rules.is_occurrence(date(2026, 12, 14), first, 2, 3, None)  # the skipped week
    assert not rules.is_occurrence(date(2027, 1, 18), first, 2, 3, None)  # past the count
    assert rules.last_date(first, 2, 3, None) == date(2027, 1, 4)


def test_an_end_date_ends_the_series_on_the_last_visit_before_it() -> None:
    first, until = date(2026, 12, 7), date(2027, 1, 31)
    assert rules.last_date(first, 4, None, until) == date(2027, 1, 4)  # the next would be 2027-02-01
    assert rules.next_after(first, 4, None, until, date(2027, 1, 4)) is None
    assert rules.last_date(first, 1, None, None) is None  # no end


def test_the_first_visit_is_the_first_such_weekday_after_the_minimum_notice() -> None:
    monday_morning = datetime(2026, 12, 7, 8, 30, tzinfo=SHANGHAI)
    notice = timedelta(hours=2)
    assert rules.first_date("mon", "10:00", now=monday_morning, tz=SHANGHAI, min_notice=notice) == date(
        2026, 12, 14
    )
    assert rules.first_date("mon", "11:00", now=monday_morning, tz=SHANGHAI, min_notice=notice) == date(
        2026, 12, 7
    )
    assert rules.first_date("wed", "09:00", now=monday_morning, tz=SHANGHAI, min_notice=notice) == date(
        2026, 12, 9
    )


def test_a_visit_is_due_when_it_enters_the_horizon_and_not_before() -> None:
    now = datetime(2026, 12, 7, 0, 5, tzinfo=SHANGHAI)
    horizon = rules.horizon_end(now, SHANGHAI, 7)
    assert horizon == date(2026, 12, 14)
    inside = rules.dates_between(date(2026, 12, 7), 1, None, None, date(2026, 12, 7), horizon)
    assert inside == [date(2026, 12, 7), date(2026, 12, 14)]
    following = rules.next_after(date(2026, 12, 7), 1, None, None, horizon)
    assert following == date(2026, 12, 21)
    assert rules.due_at(following, 7, SHANGHAI) == datetime(2026, 12, 14, 0, 0, tzinfo=SHANGHAI)
    assert rules.due_at(following, 7, SHANGHAI) > now  # not read again until then


def test_holidays_close_only_the_named_ranges() -> None:
    holidays = [("2027-02-06", "2027-02-08", 0.4, "春节"), ("2027-01-01", "2027-01-03", 0.8, "元旦")]
    closed = rules.closed_days(holidays, ["春节"])
    assert closed == {date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8)}


def test_a_move_needs_the_workers_consent_only_for_an_accepted_order_within_the_window() -> None:
    now = datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI)
    window = timedelta(hours=24)
    soon, later, far = now + timedelta(hours=5), now + timedelta(hours=30), now + timedelta(hours=60)
    assert needs_consent("accepted", "w1", soon, far, now=now, window=window)
    assert needs_consent("accepted", "w1", far, soon, now=now, window=window)  # moving into the window too
    assert not needs_consent("accepted", "w1", later, far, now=now, window=window)
    assert not needs_consent("pending_acceptance", "w1", soon, far, now=now, window=window)
    assert not needs_consent("accepted", None, soon, far, now=now, window=window)
