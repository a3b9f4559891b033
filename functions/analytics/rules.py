"""What each domain event adds to the statistics (pure: no I/O, no clock).

``tally(event_type, detail, ...)`` turns one event into a ``Tally``: ADD deltas per counter item, the users it
makes active that day, and the facts kept beside the counters (a review's scores, a credit score, a tier). The
store writes a tally in one transaction with the consumer's once-per-event guard, so an event counts exactly once.

Where an event counts: into the business day (Asia/Shanghai) of its ``at``; a paid order's demand
(``cat:{c}:demand``, the forecast's input) counts into the day of its ``start``, the day the work is done.

Counter names on a day item (attribute names; dimensions after a colon):
``orders_created, orders_paid, orders_completed, orders_cancelled, orders_no_show, orders_declined, complaints,
gmv_fen, refunds_fen, commission_fen, worker_earnings_fen, service_minutes, new_users, new_workers,
active_users, active_workers, coupons_issued, coupons_used, coupons_released, coupon_discount_fen,
points_earned, points_spent, referrals_rewarded, tier_changes, reviews``, and per dimension
``cat:{c}:created|paid|completed|cancelled|amount_fen|demand|demand_minutes``, ``channel:{ch}:orders|paid|
amount_fen|users``, ``region:{r}:users|workers|orders``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from common.errors import BadDateRange, UnknownMetric
from common.events import IDENTITY_EVENTS, MARKETING_EVENTS, ORDER_EVENTS, REVIEW_EVENTS

# GET /v1/admin/stats/timeseries?metric= → the day counter it reads (API.md lists the first ten).
METRICS: dict[str, str] = {
    "orders_created": "orders_created",
    "orders_paid": "orders_paid",
    "orders_completed": "orders_completed",
    "orders_cancelled": "orders_cancelled",
    "gmv_fen": "gmv_fen",
    "refunds_fen": "refunds_fen",
    "new_users": "new_users",
    "active_users": "active_users",
    "coupons_used": "coupons_used",
    "points_earned": "points_earned",
    "orders_no_show": "orders_no_show",
    "complaints": "complaints",
    "commission_fen": "commission_fen",
    "worker_earnings_fen": "worker_earnings_fen",
    "service_minutes": "service_minutes",
    "new_workers": "new_workers",
    "active_workers": "active_workers",
    "coupons_issued": "coupons_issued",
    "points_spent": "points_spent",
}

# What the counters count: every order event, first logins, and marketing's and reviews' events (their names
# live once, in common.events).
ORDER_EVENTS_COUNTED = ORDER_EVENTS
OTHER_EVENTS_COUNTED = IDENTITY_EVENTS + MARKETING_EVENTS + REVIEW_EVENTS
COUNTED_EVENTS = ORDER_EVENTS_COUNTED + OTHER_EVENTS_COUNTED

Deltas = dict[str, int]


@dataclass(frozen=True)
class Active:
    """A user seen on a day; counted once per user, role and day (a guard item)."""

    role: str  # customer | worker
    user_id: str
    day: date
    region: str | None


@dataclass
class Tally:
    days: dict[date, Deltas] = field(default_factory=lambda: defaultdict(dict))
    totals: Deltas = field(default_factory=dict)  # all-time, sharded like the days
    workers: dict[tuple[str, date], Deltas] = field(default_factory=lambda: defaultdict(dict))
    worker_ratings: dict[tuple[str, str], Deltas] = field(default_factory=lambda: defaultdict(dict))
    customers: dict[str, Deltas] = field(default_factory=lambda: defaultdict(dict))
    active: list[Active] = field(default_factory=list)
    seen_workers: set[str] = field(default_factory=set)
    review: dict[str, Any] | None = None  # a customer's review of a worker, kept so hiding it can take it out
    hidden_review: tuple[str, str] | None = None  # (worker, review id)
    credit: tuple[str, str, int] | None = None  # (worker, at, score)
    tier: tuple[str, str, str] | None = None  # (customer, tier, at)
    registered: tuple[str, str, date] | None = None  # (role, user, day): the day's list of new users

    def empty(self) -> bool:
        return not (
            self.days
            or self.totals
            or self.workers
            or self.worker_ratings
            or self.customers
            or self.active
            or self.review
            or self.hidden_review
            or self.credit
            or self.tier
            or self.registered
        )


def add(deltas: Deltas, name: str, amount: int = 1) -> None:
    if amount:
        deltas[name] = deltas.get(name, 0) + amount


def business_day(at: str, tz: ZoneInfo) -> date:
    return datetime.fromisoformat(at).astimezone(tz).date()


def on_time(started_at: str, scheduled: str, grace: timedelta) -> bool:
    """A start counts as on time up to ``grace`` after the scheduled start (setting analytics_on_time_grace_minutes)."""
    return datetime.fromisoformat(started_at) <= datetime.fromisoformat(scheduled) + grace


def _fen(detail: dict[str, Any], name: str) -> int:
    value = detail.get(name) or 0
    if type(value) is not int:
        raise TypeError(f"{name} must be integer fen, got {value!r}")
    return value


def booked_minutes(detail: dict[str, Any]) -> int:
    """The booking's length: ``end`` − ``start`` (units × the unit's duration, as booking computes it)."""
    if detail.get("start") and detail.get("end"):
        span = datetime.fromisoformat(detail["end"]) - datetime.fromisoformat(detail["start"])
        return max(0, int(span.total_seconds() // 60))
    return int(detail.get("units") or 1) * int(detail.get("duration_minutes") or 0)


def tally(event_type: str, detail: dict[str, Any], *, tz: ZoneInfo, on_time_grace: timedelta) -> Tally:
    """What ``event_type`` with ``detail`` (the contract's fields, EVENTS.md) adds to the statistics."""
    t = Tally()
    if event_type not in COUNTED_EVENTS:
        return t
    day = business_day(detail["at"], tz)
    today = t.days[day]
    if event_type in ORDER_EVENTS_COUNTED:
        _order_event(t, event_type, detail, day, tz, on_time_grace)
    elif event_type == "UserRegistered":
        role, user = detail["role"], detail["user_id"]
        add(today, "new_users" if role == "customer" else "new_workers")
        add(t.totals, "customers" if role == "customer" else "workers")
        if detail.get("referral_code"):
            add(today, "channel:referral:users")
        t.active.append(Active(role, user, day, None))
        t.registered = (role, user, day)
    else:
        _marketing_or_review_event(t, event_type, detail, day)
    t.days = {d: v for d, v in t.days.items() if v}
    return t


def _order_event(t: Tally, kind: str, d: dict[str, Any], day: date, tz: ZoneInfo, grace: timedelta) -> None:
    today = t.days[day]
    cat, region = d.get("category_id") or "unknown", d.get("region")
    channel = d.get("channel") or "direct"
    customer, worker = d.get("customer_id"), d.get("worker_id")
    wday = t.workers[(worker, day)] if worker else {}
    cust = t.customers[customer] if customer else {}
    if customer:
        t.active.append(Active("customer", customer, day, region))
    if kind == "OrderCreated":
        add(today, "orders_created")
        add(today, f"cat:{cat}:created")
        add(today, f"channel:{channel}:orders")
        if region:
            add(today, f"region:{region}:orders")
        add(cust, "orders")
    elif kind == "OrderPaid":
        paid = _fen(d, "paid_fen") or _fen(d, "total_fen")
        add(today, "orders_paid")
        add(today, "gmv_fen", paid)
        add(today, f"cat:{cat}:paid")
        add(today, f"cat:{cat}:amount_fen", paid)
        add(today, f"channel:{channel}:paid")
        add(today, f"channel:{channel}:amount_fen", paid)
        served = t.days[business_day(d["start"], tz)]
        add(served, f"cat:{cat}:demand")
        add(served, f"cat:{cat}:demand_minutes", booked_minutes(d))
        add(cust, "spend_fen", paid)
        add(cust, "paid_orders")
    elif kind == "OrderAccepted":
        add(wday, "accepted")
    elif kind == "OrderStarted":
        add(wday, "started")
        if on_time(d["at"], d["start"], grace):
            add(wday, "started_on_time")
    elif kind == "OrderCompleted":
        minutes = booked_minutes(d)
        add(today, "orders_completed")
        add(today, f"cat:{cat}:completed")
        add(today, "service_minutes", minutes)
        add(wday, "completed")
        add(wday, "service_minutes", minutes)
        add(cust, "completed")
    elif kind == "OrderCancelled":
        refund = _fen(d, "refund_fen")
        add(today, "orders_cancelled")
        add(today, f"cat:{cat}:cancelled")
        add(today, "refunds_fen", refund)
        add(cust, "cancelled")
        add(cust, "spend_fen", -refund)
    elif kind == "OrderDeclined":
        add(today, "orders_declined")
        add(wday, "declined")
    elif kind == "OrderReassigned":
        previous = d.get("previous_worker_id")
        if previous:
            add(t.workers[(previous, day)], "reassigned_away")
            t.seen_workers.add(previous)
    elif kind == "OrderNoShow":
        add(today, "orders_no_show")
        add(wday, "no_shows")
    elif kind == "ComplaintFiled":
        add(today, "complaints")
        add(wday, "complaints")
    elif kind == "ComplaintResolved":
        refund = _fen(d, "refund_fen")
        add(today, "refunds_fen", refund)
        add(cust, "spend_fen", -refund)
        if d.get("penalize_worker"):
            add(wday, "complaints_upheld")
    elif kind == "OrderSettled":
        add(today, "commission_fen", _fen(d, "commission_fen"))
        add(today, "worker_earnings_fen", _fen(d, "worker_earning_fen"))
        add(wday, "income_fen", _fen(d, "worker_earning_fen"))
    if worker:
        t.seen_workers.add(worker)
        if kind in ("OrderAccepted", "OrderStarted", "OrderCompleted"):
            t.active.append(Active("worker", worker, day, region))
    t.workers = {k: v for k, v in t.workers.items() if v}
    t.customers = {k: v for k, v in t.customers.items() if v}


def _marketing_or_review_event(t: Tally, kind: str, d: dict[str, Any], day: date) -> None:
    today = t.days[day]
    customer = d.get("customer_id")
    cust: Deltas = {}
    if kind == "CouponIssued":
        add(today, "coupons_issued")
        add(cust, "coupons_issued")
    elif kind == "CouponUsed":
        add(today, "coupons_used")
        add(today, "coupon_discount_fen", _fen(d, "discount_fen"))
        add(cust, "coupons_used")
    elif kind == "CouponReleased":
        add(today, "coupons_released")
        add(cust, "coupons_used", -1)
    elif kind == "PointsEarned":
        add(today, "points_earned", int(d["points"]))
        add(cust, "points", int(d["points"]))
    elif kind == "PointsSpent":
        add(today, "points_spent", int(d["points"]))
        add(cust, "points", -int(d["points"]))
    elif kind == "TierChanged":
        add(today, "tier_changes")
        t.tier = (d["customer_id"], d["tier"], d["at"])
    elif kind == "ReferralRewarded":
        add(today, "referrals_rewarded")
        add(today, "channel:referral:rewarded")
    elif kind == "ReviewSubmitted":
        add(today, "reviews")
        if d.get("side") == "customer" and d.get("worker_id") and d.get("skill") is not None:
            cat = d.get("category_id") or "unknown"
            t.review = {
                "review_id": d["review_id"],
                "worker_id": d["worker_id"],
                "category_id": cat,
                "skill": int(d["skill"]),
            }
            review_deltas(t, t.review, +1)
        elif d.get("side") == "worker" and customer:
            add(cust, "rated")
            add(cust, "rating_cooperation", int(d.get("cooperation") or 0))
            add(cust, "rating_environment", int(d.get("environment") or 0))
    elif kind == "ReviewHidden":
        t.hidden_review = (d["worker_id"], d["review_id"])
    elif kind == "CreditChanged":
        t.credit = (d["worker_id"], d["at"], int(d["score"]))
    if customer and cust:
        t.customers[customer] = cust


def review_deltas(t: Tally, review: dict[str, Any], sign: int) -> None:
    """A customer's review of a worker in the worker's and the category's skill sums (``sign`` -1 takes it out)."""
    worker, cat, skill = review["worker_id"], review["category_id"], int(review["skill"])
    mine = t.worker_ratings[(worker, cat)]
    add(mine, "count", sign)
    add(mine, "skill", sign * skill)
    add(t.totals, f"rating:{cat}:count", sign)
    add(t.totals, f"rating:{cat}:skill", sign * skill)


# -- reading ---------------------------------------------------------------------------------------------------


def date_range(start: date | None, end: date | None, *, today: date, max_days: int) -> list[date]:
    """The days from ``start`` to ``end`` inclusive (default: the last 30 days to today). A reversed range or one
    longer than ``max_days`` (setting analytics_max_range_days) is 422 BAD_DATE_RANGE."""
    end = end or today
    start = start or end - timedelta(days=29)
    if start > end:
        raise BadDateRange(f"from ({start}) is after to ({end})")
    days = (end - start).days + 1
    if days > max_days:
        raise BadDateRange(f"{days} days asked, at most {max_days}")
    return [start + timedelta(days=n) for n in range(days)]


def metric_counter(metric: str) -> str:
    if metric not in METRICS:
        raise UnknownMetric(f"unknown metric {metric!r}; known: {', '.join(METRICS)}")
    return METRICS[metric]


def dimension(counters: Deltas, prefix: str) -> dict[str, dict[str, int]]:
    """``{"cat:a:paid": 3, "cat:a:created": 5}`` with prefix ``cat`` → ``{"a": {"paid": 3, "created": 5}}``."""
    result: dict[str, dict[str, int]] = {}
    for name, value in counters.items():
        head, _, rest = name.partition(":")
        if head != prefix or not rest:
            continue
        key, _, measure = rest.rpartition(":")
        result.setdefault(key, {})[measure] = result.get(key, {}).get(measure, 0) + value
    return result


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def needs_training(mine: dict[str, Deltas], category_totals: Deltas, *, lag: float, min_reviews: int) -> bool:
    """True when, in some category, the worker's average skill score (over at least ``min_reviews`` reviews) is at
    least ``lag`` below the category's average (settings analytics_training_lag, analytics_training_min_reviews)."""
    for cat, sums in mine.items():
        count = sums.get("count", 0)
        cat_count = category_totals.get(f"rating:{cat}:count", 0)
        if count < min_reviews or not cat_count:
            continue
        if sums.get("skill", 0) / count <= category_totals.get(f"rating:{cat}:skill", 0) / cat_count - lag:
            return True
    return False
