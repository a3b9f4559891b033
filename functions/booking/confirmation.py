"""The confirmation of a completed order (确认完成): by its customer, or by the system when nobody did.

A completed order's workflow waits for it (``await_confirmation``, up to ``settings.auto_confirm_seconds`` after
completion); the dispute window and settlement run from it. It is a move from completed to completed (version +1,
a timeline entry, ``OrderConfirmed`` in the same transaction) that sets ``progress: "confirmed"``; the worker is
told through notifications. Confirming an order already confirmed answers it as it is (idempotent, no second
event); an order that is not completed is 409 ``INVALID_TRANSITION``.
"""

from __future__ import annotations

from datetime import datetime

from common.clock import iso
from common.errors import InvalidTransition

from functions.booking import moves, rules, workflow
from functions.booking.models import Order
from functions.booking.store import OrderItem
from functions.booking.views import owned_by_customer, to_order

ATTEMPTS = 3


def completed_at(item: OrderItem) -> datetime | None:
    """When the order was completed: its first timeline entry in ``completed`` (None before)."""
    for entry in item.timeline or []:
        if entry.status == rules.COMPLETED:
            return datetime.fromisoformat(entry.at)
    return None


def is_confirmed(item: OrderItem) -> bool:
    return item.progress == rules.CONFIRMED


def confirm_by_customer(customer_id: str, order_id: str, *, now: datetime) -> Order:
    """The customer confirms their completed order; another customer's order is 404."""
    item = owned_by_customer(moves.load(order_id), customer_id)
    return confirm(item, actor="customer", note="confirmed by the customer", now=now)


def confirm(item: OrderItem, *, actor: str, note: str, now: datetime) -> Order:
    """Confirm the completed order and wake its workflow's wait (the dispute window starts); an order
    confirmed already is answered unchanged."""
    for _ in range(ATTEMPTS):
        if is_confirmed(item):
            return to_order(item)
        rules.transition("confirm", item.status)
        try:
            item = moves.move(
                item,
                "confirm",
                actor=actor,
                note=note,
                now=now,
                event="OrderConfirmed",
                set_={"progress": rules.CONFIRMED, "confirmed_at": iso(now)},
                detail={"progress": rules.CONFIRMED},
            )
        except InvalidTransition:  # something else moved it (another confirmation, a complaint): look again
            item = moves.load(item.id)
            continue
        workflow.resume(item.task_token, item.id)
        return to_order(item)
    raise InvalidTransition("the order kept changing; try again")
