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
from common.errors import NoWorkerAvailable, RuleViolation, SlotTaken
from common.settings import get_settings
from pynamodb.transactions import TransactWrite

from functions import identity, matching, workers
from functions.booking import days, pricing, rules, store
from functions.booking.assign import hold, worker_name
from functions.booking.models import Order, OrderRequest, Quote, QuoteRequest
from functions.booking.order_events import add_order_event
from functions.booking.policy import match_id, match_name, priced_order, priority_for, time_rules
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
    order_id = new_id()
    snapshot = {
        "id": service.id,
        "name": service.name,
        "category_id": service.category_id,
        "unit": service.pricing.unit,
        "unit_price_fen": service.pricing.unit_price_fen,
        "duration_minutes": service.duration_minutes,
    }
    for worker_id, name in candidates:
        ctx = dataclasses.replace(ctx, worker_id=worker_id)
        price = with_parts(pricing.quote(ctx))
        item = store.new_order(
            id=order_id,
            status=rules.PENDING_PAYMENT,
            customer_id=customer_id,
            worker_id=worker_id,
            worker_name=name,
            service=snapshot,
            address=address.model_dump(mode="json"),
            price=price.model_dump(mode="json"),
            units=req.units,
            start=iso(start),
            end=iso(end),
            note=req.note or None,
            coupon_id=req.coupon_id,
            points=req.points,
            channel=req.channel,
            ref_code=req.ref_code,
            created_at=iso(now),
            pay_deadline=iso(now + timedelta(seconds=s.payment_timeout_seconds)),
            commission_percent=pricing.commission_percent(worker_id, s.platform_commission_percent),
            tried_workers=[worker_id],
            dispatches=1,
            timeline=[store.entry(iso(now), rules.PENDING_PAYMENT, "customer", "engagement booked")],
            engagement=record(held, price, start),
        )

        def write(tx: TransactWrite, item: store.OrderItem = item) -> None:
            tx.save(item, condition=store.OrderItem.PK.does_not_exist())
            add_order_event(tx, "OrderCreated", item, actor="customer", note="engagement booked", now=now)

        def discounts(
            tx: TransactWrite, item: store.OrderItem = item, ctx: pricing.PricingContext = ctx
        ) -> None:
            pricing.reserve_discounts(tx, ctx, priced_order(item))

        try:
            hold(write, worker_id, start, end, order_id, extra=discounts, days=held)
            break
        except SlotTaken as exc:
            if (refused := pricing.refusal(ctx, priced_order(item))) is not None:
                raise refused from exc
            if worker_id == candidates[-1][0]:
                raise
    start_workflow(item, now=now)
    return to_order(item)
