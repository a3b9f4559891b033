"""The credit engine's rules: every input moves the score the documented way, the score stays in 0..1000, and the
levels and their effects change exactly at their edges."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from functions.reviews.credit import (
    CreditInputs,
    CreditPolicy,
    Demerit,
    MonthTally,
    credit_score,
    effects_of,
    level_of,
    summary,
    weight,
)

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 15, 10, 0, tzinfo=SH)
POLICY = CreditPolicy(
    violations={"no_show": -60, "late": -20, "misconduct": -100, "fraud": -300, "other": -30},
    price_percent={"outstanding": 110, "excellent": 105, "poor": 95},
    commission_percent={"outstanding": 15},
    max_concurrent_orders={"fair": 5, "poor": 2, "restricted": 0},
)


def score(**month: int) -> int:
    return score_of(CreditInputs(months=[MonthTally(month="2026-12", **month)]))


def score_of(inputs: CreditInputs) -> int:
    return credit_score(inputs, now=NOW, policy=POLICY).score


def test_a_new_worker_without_inputs_starts_at_the_start_score_good() -> None:
    result = credit_score(CreditInputs(), now=NOW, policy=POLICY)
    assert (result.score, result.level) == (600, "good")
    assert [r.kind for r in result.reasons] == ["start"]


@pytest.mark.parametrize(
    ("month", "direction"),
    [
        ({"reviews": 10, "review_points": 150}, +1),  # ten 5-star reviews
        ({"reviews": 10, "review_points": 90}, 0),  # ten 3-star reviews
        ({"reviews": 10, "review_points": 30}, -1),  # ten 1-star reviews
        ({"completed": 20}, +1),  # 100 % completion
        ({"completed": 18, "cancels": 2}, -1),  # 90 % (the target: 0 points) and two cancellations
        ({"cancels": 1}, -1),
        ({"no_shows": 1}, -1),
    ],
)
def test_each_input_moves_the_score_the_documented_way(month: dict[str, int], direction: int) -> None:
    moved = score(**month) - 600
    assert (moved > 0) - (moved < 0) == direction, moved


def test_full_marks_in_reviews_give_the_review_maximum_once_there_are_enough() -> None:
    assert score(reviews=10, review_points=150) == 600 + POLICY.review_max
    assert score(reviews=5, review_points=75) == 600 + POLICY.review_max // 2  # half the confidence


def test_a_late_cancellation_weighs_more_than_one_made_in_time() -> None:
    in_time = score(completed=9, cancels=1)
    late = score(completed=9, cancels=1, late_cancels=1)
    assert late - in_time == POLICY.late_cancel - POLICY.cancel


def test_a_no_show_weighs_more_than_a_cancellation() -> None:
    assert score(completed=9, no_shows=1) < score(completed=9, cancels=1)


def test_recent_reviews_weigh_more_than_old_ones() -> None:
    bad_then_good = CreditInputs(
        months=[
            MonthTally(month="2026-06", reviews=10, review_points=30),
            MonthTally(month="2026-12", reviews=10, review_points=150),
        ]
    )
    good_then_bad = CreditInputs(
        months=[
            MonthTally(month="2026-06", reviews=10, review_points=150),
            MonthTally(month="2026-12", reviews=10, review_points=30),
        ]
    )
    assert score_of(bad_then_good) > 600 > score_of(good_then_bad)


def test_a_month_older_than_the_window_no_longer_counts() -> None:
    old = CreditInputs(months=[MonthTally(month="2025-12", no_shows=5)])
    assert score_of(old) == 600
    assert weight(POLICY.window_months, POLICY) == 0
    assert weight(0, POLICY) == 1 and weight(3, POLICY) == pytest.approx(0.5)


@pytest.mark.parametrize(("kind", "points"), [("misconduct", -100), ("fraud", -300), ("late", -20)])
def test_an_operator_violation_takes_its_kinds_points_this_month(kind: str, points: int) -> None:
    inputs = CreditInputs(demerits=[Demerit(id="v1", kind=kind, at=NOW)])
    assert score_of(inputs) == 600 + points


def test_an_upheld_complaint_counts_and_a_withdrawn_one_is_simply_absent() -> None:
    with_complaint = CreditInputs(demerits=[Demerit(id="c1", kind="complaint", at=NOW)])
    assert score_of(with_complaint) == 600 + POLICY.complaint
    assert score_of(CreditInputs(demerits=[])) == 600


def test_tenure_adds_per_full_month_up_to_its_cap() -> None:
    three_months = CreditInputs(since=datetime(2026, 9, 15, 9, 0, tzinfo=SH))
    assert score_of(three_months) == 600 + 3 * POLICY.tenure_per_month
    not_quite = CreditInputs(since=datetime(2026, 9, 16, 9, 0, tzinfo=SH))
    assert score_of(not_quite) == 600 + 2 * POLICY.tenure_per_month
    veteran = CreditInputs(since=datetime(2020, 1, 1, tzinfo=SH))
    assert score_of(veteran) == 600 + POLICY.tenure_max


def test_the_score_stays_within_0_and_1000() -> None:
    awful = CreditInputs(
        months=[MonthTally(month="2026-12", reviews=50, review_points=150, cancels=30, no_shows=20)],
        demerits=[Demerit(id=f"v{i}", kind="fraud", at=NOW) for i in range(5)],
    )
    assert score_of(awful) == 0
    generous = CreditPolicy(start=950, review_max=500)
    perfect = CreditInputs(months=[MonthTally(month="2026-12", reviews=20, review_points=300, completed=30)])
    assert credit_score(perfect, now=NOW, policy=generous).score == 1000


@pytest.mark.parametrize(
    ("value", "level"),
    [
        (1000, "outstanding"),
        (850, "outstanding"),
        (849, "excellent"),
        (700, "excellent"),
        (699, "good"),
        (600, "good"),
        (599, "fair"),
        (400, "fair"),
        (399, "poor"),
        (250, "poor"),
        (249, "restricted"),
        (0, "restricted"),
    ],
)
def test_levels_change_exactly_at_their_minimums(value: int, level: str) -> None:
    assert level_of(value, POLICY) == level


def test_effects_follow_the_level() -> None:
    best = effects_of(900, "outstanding", POLICY)
    assert (best.price_multiplier, best.commission_rate, best.max_concurrent_orders) == (1.1, 0.15, 10)
    assert best.matchable and best.ranking_weight == 0.9
    good = effects_of(650, "good", POLICY)
    assert (good.price_multiplier, good.commission_rate, good.max_concurrent_orders) == (1.0, 0.2, 10)
    poor = effects_of(300, "poor", POLICY)
    assert (poor.price_multiplier, poor.max_concurrent_orders, poor.matchable) == (0.95, 2, True)
    restricted = effects_of(100, "restricted", POLICY)
    assert (restricted.matchable, restricted.max_concurrent_orders) == (False, 0)


def test_every_reason_is_explained_and_the_points_add_up_to_the_score() -> None:
    inputs = CreditInputs(
        months=[MonthTally(month="2026-12", reviews=4, review_points=56, completed=6, cancels=1)],
        demerits=[Demerit(id="v1", kind="late", at=NOW)],
        since=datetime(2026, 6, 1, tzinfo=SH),
    )
    result = credit_score(inputs, now=NOW, policy=POLICY)
    assert sum(r.points for r in result.reasons) == result.score
    assert {r.kind for r in result.reasons} == {
        "start",
        "reviews",
        "completion",
        "cancellations",
        "violations",
        "tenure",
    }
    assert all(r.note for r in result.reasons)
    assert "起始分" not in summary(result.reasons)
