"""Booking use cases of customers and of payments: quote, book, read, pay, cancel.

Each takes ``now`` and ids as arguments; the rules are in ``rules``, the items in ``store``, the slot hold in
``assign``, the workflow in ``workflow``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from common.clock import business_tz
from common.errors import NotFound, NoWorkerAvailable, RuleViolation
from common.log import logger
from common.pagination import Page, decode_cursor, encode_cursor
from common.settings import get_settings

from functions import catalog, identity, matching, workers
from functions.booking import (
    days,
    engagements,
    extras,
    moves,
    onsite_rules,
    placing,
    pricing,
    rules,
    store,
    workflow,
)
from functions.booking.assign import worker_name
from functions.booking.models import (
    Order,
    OrderPaymentView,
    OrderRequest,
    OrderReviewView,
    OrderSettlementView,
    Quote,
    QuoteRequest,
    WorkerOrder,
)
from functions.booking.policy import match_id, match_name, priority_for, time_rules
from functions.booking.views import (
    assigned_to_worker,
    orders_page,
    owned_by_customer,
    to_order,
    to_worker_order,
)


def _priced(
    customer_id: str, req: QuoteRequest, *, now: datetime
) -> tuple[Any, pricing.PricingContext, Quote]:
    """The service, the pricing context and the quote of a request (time rules checked)."""
    service = catalog.get_service(req.service_id)
    if req.units < service.pricing.min_units:
        raise RuleViolation(f"book at least {service.pricing.min_units} units", code="TOO_FEW_UNITS")
    if days.is_engagement(service.pricing.unit):  # whole days (月嫂 …): functions/booking/engagements.py
        if req.addons:
            raise RuleViolation("add-ons are booked with visits, not days", code="ADDONS_NOT_AVAILABLE")
        return engagements.priced(customer_id, req, service, now=now)
    addons = _addons(service, req)
    start = req.start.astimezone(business_tz())
    end = rules.booking_end(start, req.units, service.duration_minutes, onsite_rules.addon_minutes(addons))
    try:
        rules.check_booking_time(start, end, now=now, tz=business_tz(), rules=time_rules())
    except RuleViolation as exc:
        extra = priority_for(customer_id, now).extra_horizon_days if exc.code == "BEYOND_HORIZON" else 0
        if not extra:
            raise
        rules.check_booking_time(start, end, now=now, tz=business_tz(), rules=time_rules(extra))
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
        addons_fen=onsite_rules.addons_fen(addons),
    )
    return service, ctx, pricing.quote(ctx)


def _addons(service: Any, req: QuoteRequest) -> list[dict[str, Any]]:
    """The add-ons (加项) the request books, as the service offers them (422 ``UNKNOWN_ADDON``)."""
    offered = [a.model_dump() for a in service.addons]
    return onsite_rules.chosen_addons(offered, req.addons)


def quote(customer_id: str, req: QuoteRequest, *, now: datetime) -> Quote:
    """The price of a booking, with the adjustment lines of the chosen worker (``worker_id``, optional) and the
    discount lines the pipeline gives this customer."""
    return _priced(customer_id, req, now=now)[2]


def create_order(
    customer_id: str,
    req: OrderRequest,
    *,
    now: datetime,
    new_id: Callable[[], str],
    pay_within: timedelta | None = None,
) -> Order:
    """Book: check the time rules, price it, hold the worker's slots with the order in one transaction, start the
    order's workflow. Without ``worker_id`` the best free match is taken (the next one if it was just taken).
    The customer has ``pay_within`` to pay (default ``settings.payment_timeout_seconds``)."""
    s = get_settings()
    pay_within = pay_within or timedelta(seconds=s.payment_timeout_seconds)
    service, ctx, _ = _priced(customer_id, req, now=now)
    if days.is_engagement(service.pricing.unit):
        return engagements.create_engagement(
            customer_id, req, service, ctx, now=now, new_id=new_id, start_workflow=_start_workflow
        )
    address = identity.get_address(customer_id, req.address_id)
    addons = _addons(service, req)
    minutes = onsite_rules.addon_minutes(addons)
    start, end = ctx.start, rules.booking_end(ctx.start, req.units, service.duration_minutes, minutes)
    if req.worker_id:
        workers.check_bookable(
            req.worker_id,
            [service.category_id],
            service.id,
            start,
            end,
            now=now,
            lat=address.lat,
            lng=address.lng,
        )
        candidates = [(req.worker_id, worker_name(req.worker_id))]
    else:
        limit = s.dispatch_candidates + priority_for(customer_id, now).extra_candidates
        matches = matching.rank_workers(
            service.id, start, end, address.lat, address.lng, now=now, limit=limit
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
        pay_within=pay_within,
        note="order placed",
        addons=addons,
    )
    _start_workflow(item, now=now, payment_timeout_seconds=int(pay_within.total_seconds()))
    return to_order(item)


def _start_workflow(
    item: store.OrderItem, *, now: datetime, payment_timeout_seconds: int | None = None
) -> None:
    try:
        workflow.start(item.id, payment_timeout_seconds=payment_timeout_seconds)
    except Exception:
        # Without its workflow the order would hold the slot forever: give the slot back and say so.
        logger.exception("could not start the order workflow", extra={"order_id": item.id})
        moves.abandon(item, now=now)
        raise


def get_order(customer_id: str, order_id: str) -> Order:
    """The customer's own order (one GetItem: the timeline is on the item; one Query more when it has price
    differences)."""
    item = owned_by_customer(store.get(order_id), customer_id)
    return to_order(item, extras.extras_of(item))


def worker_order(worker_id: str, order_id: str) -> WorkerOrder:
    """An order assigned to the worker, with its price differences (404 when it is not the worker's)."""
    item = assigned_to_worker(store.get(order_id), worker_id)
    return to_worker_order(item, worker_id, extras.extras_of(item))


def admin_order(order_id: str) -> Order:
    """Any order, for operators, with its price differences."""
    item = moves.load(order_id)
    return to_order(item, extras.extras_of(item))


def list_orders(customer_id: str, *, limit: int, cursor: str | None) -> Page[Order]:
    """The customer's orders, newest first (one Query)."""
    start = decode_cursor(cursor, expect={"GSI1PK": store.customer_partition(customer_id)})
    page = store.by_customer(customer_id, limit, start)
    return orders_page(page.items, encode_cursor(page.last_key))


def get_order_for_payment(order_id: str, customer_id: str) -> OrderPaymentView:
    """What payments needs to take the payment (INTERFACES.md); NotFound for another customer's order."""
    item = owned_by_customer(store.get(order_id, consistent=True), customer_id)
    return OrderPaymentView(
        id=item.id,
        status=item.status,  # type: ignore[arg-type]
        total_fen=int(item.price["total_fen"]),
        description=f"{item.service['name']} {item.start[:16].replace('T', ' ')}",
        customer_id=item.customer_id,
        pay_deadline=item.pay_deadline,
    )


def get_order_for_settlement(order_id: str) -> OrderSettlementView:
    """What payments needs to settle an order or a cancellation fee."""
    item = store.get(order_id, consistent=True)
    if item is None:
        raise NotFound("no such order")
    return OrderSettlementView(
        id=item.id,
        status=item.status,  # type: ignore[arg-type]
        customer_id=item.customer_id,
        worker_id=item.worker_id,
        paid_fen=int(item.paid_fen or 0),
        refund_fen=int(item.refund_fen or 0),
        fee_fen=int(item.fee_fen or 0),
        complaint_refund_fen=int(item.complaint_refund_fen or 0),
        commission_percent=int(item.commission_percent),
    )


def get_order_for_review(order_id: str) -> OrderReviewView:
    """What reviews needs to accept a review of an order: who its customer and worker are, its status and when it
    was completed (None until then). NotFound for no such order."""
    item = store.get(order_id, consistent=True)
    if item is None:
        raise NotFound("no such order")
    completed = [e.at for e in item.timeline or [] if e.status == rules.COMPLETED]
    return OrderReviewView(
        id=item.id,
        status=item.status,  # type: ignore[arg-type]
        customer_id=item.customer_id,
        worker_id=item.worker_id,
        service_id=item.service["id"],
        category_id=item.service["category_id"],
        start=item.start,
        completed_at=completed[-1] if completed else None,
    )
