"""Placing a new order with the first free of its candidate workers: the one loop an hourly booking
(``service.create_order``) and an engagement (``engagements.create_engagement``) share. Each candidate is priced
(the price and commission follow the worker), the order is written with its worker's hold and its discounts in one
transaction, and a taken slot moves on to the next candidate; a discount's own refusal is raised at once."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from common.clock import iso
from common.errors import SlotTaken
from common.settings import get_settings
from pynamodb.transactions import TransactWrite

from functions.booking import pricing, rules, store
from functions.booking.assign import hold
from functions.booking.models import OrderRequest, Quote
from functions.booking.order_events import add_order_event
from functions.booking.policy import priced_order


def place_first_free(
    candidates: Sequence[tuple[str, str | None]],
    ctx: pricing.PricingContext,
    *,
    order_id: str,
    customer_id: str,
    req: OrderRequest,
    service: Any,
    address: Any,
    start: datetime,
    end: datetime,
    now: datetime,
    pay_within: timedelta,
    note: str,
    price_of: Callable[[pricing.PricingContext], Quote] = pricing.quote,
    fields: Callable[[Quote], dict[str, Any]] = lambda _price: {},
    days: Sequence[date] | None = None,
    addons: Sequence[dict[str, Any]] = (),
) -> store.OrderItem:
    """The order written for the first candidate free at its time (``days`` for an engagement); ``SlotTaken``
    when none is, or the refusal of a coupon or points the order would spend. The order keeps the service as
    booked: its price and length, the ``addons`` chosen, and what the visit must do (checklist, arrival,
    after-photos)."""
    s = get_settings()
    snapshot = {
        "id": service.id,
        "name": service.name,
        "category_id": service.category_id,
        "unit": service.pricing.unit,
        "unit_price_fen": service.pricing.unit_price_fen,
        "duration_minutes": service.duration_minutes,
        "addons": list(addons),
        "checklist": list(service.checklist),
        "requires_arrival": service.requires_arrival,
        "requires_after_photos": service.requires_after_photos,
    }
    for worker_id, name in candidates:
        ctx = dataclasses.replace(ctx, worker_id=worker_id)  # the price and commission follow the worker
        price = price_of(ctx)
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
            pay_deadline=iso(now + pay_within),
            commission_percent=pricing.commission_percent(worker_id, s.platform_commission_percent),
            tried_workers=[worker_id],
            dispatches=1,
            timeline=[store.entry(iso(now), rules.PENDING_PAYMENT, "customer", note)],
            **fields(price),
        )

        def write(tx: TransactWrite, item: store.OrderItem = item) -> None:
            tx.save(item, condition=store.OrderItem.PK.does_not_exist())
            add_order_event(tx, "OrderCreated", item, actor="customer", note=note, now=now)

        def discounts(
            tx: TransactWrite, item: store.OrderItem = item, ctx: pricing.PricingContext = ctx
        ) -> None:
            pricing.reserve_discounts(tx, ctx, priced_order(item))

        try:
            hold(write, worker_id, start, end, order_id, extra=discounts, days=days)
            return item
        except SlotTaken as exc:
            if (refused := pricing.refusal(ctx, priced_order(item))) is not None:
                raise refused from exc  # a discount's own write (the coupon, the points), not the slot
            if worker_id == candidates[-1][0]:
                raise
    raise SlotTaken()
