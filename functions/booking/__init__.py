"""Booking: quotes, orders and their lifecycle on Step Functions, complaints.

Other capabilities may call: ``mark_paid`` and ``get_order_for_payment`` (payments), ``get_order_for_settlement``
(payments' settlement), ``register_discount_step`` (marketing plugs its member, coupon and points steps into the
quote pipeline).
"""

from typing import TYPE_CHECKING

from common.lazy import exports

if TYPE_CHECKING:
    from functions.booking.moves import mark_paid
    from functions.booking.pricing import register_discount_step
    from functions.booking.service import get_order_for_payment, get_order_for_settlement

# Each name loads its module on first use (common.lazy.exports): importing the package costs nothing.
__getattr__, __dir__ = exports(
    __name__,
    {
        "get_order_for_payment": "functions.booking.service",
        "get_order_for_settlement": "functions.booking.service",
        "mark_paid": "functions.booking.moves",
        "register_discount_step": "functions.booking.pricing",
    },
)

__all__ = ["get_order_for_payment", "get_order_for_settlement", "mark_paid", "register_discount_step"]
