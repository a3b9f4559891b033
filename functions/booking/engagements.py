"""Engagements (services priced per day: 月嫂, 育儿嫂, 住家保姆, 护老): ``units`` whole consecutive days from
``start``, one day lock per day held with the order in one transaction (workers' ``hold_days``), priced with a
deposit (定金) and a balance (尾款).

The order is an ordinary order (same statuses, workflow, timeline); what is particular to it lives in its
``engagement`` record: the first day and the number of days, the two parts and when the balance is due, what
of the balance was paid, the workers who served before a replacement (换人) and how many replacements there
were.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from common.clock import business_tz, iso
from common.errors import NoWorkerAvailable, RuleViolation
from common.settings import get_settings

from functions import identity, matching, workers
from functions.booking import days, placing, pricing, rules
from functions.booking.assign import worker_name
from functions.booking.models import Order, OrderRequest, Quote, QuoteRequest
from functions.booking.policy import match_id, match_name, priority_for, time_rules
from functions.booking.views import to_order


def engagement_rules(extra_horizon_days: int = 0) -> rules.TimeRules:
    """The time rules of an engagement: those of any booking, but as long as ``engagement_max_days`` days."""
    base = time_rules(extra_horizon_days)
    return dataclasses.replace(base, max_length=timedelta(days=get_settings().engagement_max_days))


def with_parts(quote: Quote) -> Quote:
    """The quote with its deposit (``engagement_deposit_percent`` of the total) and balance."""
    deposit, balance = days.split_deposit(quote.total_fen, get_settings().engagement_deposit_percent)
    return quote.model_copy(update={"deposit_fen": deposit, "balance_fen": balance})


def priced(
    customer_id: str, req: QuoteRequest, service: Any, *, now: datetime
) -> tuple[Any, pricing.PricingContext, Quote]:
    """The service, pricing context and quote (with deposit and balance) of an engagement request."""
    tz = business_tz()
    start = req.start.astimezone(tz)
    days.engagement_days(start, req.units, tz, max_days=get_settings().engagement_max_days)
    end = days.engagement_end(start, req.units, service.duration_minutes)
    try:
        rules.check_booking_time(start, end, now=now, tz=tz, rules=engagement_rules())
    except RuleViolation as exc:
        extra = priority_for(customer_id, now).extra_horizon_days if exc.code == "BEYOND_HORIZON" else 0
        if not extra:
            raise
        rules.check_booking_time(start, end, now=now, tz=tz, rules=engagement_rules(extra))
    ctx = pricing.PricingContext(
        customer_id=customer_id,
        service_id=service.id,
        category_id=service.category_id,
        unit_price_fen=service.pricing.unit_price_fen,
        units=req.units,
        start=start,
        coupon_id=req.coupon_id,
        points=req.points,
        now=now,
        worker_id=req.worker_id,
    )
    return service, ctx, with_parts(pricing.quote(ctx))


def record(held: list[date], quote: Quote, start: datetime) -> dict[str, Any]:
    """The order's ``engagement`` record at booking."""
    due = days.balance_due(start, get_settings().engagement_balance_due_hours)
    return {
        "first_day": held[0].isoformat(),
        "days": len(held),
        "deposit_fen": quote.deposit_fen,
        "balance_fen": quote.balance_fen,
        "balance_due": iso(due),
        "balance_paid_fen": 0,
        "balance_transaction_id": None,
        "served": [],  # workers replaced, each with the days they served: {"worker_id", "worker_name", "days"}
        "replacements": 0,
    }


def create_engagement(
    customer_id: str,
    req: OrderRequest,
    service: Any,
    ctx: pricing.PricingContext,
    *,
    now: datetime,
    new_id: Callable[[], str],
    start_workflow: Callable[..., None],
) -> Order:
    """Book whole days: the chosen worker (or the best free match, the next if just taken) holds every day with
    the order in one transaction; then ``start_workflow(item, now=now)`` (which waits for the deposit)."""
    s = get_settings()
    tz = business_tz()
    held = days.engagement_days(ctx.start, req.units, tz, max_days=s.engagement_max_days)
    address = identity.get_address(customer_id, req.address_id)
    start, end = ctx.start, days.engagement_end(ctx.start, req.units, service.duration_minutes)
    if req.worker_id:
        workers.check_engageable(
            req.worker_id, [service.category_id], service.id, held, lat=address.lat, lng=address.lng
        )
        candidates = [(req.worker_id, worker_name(req.worker_id))]
    else:
        limit = s.dispatch_candidates + priority_for(customer_id, now).extra_candidates
        matches = matching.rank_workers(
            service.id, start, end, address.lat, address.lng, now=now, limit=limit, days=held
        )
        candidates = [(match_id(m), match_name(m)) for m in matches]
        if not candidates:
            raise NoWorkerAvailable()
    item = placing.place_first_free(
        candidates,
        ctx,
        order_id=new_id(),
        customer_id=customer_id,
        req=req,
        service=service,
        address=address,
        start=start,
        end=end,
        now=now,
        pay_within=timedelta(seconds=s.payment_timeout_seconds),
        note="engagement booked",
        price_of=lambda c: with_parts(pricing.quote(c)),
        fields=lambda price: {"engagement": record(held, price, start)},
        days=held,
    )
    start_workflow(item, now=now)
    return to_order(item)
