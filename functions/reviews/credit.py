"""The credit engine (信用分): one pure function from a worker's inputs to a score 0-1000 with its reasons, and the
level's effects. No I/O, no clock reads, no settings reads: ``now`` and the policy come in as arguments
(``service.credit_policy`` builds it from the settings at the edge).

How a score is made (every part is a reason, with its points, so a worker always sees why):
- start at ``start`` (600, ``good``);
- reviews: the decayed average of the customers' overall scores, 5 → +``review_max``, 3 → 0, 1 → -``review_max``,
  scaled by confidence (decayed review count / ``review_full_count``, at most 1);
- completion rate: completed / (completed + cancellations by the worker + no-shows), decayed; at ``target`` 0,
  at 100 % +``completion_max``, below the target as steeply (never below -3 × ``completion_max``), scaled by
  confidence (decayed orders / ``completion_full_count``);
- each cancellation by the worker ``cancel`` points (``late_cancel`` when close to the start), each no-show
  ``no_show``, each upheld complaint ``complaint``, each active operator violation its kind's points, decayed;
- tenure: ``tenure_per_month`` a full month since the first order, at most ``tenure_max``;
- clamped to 0..1000. A month ``m`` months old weighs 0.5 ** (m / half_life); older than the window, nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel

MIN_SCORE, MAX_SCORE = 0, 1000
RESTRICTED = "restricted"


@dataclass(frozen=True)
class MonthTally:
    """What happened in one calendar month (business time), as the consumers counted it with ADD."""

    month: str  # YYYY-MM
    reviews: int = 0
    review_points: int = 0  # sum over reviews of attitude + skill + quality (3..15 each)
    completed: int = 0
    cancels: int = 0  # cancellations by the worker, late ones included
    late_cancels: int = 0
    no_shows: int = 0


@dataclass(frozen=True)
class Demerit:
    """An upheld complaint (``kind`` = ``complaint``) or an operator violation (its kind), still in effect."""

    id: str
    kind: str
    at: datetime


@dataclass(frozen=True)
class CreditInputs:
    months: Sequence[MonthTally] = ()
    demerits: Sequence[Demerit] = ()
    since: datetime | None = None  # the worker's first order


@dataclass(frozen=True)
class CreditPolicy:
    start: int = 600
    levels: Sequence[tuple[int, str]] = (
        (850, "outstanding"),
        (700, "excellent"),
        (600, "good"),
        (400, "fair"),
    )
    restricted_below: int = 250
    window_months: int = 12
    half_life_months: float = 3.0
    review_max: int = 200
    review_full_count: int = 10
    completion_max: int = 100
    completion_target: float = 0.9
    completion_full_count: int = 10
    cancel: int = -15
    late_cancel: int = -40
    no_show: int = -60
    complaint: int = -50
    violations: Mapping[str, int] = field(default_factory=dict)
    tenure_per_month: int = 5
    tenure_max: int = 60
    price_percent: Mapping[str, int] = field(default_factory=dict)
    commission_percent: Mapping[str, int] = field(default_factory=dict)
    platform_commission_percent: int = 20
    max_concurrent_orders: Mapping[str, int] = field(default_factory=dict)
    platform_max_concurrent_orders: int = 10


class CreditReason(BaseModel):
    """One part of the score: what it is, its points, and the figures behind them."""

    kind: str  # start | reviews | completion | cancellations | no_shows | complaints | violations | tenure
    points: int
    note: str


class CreditResult(BaseModel):
    score: int
    level: str
    reasons: list[CreditReason]


class CreditEffects(BaseModel):
    """What the level changes, each used by its owner (API.md "effects")."""

    ranking_weight: float  # the credit part of the matching score (score / 1000, weighed by matching_weights)
    price_multiplier: float  # on the subtotal of a booking with this worker (a quote line)
    max_concurrent_orders: int
    commission_rate: float  # the platform's share at settlement, 0..1
    matchable: bool  # False for ``restricted``: never matched, not bookable


def months_between(earlier: str, later: str) -> int:
    """Whole calendar months from ``earlier`` to ``later`` (both YYYY-MM)."""
    y1, m1 = (int(x) for x in earlier.split("-"))
    y2, m2 = (int(x) for x in later.split("-"))
    return (y2 - y1) * 12 + (m2 - m1)


def month_of(instant: datetime) -> str:
    return f"{instant.year:04d}-{instant.month:02d}"


def level_of(score: int, policy: CreditPolicy) -> str:
    """``restricted`` below ``restricted_below``; else the first level from the top whose minimum it reaches;
    ``poor`` below all of them."""
    if score < policy.restricted_below:
        return RESTRICTED
    for minimum, name in sorted(policy.levels, reverse=True):
        if score >= minimum:
            return name
    return "poor"


def effects_of(score: int, level: str, policy: CreditPolicy) -> CreditEffects:
    commission = policy.commission_percent.get(level, policy.platform_commission_percent)
    cap = policy.max_concurrent_orders.get(level, policy.platform_max_concurrent_orders)
    return CreditEffects(
        ranking_weight=round(score / MAX_SCORE, 3),
        price_multiplier=policy.price_percent.get(level, 100) / 100,
        max_concurrent_orders=min(cap, policy.platform_max_concurrent_orders),
        commission_rate=min(commission, policy.platform_commission_percent) / 100,
        matchable=level != RESTRICTED,
    )


def weight(age_months: int, policy: CreditPolicy) -> float:
    """How much a month ``age_months`` old counts: 1 this month, halving every ``half_life_months``, 0 from
    ``window_months`` on."""
    if age_months >= policy.window_months:
        return 0.0
    return 0.5 ** (max(0, age_months) / policy.half_life_months)


def credit_score(inputs: CreditInputs, *, now: datetime, policy: CreditPolicy) -> CreditResult:
    """The worker's score 0-1000, its level and its reasons (non-zero parts, the start first)."""
    this_month = month_of(now)
    reasons = [CreditReason(kind="start", points=policy.start, note=f"起始分{policy.start}")]

    w_reviews = w_points = w_completed = w_failed = 0.0
    cancel_points = no_show_points = 0.0
    cancels = late = no_shows = 0
    for m in inputs.months:
        w = weight(months_between(m.month, this_month), policy)
        if w == 0:
            continue
        w_reviews += w * m.reviews
        w_points += w * m.review_points
        w_completed += w * m.completed
        w_failed += w * (m.cancels + m.no_shows)
        on_time_cancels = max(0, m.cancels - m.late_cancels)
        cancel_points += w * (on_time_cancels * policy.cancel + m.late_cancels * policy.late_cancel)
        no_show_points += w * m.no_shows * policy.no_show
        cancels, late, no_shows = cancels + m.cancels, late + m.late_cancels, no_shows + m.no_shows

    if w_reviews > 0:
        average = w_points / (3 * w_reviews)  # the decayed mean of the overall (1..5)
        confidence = min(1.0, w_reviews / policy.review_full_count)
        points = round(policy.review_max * (average - 3) / 2 * confidence)
        reasons.append(CreditReason(kind="reviews", points=points, note=f"近期评价均分{average:.2f}"))

    orders = w_completed + w_failed
    if orders > 0:
        rate = w_completed / orders
        target = policy.completion_target
        slope = (rate - target) / (1 - target)
        confidence = min(1.0, orders / policy.completion_full_count)
        value = max(-3.0, slope) * policy.completion_max * confidence
        reasons.append(CreditReason(kind="completion", points=round(value), note=f"完成率{rate:.0%}"))

    if cancels:
        reasons.append(
            CreditReason(
                kind="cancellations", points=round(cancel_points), note=f"取消{cancels}次（临近开始{late}次）"
            )
        )
    if no_shows:
        reasons.append(CreditReason(kind="no_shows", points=round(no_show_points), note=f"爽约{no_shows}次"))

    for kind, label in (("complaints", "有效投诉"), ("violations", "违规")):
        points, count = 0.0, 0
        for d in inputs.demerits:
            if (d.kind == "complaint") != (kind == "complaints"):
                continue
            w = weight(months_between(month_of(d.at), this_month), policy)
            if w == 0:
                continue
            base = policy.complaint if d.kind == "complaint" else policy.violations.get(d.kind, 0)
            points, count = points + w * base, count + 1
        if count:
            reasons.append(CreditReason(kind=kind, points=round(points), note=f"{label}{count}次"))

    if inputs.since is not None:
        months = max(0, months_between(month_of(inputs.since), this_month) - (now.day < inputs.since.day))
        tenure = min(policy.tenure_max, months * policy.tenure_per_month)
        if tenure:
            reasons.append(CreditReason(kind="tenure", points=tenure, note=f"服务{months}个月"))

    score = max(MIN_SCORE, min(MAX_SCORE, sum(r.points for r in reasons)))
    return CreditResult(score=score, level=level_of(score, policy), reasons=reasons)


def summary(reasons: Sequence[CreditReason]) -> str:
    """The reasons in one line, for the history (``评价 +120；完成率 +50``)."""
    return "；".join(f"{r.note} {r.points:+d}" for r in reasons if r.kind != "start") or "起始分"
