"""The matching score: a weighted sum in 0..1 whose reasons add up to it, nearer/better-rated/more credible/
more experienced workers first, and a tie-break that never wobbles."""

from __future__ import annotations

import dataclasses

import pytest

from functions.matching.score import Candidate, Scoring, rank_key, score

SCORING = Scoring(
    weights={"skill": 0.25, "distance": 0.3, "rating": 0.2, "credit": 0.15, "experience": 0.1},
    max_radius_km=10,
    experience_cap_years=10,
    rating_prior_mean=4.0,
    rating_prior_weight=5,
)
TYPICAL = Candidate(
    skill_fit=0.8,
    skill_kind="category",
    distance_km=2.0,
    rating_count=10,
    rating_overall=4.6,
    credit_score=600,
    credit_level="good",
    experience_years=5,
)


def test_the_score_is_between_0_and_1_and_its_reasons_add_up_to_it() -> None:
    value, reasons = score(TYPICAL, SCORING)
    parts = [reasons.skill, reasons.distance, reasons.rating, reasons.credit, reasons.experience]
    assert 0 <= value <= 1
    assert sum(p.contribution for p in parts) == pytest.approx(value, abs=1e-3)
    assert sum(p.weight for p in parts) == pytest.approx(1.0, abs=1e-3)
    assert reasons.distance.note == "距离2.0公里" and reasons.experience.note == "5年经验"
    assert reasons.credit.note == "信用分600（良好）"


def test_the_perfect_worker_scores_1_and_the_worst_possible_0() -> None:
    best = Candidate(1.0, "service", 0.0, 10_000, 5.0, 1000, "outstanding", 30)
    worst = Candidate(0.0, "parent", 10.0, 10_000, 1.0, 0, "poor", 0)
    assert score(best, SCORING)[0] == pytest.approx(1.0, abs=1e-3)
    assert score(worst, SCORING)[0] == pytest.approx(0.0, abs=1e-3)


@pytest.mark.parametrize(
    ("field", "better", "worse"),
    [
        ("distance_km", 1.0, 6.0),
        ("skill_fit", 1.0, 0.6),
        ("rating_overall", 4.9, 3.5),
        ("credit_score", 750, 500),
        ("experience_years", 9, 1),
    ],
)
def test_each_part_moves_the_score_the_right_way(field: str, better: float, worse: float) -> None:
    good = dataclasses.replace(TYPICAL, **{field: better})
    bad = dataclasses.replace(TYPICAL, **{field: worse})
    assert score(good, SCORING)[0] > score(bad, SCORING)[0]


def test_one_perfect_review_counts_less_than_many_good_ones() -> None:
    lucky = dataclasses.replace(TYPICAL, rating_count=1, rating_overall=5.0)
    proven = dataclasses.replace(TYPICAL, rating_count=80, rating_overall=4.8)
    assert score(proven, SCORING)[1].rating.value > score(lucky, SCORING)[1].rating.value


def test_a_worker_without_reviews_gets_the_prior_not_zero() -> None:
    fresh = dataclasses.replace(TYPICAL, rating_count=0, rating_overall=0.0)
    _, reasons = score(fresh, SCORING)
    assert reasons.rating.value == pytest.approx(0.75) and reasons.rating.note == "暂无评价"


def test_weights_are_normalised_so_only_their_proportions_matter() -> None:
    doubled = dataclasses.replace(SCORING, weights={k: 2 * v for k, v in SCORING.weights.items()})
    assert score(TYPICAL, doubled)[0] == score(TYPICAL, SCORING)[0]


def test_ties_go_to_the_nearer_worker_then_the_smaller_id() -> None:
    keys = [
        rank_key(0.8, 3.0, "w-b"),
        rank_key(0.8, 1.0, "w-c"),
        rank_key(0.8, 3.0, "w-a"),
        rank_key(0.9, 9.0, "w-z"),
    ]
    assert [k[2] for k in sorted(keys)] == ["w-z", "w-c", "w-a", "w-b"]
