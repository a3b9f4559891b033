"""Payments: WeChat Pay, refunds, settlement, the double-entry ledger, workers' earnings and withdrawals.

Other capabilities and the later wiring may call these (see each docstring); nothing else in this package.
Booking wires the payment notification (``handle_payment_notification`` with its ``mark_paid``) and the pay route.
"""

from functions.payments.ledger import split_earning
from functions.payments.notify import handle_payment_notification, resume_or_refund
from functions.payments.service import (
    accrue_earning,
    complete_refund,
    payments_due,
    reconcile_payment,
    record_payment,
    refund,
    settle,
    start_payment,
)
from functions.payments.wechatpay import client_from_settings
from functions.payments.wechatpay_models import PayParams

__all__ = [
    "PayParams",
    "accrue_earning",
    "client_from_settings",
    "complete_refund",
    "handle_payment_notification",
    "payments_due",
    "reconcile_payment",
    "record_payment",
    "refund",
    "resume_or_refund",
    "settle",
    "split_earning",
    "start_payment",
]
