"""Payments: WeChat Pay, refunds, settlement, the double-entry ledger, workers' earnings and withdrawals.

Other capabilities and the later wiring may call these (see each docstring); nothing else in this package.
Booking wires the payment notification (``handle_payment_notification`` with its ``mark_paid``) and the pay route;
an on-site price difference is a part of the order paid by ``start_payment(..., part=...)``, refunded by
``refund_part``.
"""

from typing import TYPE_CHECKING

from common import lazy

if TYPE_CHECKING:
    from functions.payments.ledger import split_earning, worker_of
    from functions.payments.ledger_store import account_balances
    from functions.payments.notify import handle_payment_notification, resume_or_refund
    from functions.payments.refunds import complete_refund, refund
    from functions.payments.service import (
        accrue_earning,
        payments_due,
        reconcile_payment,
        record_payment,
        settle,
        start_payment,
    )
    from functions.payments.trades import refund_part
    from functions.payments.wechatpay import client_from_settings
    from functions.payments.wechatpay_models import PayParams

# Each name loads its module on first use (common.lazy.exports): importing the package costs nothing.
__getattr__, __dir__ = lazy.exports(
    __name__,
    {
        "PayParams": "functions.payments.wechatpay_models",
        "account_balances": "functions.payments.ledger_store",
        "accrue_earning": "functions.payments.service",
        "client_from_settings": "functions.payments.wechatpay",
        "complete_refund": "functions.payments.refunds",
        "handle_payment_notification": "functions.payments.notify",
        "payments_due": "functions.payments.service",
        "reconcile_payment": "functions.payments.service",
        "record_payment": "functions.payments.service",
        "refund": "functions.payments.refunds",
        "refund_part": "functions.payments.trades",
        "resume_or_refund": "functions.payments.notify",
        "settle": "functions.payments.service",
        "split_earning": "functions.payments.ledger",
        "start_payment": "functions.payments.service",
        "worker_of": "functions.payments.ledger",
    },
)

__all__ = [
    "PayParams",
    "account_balances",
    "accrue_earning",
    "client_from_settings",
    "complete_refund",
    "handle_payment_notification",
    "payments_due",
    "reconcile_payment",
    "record_payment",
    "refund",
    "refund_part",
    "resume_or_refund",
    "settle",
    "split_earning",
    "start_payment",
    "worker_of",
]
