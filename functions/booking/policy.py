"""Booking's rules as configured: settings turned into the pure rules' parameters, and small shared readings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from common.settings import get_settings

from functions import load_extensions
from functions.booking import pricing, rules
from functions.booking.models import Quote
from functions.booking.store import OrderItem


@dataclass(frozen=True)
class Priority:
    """What a customer's standing adds to booking: a longer horizon and more candidates tried when we choose."""

    extra_horizon_days: int = 0
    extra_candidates: int = 0


PriorityProvider = Callable[[str, datetime], tuple[int, int]]
_priority: list[PriorityProvider] = []


def register_priority(provider: PriorityProvider) -> None:
    """Add a provider of ``(extra horizon days, extra candidates)`` for a customer (marketing's tiers). Booking
    asks only when it needs to: a start beyond the normal horizon, or a best-match order."""
    if provider not in _priority:
        _priority.append(provider)


def priority_for(customer_id: str, now: datetime) -> Priority:
    """The largest extras any provider gives the customer."""
    load_extensions("booking.priority")
    days, extra = 0, 0
    for provider in _priority:
        d, e = provider(customer_id, now)
        days, extra = max(days, int(d)), max(extra, int(e))
    return Priority(days, extra)


def time_rules(extra_horizon_days: int = 0) -> rules.TimeRules:
    s = get_settings()
    return rules.TimeRules(
        min_notice=timedelta(minutes=s.booking_min_notice_minutes),
        horizon=timedelta(days=s.booking_horizon_days + extra_horizon_days),
        max_length=timedelta(minutes=s.booking_max_minutes),
        start_early=timedelta(minutes=s.start_early_minutes),
    )


def cancel_policy() -> rules.CancelPolicy:
    s = get_settings()
    return rules.CancelPolicy(
        fee_window=timedelta(minutes=s.cancel_fee_window_minutes), fee_percent=s.cancel_fee_percent
    )


def match_id(match: Any) -> str:
    """The worker id of a matching result (``{"worker": WorkerSummary, ...}``)."""
    worker = match["worker"] if isinstance(match, dict) else match.worker
    return worker["id"] if isinstance(worker, dict) else worker.id


def match_name(match: Any) -> str | None:
    """The worker's display name in a matching result."""
    worker = match["worker"] if isinstance(match, dict) else match.worker
    return worker.get("name") if isinstance(worker, dict) else getattr(worker, "name", None)


def priced_order(item: OrderItem) -> pricing.PricedOrder:
    return pricing.PricedOrder(
        order_id=item.id,
        customer_id=item.customer_id,
        coupon_id=item.coupon_id,
        points=int(item.points) if item.points is not None else None,
        price=Quote.model_validate(item.price),
    )
