"""Booking: quotes, orders and their lifecycle on Step Functions, complaints.

Other capabilities may call: ``mark_paid`` and ``get_order_for_payment`` (payments), ``get_order_for_settlement``
(payments' settlement), ``register_discount_step`` (marketing plugs its member, coupon and points steps into the
quote pipeline), ``register_priority`` (marketing's tiers lengthen the booking horizon and widen best-match).
"""

from functions.booking.moves import mark_paid
from functions.booking.policy import register_priority
from functions.booking.pricing import register_discount_step
from functions.booking.service import get_order_for_payment, get_order_for_settlement

__all__ = [
    "get_order_for_payment",
    "get_order_for_settlement",
    "mark_paid",
    "register_discount_step",
    "register_priority",
]
