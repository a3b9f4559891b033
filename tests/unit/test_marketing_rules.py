"""Marketing's pure rules: coupon discounts and applicability, points at checkout, sign-in streaks, tiers, expiry
dates, first-in-first-out points expiry, birthdays on 29 February, share links."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from common.errors import (
    CouponExpired,
    CouponNotApplicable,
    CouponUsed,
    InsufficientPoints,
    PointsLimit,
    RuleViolation,
)

from functions.marketing import rules
from functions.payments.ledger import subsidy_for

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 10, tzinfo=SH)


def terms(**overrides: object) -> rules.CouponTerms:
    base = {
        "discount_fen": 2000,
        "percent_off": None,
        "max_discount_fen": None,
        "threshold_fen": 10000,
        "category_ids": (),
        "valid_from": NOW - timedelta(days=1),
        "valid_until": NOW + timedelta(days=1),
    }
    return rules.CouponTerms(**{**base, **overrides})  # type: ignore[arg-type]


def discount(
    t: rules.CouponTerms, payable: int = 12000, status: str = "available", category: str = "c1"
) -> int:
    return rules.coupon_discount(t, stored_status=status, category_id=category, payable_fen=payable, now=NOW)


def test_a_threshold_coupon_takes_its_amount_at_or_above_the_threshold_only() -> None:
    assert discount(terms(), payable=10000) == 2000
    with pytest.raises(CouponNotApplicable):
        discount(terms(), payable=9999)


def test_a_percent_coupon_is_rounded_to_the_fen_and_capped() -> None:
    assert discount(terms(discount_fen=None, percent_off=15, threshold_fen=0), payable=9999) == 1500
    assert discount(terms(discount_fen=None, percent_off=50, max_discount_fen=3000, threshold_fen=0)) == 3000


def test_a_coupon_never_takes_more_than_is_payable() -> None:
    assert discount(terms(discount_fen=5000, threshold_fen=0), payable=3000) == 3000


def test_used_expired_early_and_other_category_coupons_are_refused_with_their_reason() -> None:
    with pytest.raises(CouponUsed):
        discount(terms(), status="used")
    with pytest.raises(CouponExpired):
        discount(terms(valid_until=NOW - timedelta(seconds=1)))
    with pytest.raises(CouponNotApplicable):
        discount(terms(valid_from=NOW + timedelta(hours=1)))
    with pytest.raises(CouponNotApplicable):
        discount(terms(category_ids=("c2",)))
    assert discount(terms(category_ids=("c1", "c2"))) == 2000


def test_a_coupon_comes_back_if_unpaid_or_refunded_in_full_only() -> None:
    assert rules.coupon_comes_back("pending_payment", 0, 8000)
    assert rules.coupon_comes_back("accepted", 8000, 8000)
    assert not rules.coupon_comes_back("accepted", 6400, 8000)


def test_points_pay_a_fen_each_within_the_balance_and_half_of_what_is_payable() -> None:
    kw = {"max_percent": 50, "points_per_yuan": 100}
    assert rules.points_discount(5000, balance=6000, payable_fen=10000, **kw) == 5000
    with pytest.raises(PointsLimit):
        rules.points_discount(5001, balance=6000, payable_fen=10000, **kw)
    with pytest.raises(InsufficientPoints):
        rules.points_discount(6001, balance=6000, payable_fen=20000, **kw)
    assert rules.points_discount(0, balance=0, payable_fen=10000, **kw) == 0


def test_points_that_do_not_make_whole_fen_are_refused() -> None:
    with pytest.raises(RuleViolation):
        rules.points_discount(151, balance=1000, payable_fen=10000, max_percent=50, points_per_yuan=200)


def test_the_sign_in_bonus_grows_with_the_streak_up_to_its_cap() -> None:
    rewards = [rules.signin_reward(s, base=5, bonus=1, cap=10) for s in (1, 2, 7, 30)]
    assert rewards == [5, 6, 11, 15]
    assert rules.next_streak(None) == 1 and rules.next_streak(6) == 7


def test_the_tier_is_the_highest_threshold_reached_and_the_next_says_what_is_missing() -> None:
    tiers = tuple(
        rules.TierRule(t, m, 0, 0, 0, False, 0) for t, m in (("regular", 0), ("silver", 100), ("gold", 500))
    )
    assert rules.tier_for(99, tiers).tier == "regular"
    assert rules.tier_for(100, tiers).tier == "silver"
    assert rules.next_tier(120, tiers) == ("gold", 380)
    assert rules.next_tier(900, tiers) is None


def test_a_spend_leaves_the_rolling_window_after_the_window_has_passed() -> None:
    spent = date(2026, 3, 1)
    assert rules.leaves_window_on(spent, 365) == date(2027, 3, 1)
    assert rules.window_start(date(2027, 2, 28), 365) <= spent < rules.window_start(date(2027, 3, 1), 365)


def test_points_expire_first_in_first_out() -> None:
    assert rules.points_expiry_year(date(2026, 6, 1)) == 2027
    assert rules.points_expiring(earned_through_year=1000, consumed_total=300) == 700
    assert rules.points_expiring(earned_through_year=1000, consumed_total=1500) == 0


def test_a_coupon_expires_on_the_business_date_of_its_end() -> None:
    assert rules.expiry_day(datetime(2026, 12, 1, 17, tzinfo=ZoneInfo("UTC")), SH) == "2026-12-02"


def test_leap_day_birthdays_are_celebrated_on_28_february_of_common_years() -> None:
    assert rules.birthday_keys(date(2027, 2, 28)) == ["02-28", "02-29"]
    assert rules.birthday_keys(date(2028, 2, 28)) == ["02-28"]


def test_segments_are_all_or_a_tier() -> None:
    assert rules.parse_segment("all") == ("all", None)
    assert rules.parse_segment("tier:gold") == ("tier", "gold")
    with pytest.raises(RuleViolation):
        rules.parse_segment("tier:platinum")


def test_a_share_link_carries_the_sharers_code() -> None:
    link = rules.share_link("/pages/service/detail", "service_id", "svc1", "ABCD1234", "日常保洁")
    assert link == {
        "path": "/pages/service/detail",
        "query": "service_id=svc1&ref=ABCD1234",
        "title": "日常保洁",
    }


def test_the_platform_subsidy_is_the_discount_in_proportion_to_what_was_not_refunded() -> None:
    assert subsidy_for(2000, 8000, 0) == 2000
    assert subsidy_for(2000, 8000, 4000) == 1000
    assert subsidy_for(2000, 8000, 8000) == 0
    assert subsidy_for(0, 8000, 0) == 0
