"""Workers' pure rules: slot keys and buffers, the weekly template and days off, health certificates,
onboarding states, credit levels and how skills index a worker."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from common.errors import Conflict

from functions.workers import rules

SH = ZoneInfo("Asia/Shanghai")
NINE_TO_SIX = {day: [["08:00", "18:00"]] for day in rules.WEEKDAYS}


def at(day: str, hhmm: str) -> datetime:
    h, m = hhmm.split(":")
    return datetime.fromisoformat(day).replace(hour=int(h), minute=int(m), tzinfo=SH)


# --- slot keys and buffers -----------------------------------------------------------------------------------


def test_a_two_hour_booking_holds_four_slots_plus_the_travel_buffer() -> None:
    keys = rules.slot_keys(at("2026-12-07", "09:00"), at("2026-12-07", "11:00"), 30, SH)
    assert keys == [
        "SLOT#2026-12-07#09:00",
        "SLOT#2026-12-07#09:30",
        "SLOT#2026-12-07#10:00",
        "SLOT#2026-12-07#10:30",
        "SLOT#2026-12-07#11:00",
    ]


def test_slot_keys_are_in_business_time_whatever_offset_the_caller_uses() -> None:
    start_utc = at("2026-12-07", "09:00").astimezone(ZoneInfo("UTC"))
    assert rules.slot_keys(start_utc, start_utc + timedelta(minutes=30), 0, SH) == ["SLOT#2026-12-07#09:00"]


def test_a_booking_past_midnight_holds_slots_on_both_dates() -> None:
    keys = rules.slot_keys(at("2026-12-07", "23:00"), at("2026-12-08", "00:30"), 30, SH)
    assert keys == [
        "SLOT#2026-12-07#23:00",
        "SLOT#2026-12-07#23:30",
        "SLOT#2026-12-08#00:00",
        "SLOT#2026-12-08#00:30",
    ]


def test_two_bookings_closer_than_the_buffer_share_a_slot_and_farther_ones_do_not() -> None:
    first = set(rules.slot_keys(at("2026-12-07", "09:00"), at("2026-12-07", "11:00"), 30, SH))
    too_close = set(rules.slot_keys(at("2026-12-07", "11:00"), at("2026-12-07", "12:00"), 30, SH))
    after_buffer = set(rules.slot_keys(at("2026-12-07", "11:30"), at("2026-12-07", "12:30"), 30, SH))
    before_with_buffer = set(rules.slot_keys(at("2026-12-07", "07:30"), at("2026-12-07", "08:30"), 30, SH))
    assert first & too_close
    assert not first & after_buffer
    assert not first & before_with_buffer  # ends 08:30, its buffer ends 09:00 when the first starts


def test_a_start_off_the_half_hour_still_locks_the_slot_it_falls_in() -> None:
    keys = rules.slot_keys(at("2026-12-07", "09:10"), at("2026-12-07", "09:40"), 0, SH)
    assert keys == ["SLOT#2026-12-07#09:00", "SLOT#2026-12-07#09:30"]


# --- availability --------------------------------------------------------------------------------------------


def test_a_booking_inside_the_weekly_hours_is_available() -> None:
    start, end = at("2026-12-07", "09:00"), at("2026-12-07", "11:00")
    assert rules.availability_problem(NINE_TO_SIX, [], start, end, SH) is None


def test_a_booking_crossing_the_end_of_the_template_is_not() -> None:
    start, end = at("2026-12-07", "17:00"), at("2026-12-07", "19:00")
    assert rules.availability_problem(NINE_TO_SIX, [], start, end, SH) == "outside_hours"


def test_a_booking_may_run_across_two_adjacent_intervals() -> None:
    split = {"mon": [["08:00", "12:00"], ["12:00", "18:00"]]}
    start, end = at("2026-12-07", "11:00"), at("2026-12-07", "13:00")  # 2026-12-07 is a Monday
    assert rules.availability_problem(split, [], start, end, SH) is None


def test_a_booking_over_a_lunch_break_is_not_available() -> None:
    split = {"mon": [["08:00", "12:00"], ["13:00", "18:00"]]}
    start, end = at("2026-12-07", "11:00"), at("2026-12-07", "13:30")
    assert rules.availability_problem(split, [], start, end, SH) == "outside_hours"


def test_a_night_booking_crosses_midnight_into_the_next_days_template() -> None:
    nights = {"mon": [["20:00", "24:00"]], "tue": [["00:00", "06:00"]]}
    start, end = at("2026-12-07", "22:00"), at("2026-12-08", "02:00")
    assert rules.availability_problem(nights, [], start, end, SH) is None
    assert rules.availability_problem({"mon": [["20:00", "24:00"]]}, [], start, end, SH) == "outside_hours"


def test_a_day_off_overrides_the_weekly_template() -> None:
    start, end = at("2026-12-07", "09:00"), at("2026-12-07", "11:00")
    assert rules.availability_problem(NINE_TO_SIX, ["2026-12-07"], start, end, SH) == "day_off"
    assert rules.availability_problem(NINE_TO_SIX, [date(2026, 12, 8)], start, end, SH) is None


def test_a_weekday_missing_from_the_template_is_not_worked() -> None:
    weekdays_only = {day: [["08:00", "18:00"]] for day in rules.WEEKDAYS[:5]}
    saturday = at("2026-12-12", "09:00")
    assert (
        rules.availability_problem(weekdays_only, [], saturday, saturday + timedelta(hours=1), SH)
        == "outside_hours"
    )


def test_past_days_off_are_dropped_and_the_rest_sorted_once() -> None:
    today = date(2026, 12, 1)
    kept = rules.upcoming_days_off(
        [date(2026, 12, 24), date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 24)], today
    )
    assert kept == [date(2026, 12, 1), date(2026, 12, 24)]


# --- health --------------------------------------------------------------------------------------------------


def test_a_health_certificate_counts_through_its_expiry_day_only() -> None:
    end = at("2026-12-07", "11:00")
    assert rules.health_problem("healthy", "2026-12-07", end, SH) is None
    assert rules.health_problem("healthy", "2026-12-06", end, SH) == "health_certificate_expired"
    assert rules.health_problem("unhealthy", "2027-12-06", end, SH) == "unhealthy"


def test_a_booking_ending_at_midnight_needs_the_certificate_for_its_own_day_only() -> None:
    end = at("2026-12-08", "00:00")
    assert rules.health_problem("healthy", "2026-12-07", end, SH) is None


# --- onboarding ----------------------------------------------------------------------------------------------


def test_a_new_or_rejected_profile_waits_for_review() -> None:
    assert rules.status_after_submit(None, True) == "pending"
    assert rules.status_after_submit("rejected", False) == "pending"


def test_a_verified_worker_goes_back_to_review_only_when_checked_fields_change() -> None:
    assert rules.status_after_submit("verified", False) == "verified"
    assert rules.status_after_submit("verified", True) == "pending"
    assert rules.status_after_submit("suspended", True) == "suspended"


def test_only_pending_workers_are_verified_and_only_suspended_ones_reinstated() -> None:
    assert rules.status_after_verify("pending", True) == "verified"
    assert rules.status_after_verify("pending", False) == "rejected"
    with pytest.raises(Conflict):
        rules.status_after_verify("verified", True)
    assert rules.status_after_suspend("verified") == "suspended"
    assert rules.status_after_reinstate("suspended", was_verified=True) == "verified"
    assert rules.status_after_reinstate("suspended", was_verified=False) == "pending"
    with pytest.raises(Conflict):
        rules.status_after_reinstate("verified", was_verified=True)


def test_only_verified_switched_on_healthy_workers_are_matchable() -> None:
    assert rules.is_matchable("verified", True, "healthy")
    assert not rules.is_matchable("pending", True, "healthy")
    assert not rules.is_matchable("suspended", True, "healthy")
    assert not rules.is_matchable("verified", False, "healthy")
    assert not rules.is_matchable("verified", True, "unhealthy")


# --- people and skills ---------------------------------------------------------------------------------------


def test_age_and_credit_levels() -> None:
    levels = [(850, "outstanding"), (700, "excellent"), (600, "good"), (400, "fair"), (0, "poor")]
    assert rules.age(1975, date(2026, 12, 1)) == 51
    assert rules.credit_level(600, levels) == "good"
    assert rules.credit_level(599, levels) == "fair"
    assert rules.credit_level(1000, levels) == "outstanding"
    assert rules.credit_level(0, levels) == "poor"


def test_a_named_category_indexes_its_subcategories_and_a_named_service_its_own_category() -> None:
    children = {"cleaning": ["daily", "deep"], "daily": ["windows"]}
    cards = rules.skill_cards(
        [("cleaning", "category", "cleaning"), ("svc_nanny", "service", "maternity")], children
    )
    assert set(cards) == {"cleaning", "daily", "deep", "windows", "maternity"}
    assert cards["cleaning"].via == "category" and cards["windows"].via == "parent"
    assert cards["maternity"].via == "service" and cards["maternity"].services == ["svc_nanny"]


def test_skill_fit_prefers_the_named_service_then_its_category_then_relatives() -> None:
    fits = {"service": 1.0, "category": 0.8, "sibling": 0.6, "parent": 0.5}
    assert rules.skill_fit(rules.CardSkill("service", ["s1"]), "s1", fits) == (1.0, "service")
    assert rules.skill_fit(rules.CardSkill("category", []), "s1", fits) == (0.8, "category")
    assert rules.skill_fit(rules.CardSkill("service", ["s2"]), "s1", fits) == (0.6, "sibling")
    assert rules.skill_fit(rules.CardSkill("parent", []), "s1", fits) == (0.5, "parent")
