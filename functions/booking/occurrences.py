"""Booking's public functions for recurring plans (functions/plans): an occurrence becomes an ordinary order
through the same ``create_order`` as any booking, under an id derived from the plan and the date, so it can
never become two orders; a skipped or cancelled occurrence's order is cancelled with a full refund."""

from __future__ import annotations

from datetime import datetime, timedelta

from common.errors import InvalidTransition
from common.settings import get_settings

from functions.booking import moves, rules, service, store
from functions.booking.models import Order, OrderRequest
from functions.booking.views import owned_by_customer, to_order

CANCELLABLE = frozenset({rules.PENDING_PAYMENT, rules.PENDING_ACCEPTANCE, rules.ACCEPTED})


def book_occurrence(
    customer_id: str, req: OrderRequest, *, order_id: str, now: datetime
) -> tuple[Order, bool]:
    """Book ``req`` as the customer would (``create_order``: time rules, price, the worker's locks, the
    workflow) under ``order_id``; the order and whether this call created it. An order already written under that
    id (an earlier or concurrent run) is returned as it is, and nothing more is booked. Raises what booking
    raises (``SlotTaken``, ``WorkerUnavailable``, ``NoWorkerAvailable``, a ``RuleViolation``)."""
    existing = store.get(order_id, consistent=True)
    if existing is not None:
        return to_order(owned_by_customer(existing, customer_id)), False
    try:
        pay_within = occurrence_pay_within(req.start, now=now)
        return service.create_order(
            customer_id, req, now=now, new_id=lambda: order_id, pay_within=pay_within
        ), True
    except InvalidTransition:  # the order's own condition failed: a concurrent run wrote it first
        written = store.get(order_id, consistent=True)
        if written is None:
            raise
        return to_order(owned_by_customer(written, customer_id)), False


def occurrence_pay_within(start: datetime, *, now: datetime) -> timedelta:
    """How long the customer has to pay a plan's visit booked ``now``: until ``settings.plan_pay_before_start_hours``
    before its start (the job books visits days ahead, and nobody is watching the app then), but never less than
    an ordinary order's ``payment_timeout_seconds``."""
    s = get_settings()
    until = start - timedelta(hours=s.plan_pay_before_start_hours)
    return max(timedelta(seconds=s.payment_timeout_seconds), until - now)


def cancel_occurrence(customer_id: str, order_id: str, reason: str, *, now: datetime) -> Order | None:
    """Cancel the customer's occurrence order with a full refund of what was paid (no fee, whenever it is);
    None when it is already cancelled. ``InvalidTransition`` once its service has started."""
    item = owned_by_customer(moves.load(order_id), customer_id)
    if item.status == rules.CANCELLED:
        return None
    if item.status not in CANCELLABLE:
        raise InvalidTransition(f"cannot cancel an order that is {item.status}")
    refund = rules.Refund(int(item.refundable_fen or 0), 0)
    return moves.cancel(item, "cancel", refund, actor="customer", reason=reason, now=now)
