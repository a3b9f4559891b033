"""The score of a candidate: a weighted sum of skill fit, distance, rating, credit and experience, each part in
0..1 and reported with its reason. Pure: weights and caps come in as arguments (settings at the edge)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from functions.matching.models import Reason, Reasons

PARTS = ("skill", "distance", "rating", "credit", "experience")
SKILL_NOTES = {
    "service": "擅长该服务",
    "category": "擅长该类服务",
    "sibling": "做过同类其他服务",
    "parent": "擅长所属大类",
}
LEVEL_NAMES = {
    "outstanding": "极好",
    "excellent": "优秀",
    "good": "良好",
    "fair": "一般",
    "poor": "较差",
    "restricted": "受限",
}


@dataclass(frozen=True)
class Candidate:
    skill_fit: float
    skill_kind: str  # service | category | sibling | parent
    distance_km: float
    rating_count: int
    rating_overall: float  # mean of 1-5 scores; ignored when there is no review
    credit_score: int  # 0-1000
    credit_level: str
    experience_years: int


@dataclass(frozen=True)
class Scoring:
    weights: Mapping[str, float]
    max_radius_km: float
    experience_cap_years: int
    rating_prior_mean: float
    rating_prior_weight: int


def parts(c: Candidate, s: Scoring) -> dict[str, tuple[float, str]]:
    """Each part's value in 0..1 and its note."""
    distance = max(0.0, 1.0 - c.distance_km / s.max_radius_km)
    # Few reviews say little: pull the average towards the prior (a Bayesian mean), then map 1..5 to 0..1.
    count = max(c.rating_count, 0)
    mean = (c.rating_overall * count + s.rating_prior_mean * s.rating_prior_weight) / (
        count + s.rating_prior_weight
    )
    rating = min(1.0, max(0.0, (mean - 1.0) / 4.0))
    rating_note = f"{count}条评价，平均{c.rating_overall:.1f}分" if count else "暂无评价"
    experience = min(c.experience_years, s.experience_cap_years) / s.experience_cap_years
    return {
        "skill": (c.skill_fit, SKILL_NOTES.get(c.skill_kind, c.skill_kind)),
        "distance": (distance, f"距离{c.distance_km:.1f}公里"),
        "rating": (rating, rating_note),
        "credit": (
            min(1.0, max(0.0, c.credit_score / 1000)),
            f"信用分{c.credit_score}（{LEVEL_NAMES.get(c.credit_level, c.credit_level)}）",
        ),
        "experience": (experience, f"{c.experience_years}年经验"),
    }


def score(c: Candidate, s: Scoring) -> tuple[float, Reasons]:
    """The score (0..1) and its reasons; the contributions add up to the score (weights are normalised)."""
    total_weight = sum(max(0.0, s.weights.get(p, 0.0)) for p in PARTS) or 1.0
    reasons: dict[str, Reason] = {}
    for name, (value, note) in parts(c, s).items():
        weight = max(0.0, s.weights.get(name, 0.0)) / total_weight
        reasons[name] = Reason(
            value=round(value, 4), weight=round(weight, 4), contribution=round(weight * value, 4), note=note
        )
    total = sum(r.contribution for r in reasons.values())
    return round(min(1.0, total), 4), Reasons(**reasons)


def rank_key(score_value: float, distance_km: float, worker_id: str) -> tuple[float, float, str]:
    """Best first; ties go to the nearer worker, then to the smaller id, so the order never wobbles."""
    return (-score_value, round(distance_km, 3), worker_id)
