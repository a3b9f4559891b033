"""Booking: quotes, orders and their lifecycle on Step Functions, complaints.

Other capabilities may call: ``mark_paid`` and ``get_order_for_payment`` (payments), ``get_order_for_settlement``
(payments' settlement), ``register_discount_step`` (marketing plugs its member, coupon and points steps into the
quote pipeline), ``get_order_for_review`` (reviews reads the order it reviews), ``register_price_step``,
``register_commission_rule`` and ``register_customer_rating_source`` (reviews plugs in the credit price line, the
best level's commission and the customer's rating on the worker's view; booking never imports reviews), and
``register_priority`` (marketing's tiers lengthen the booking horizon and widen best-match), and
``admin_orders`` with ``AdminOrdersQuery`` (analytics' order export reads the board by day), and
``book_occurrence``, ``cancel_occurrence`` with ``OrderRequest`` (plans books and cancels its occurrences), and
``raise_exception`` (anyone puts an order in the operators' exception queue, once per order and kind), and
``unpaid_extras_due`` with ``UnpaidExtra`` (the exception queue's ``unpaid_extra``: price differences approved and
not paid, from a sparse index).
"""

from typing import TYPE_CHECKING

from common import lazy

if TYPE_CHECKING:
    from functions.booking.board import admin_orders
    from functions.booking.exception_queue import raise_exception
    from functions.booking.extras import unpaid_extras_due
    from functions.booking.models import (
        AdminOrdersQuery,
        CustomerRating,
        OrderRequest,
        OrderReviewView,
        PriceLine,
        UnpaidExtra,
    )
    from functions.booking.moves import mark_paid
    from functions.booking.occurrences import book_occurrence, cancel_occurrence
    from functions.booking.policy import register_priority
    from functions.booking.pricing import (
        PricingContext,
        register_commission_rule,
        register_discount_step,
        register_price_step,
    )
    from functions.booking.service import (
        get_order_for_payment,
        get_order_for_review,
        get_order_for_settlement,
    )
    from functions.booking.views import register_customer_rating_source

# Each name loads its module on first use (common.lazy.exports): importing the package costs nothing.
__getattr__, __dir__ = lazy.exports(
    __name__,
    {
        "AdminOrdersQuery": "functions.booking.models",
        "CustomerRating": "functions.booking.models",
        "OrderRequest": "functions.booking.models",
        "OrderReviewView": "functions.booking.models",
        "PriceLine": "functions.booking.models",
        "PricingContext": "functions.booking.pricing",
        "admin_orders": "functions.booking.board",
        "book_occurrence": "functions.booking.occurrences",
        "cancel_occurrence": "functions.booking.occurrences",
        "get_order_for_payment": "functions.booking.service",
        "get_order_for_review": "functions.booking.service",
        "get_order_for_settlement": "functions.booking.service",
        "mark_paid": "functions.booking.moves",
        "raise_exception": "functions.booking.exception_queue",
        "register_commission_rule": "functions.booking.pricing",
        "register_customer_rating_source": "functions.booking.views",
        "register_discount_step": "functions.booking.pricing",
        "register_price_step": "functions.booking.pricing",
        "register_priority": "functions.booking.policy",
        "UnpaidExtra": "functions.booking.models",
        "unpaid_extras_due": "functions.booking.extras",
    },
)

__all__ = [
    "AdminOrdersQuery",
    "CustomerRating",
    "OrderRequest",
    "OrderReviewView",
    "PriceLine",
    "PricingContext",
    "UnpaidExtra",
    "admin_orders",
    "book_occurrence",
    "cancel_occurrence",
    "get_order_for_payment",
    "get_order_for_review",
    "get_order_for_settlement",
    "mark_paid",
    "raise_exception",
    "register_commission_rule",
    "register_customer_rating_source",
    "register_discount_step",
    "register_price_step",
    "register_priority",
    "unpaid_extras_due",
]
