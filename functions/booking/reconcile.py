"""The payment reconciliation: an order still unpaid near its deadline is checked with WeChat Pay, and a payment it
confirms is treated exactly as its notification would be (the job is ``payment-reconciliation`` in tasks.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from common.log import logger
from common.settings import get_settings

from functions import payments
from functions.booking.moves import mark_paid


def reconcile_pending_payments(*, now: datetime, wechat: Any) -> dict[str, int]:
    """Never trust the client's "success": ask WeChat Pay about every order still unpaid near (or past) its
    deadline, and treat a payment it confirms exactly as a notification would (a lost or late one)."""
    within = timedelta(minutes=get_settings().payment_reconcile_within_minutes)
    checked = moved = refunded = 0
    for out_trade_no in payments.payments_due(now, within=within):
        checked += 1
        check = payments.reconcile_payment(out_trade_no, now=now, wechat=wechat)
        if check.trade_state != "SUCCESS" or check.transaction_id is None or check.amount_fen is None:
            continue
        resumed = payments.resume_or_refund(
            check.order_id,
            check.amount_fen,
            check.transaction_id,
            now=now,
            wechat=wechat,
            mark_paid=mark_paid,
            part=check.part,
        )
        moved, refunded = moved + resumed, refunded + (not resumed)
    if checked:
        logger.info(
            "payments reconciled", extra={"checked": checked, "moved_on": moved, "refunded": refunded}
        )
    return {"checked": checked, "paid_found": moved + refunded, "moved_on": moved, "refunded": refunded}
