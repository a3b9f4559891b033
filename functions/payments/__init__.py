"""Payments: WeChat Pay, refunds, settlement, the double-entry ledger, workers' earnings and withdrawals.

Other capabilities and the later wiring may call these (see each docstring); nothing else in this package.
"""

from functions.payments.ledger import split_earning
from functions.payments.service import (
    accrue_earning,
    close_payment,
    complete_refund,
    reconcile_payment,
    record_payment,
    refund,
    settle,
    start_payment,
)

__all__ = [
    "accrue_earning",
    "close_payment",
    "complete_refund",
    "reconcile_payment",
    "record_payment",
    "refund",
    "settle",
    "split_earning",
    "start_payment",
]
