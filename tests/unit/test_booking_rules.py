"""Booking's pure rules: when a booking may start, which moves are allowed, what a cancellation refunds."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from common.errors import InvalidTransition, RuleViolation

from functions.booking import rules

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
TIME = rules.TimeRules(
    min_notice=timedelta(hours=2),
    horizon=timedelta(days=30),
    max_length=timedelta(hours=24),
    start_early=timedelta(minutes=60),
)
POLICY = rules.CancelPolicy(fee_window=timedelta(hours=2), fee_percent=20)


def check(start: datetime, hours: float = 2) -> None:
    rules.check_booking_time(start, start + timedelta(hours=hours), now=NOW, tz=TZ, rules=TIME)


def code_of(fn, *args, **kw) -> str:
    with pytest.raises((RuleViolation, InvalidTransition)) as err:
        fn(*args, **kw)
    return err.value.code


def test_a_booking_starts_on_the_hour_or_half_hour_with_two_hours_notice_within_thirty_days() -> None:
    check(NOW + timedelta(hours=2))
    check(NOW + timedelta(days=30))
    assert code_of(check, NOW + timedelta(hours=2, minutes=15)) == "START_NOT_ON_SLOT"
    assert code_of(check, NOW + timedelta(hours=1, minutes=30)) == "TOO_SHORT_NOTICE"
    assert code_of(check, NOW + timedelta(days=30, minutes=30)) == "BEYOND_HORIZON"
    assert code_of(check, NOW + timedelta(hours=3), 24.5) == "BOOKING_TOO_LONG"


def test_the_half_hour_is_judged_in_business_time_whatever_offset_the_client_sent() -> None:
    utc_start = (NOW + timedelta(hours=3)).astimezone(ZoneInfo("UTC"))
    check(utc_start)
    kathmandu = (NOW + timedelta(hours=3)).astimezone(ZoneInfo("Asia/Kathmandu"))  # +05:45
    check(kathmandu)


def test_a_booking_ends_after_its_units_of_the_service_duration() -> None:
    assert rules.booking_end(NOW, 3, 60) == NOW + timedelta(hours=3)


def test_a_worker_may_start_from_an_hour_before_the_scheduled_time() -> None:
    start = NOW + timedelta(hours=1)
    rules.check_can_start(start, now=NOW, rules=TIME)
    assert code_of(rules.check_can_start, start, now=NOW - timedelta(minutes=1), rules=TIME) == "TOO_EARLY"


@pytest.mark.parametrize(
    ("move", "status", "to"),
    [
        ("pay", "pending_payment", "pending_acceptance"),
        ("accept", "pending_acceptance", "accepted"),
        ("start", "accepted", "in_service"),
        ("complete", "in_service", "completed"),
        ("reassign", "accepted", "pending_acceptance"),
        ("operator_cancel", "in_service", "cancelled"),
    ],
)
def test_the_lifecycle_moves_forward(move: str, status: str, to: str) -> None:
    assert rules.transition(move, status) == to


@pytest.mark.parametrize(
    ("move", "status"),
    [
        ("accept", "pending_payment"),
        ("start", "pending_acceptance"),
        ("complete", "accepted"),
        ("pay", "cancelled"),
        ("cancel", "completed"),
        ("operator_cancel", "cancelled"),
        ("reassign", "in_service"),
    ],
)
def test_a_move_from_the_wrong_state_is_an_invalid_transition(move: str, status: str) -> None:
    assert code_of(rules.transition, move, status) == "INVALID_TRANSITION"


def refund_of(status: str, hours_before_start: float, paid: int = 10000) -> rules.Refund:
    start = NOW + timedelta(hours=hours_before_start)
    return rules.customer_cancellation(status, start, paid, now=NOW, policy=POLICY)


def test_a_customer_gets_everything_back_before_acceptance_and_until_two_hours_before_the_start() -> None:
    assert refund_of("pending_payment", 1, paid=0) == rules.Refund(0, 0)
    assert refund_of("pending_acceptance", 1) == rules.Refund(10000, 0)
    assert refund_of("accepted", 2.5) == rules.Refund(10000, 0)


def test_within_two_hours_of_an_accepted_start_a_fifth_goes_to_the_worker() -> None:
    assert refund_of("accepted", 2) == rules.Refund(8000, 2000)
    assert refund_of("accepted", 0.5, paid=9999) == rules.Refund(7999, 2000)


def test_after_the_start_only_an_operator_cancels_and_chooses_the_refund() -> None:
    assert code_of(refund_of, "in_service", -1) == "INVALID_TRANSITION"
    assert code_of(refund_of, "completed", -5) == "INVALID_TRANSITION"
    assert rules.operator_cancellation("in_service", 10000, None) == rules.Refund(10000, 0)
    assert rules.operator_cancellation("in_service", 10000, 3000) == rules.Refund(3000, 0)
    assert code_of(rules.operator_cancellation, "accepted", 10000, 10001) == "REFUND_TOO_LARGE"


def test_the_workflow_reads_its_next_step_from_the_order() -> None:
    assert rules.next_step("pending_payment", "w1", settled=False) == "await_payment"
    assert rules.next_step("pending_acceptance", "w1", settled=False) == "await_acceptance"
    assert rules.next_step("pending_acceptance", None, settled=False) == "dispatch"
    assert rules.next_step("accepted", "w1", settled=False) == "await_start"
    assert rules.next_step("in_service", "w1", settled=False) == "await_completion"
    assert rules.next_step("completed", "w1", settled=False) == "await_confirmation"
    assert rules.next_step("completed", "w1", settled=False, confirmed=True) == "dispute_window"
    assert rules.next_step("completed", "w1", settled=True) == "done"
    assert rules.next_step("cancelled", None, settled=False) == "compensate"


def test_a_completed_order_waits_for_its_confirmation_and_the_dispute_window_runs_from_it() -> None:
    assert rules.STAGE_STEP["confirmation"] == "await_confirmation"
    assert rules.next_step("completed", "w1", settled=False, confirmed=False) == "await_confirmation"
    assert rules.next_step("completed", "w1", settled=False, confirmed=True) == "dispute_window"
    assert rules.next_step("completed", "w1", settled=True, confirmed=False) == "done"  # settled before
    assert rules.transition("confirm", "completed") == "completed"
    for status in ("pending_payment", "accepted", "in_service", "cancelled"):
        assert code_of(rules.transition, "confirm", status) == "INVALID_TRANSITION"


def test_a_wait_lasts_until_its_time_at_least_a_second_and_at_most_the_cap() -> None:
    assert rules.wait_seconds(NOW + timedelta(hours=1), now=NOW, cap_seconds=0) == 3600
    assert rules.wait_seconds(NOW - timedelta(hours=1), now=NOW, cap_seconds=0) == 1
    assert rules.wait_seconds(NOW + timedelta(hours=1), now=NOW, cap_seconds=5) == 5


def test_dispatch_stops_after_the_allowed_number_of_offers() -> None:
    assert not rules.dispatch_exhausted(2, 3)
    assert rules.dispatch_exhausted(3, 3)
