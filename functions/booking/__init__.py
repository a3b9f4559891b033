"""Booking: quotes, orders and their lifecycle on Step Functions, complaints.

Other capabilities may call: ``mark_paid`` and ``get_order_for_payment`` (payments), ``get_order_for_settlement``
(payments' settlement), ``register_discount_step`` (marketing plugs its member, coupon and points steps into the
quote pipeline), ``admin_orders`` with ``AdminOrdersQuery`` (analytics' order export reads the board by day).
"""

from functions.booking.board import admin_orders
from functions.booking.models import AdminOrdersQuery
from functions.booking.moves import mark_paid
from functions.booking.pricing import register_discount_step
from functions.booking.service import get_order_for_payment, get_order_for_settlement

__all__ = [
    "AdminOrdersQuery",
    "admin_orders",
    "get_order_for_payment",
    "get_order_for_settlement",
    "mark_paid",
    "register_discount_step",
]
