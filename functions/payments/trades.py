"""An order's trades besides its first and an engagement's balance: on-site price differences (补差价), each
its own WeChat Pay trade (``{order}-{part}``, ``part`` the difference's id), paid like the order with
``service.start_payment(..., part=...)`` and recorded by the same notification. Its money joins the order's
(``paid_fen``, the held account), so the settlement divides order and differences together; a refund of one
comes from its own trade, on its own."""

from __future__ import annotations

from datetime import datetime

from functions.payments import refunds, store
from functions.payments.models import RefundView
from functions.payments.wechatpay import WeChatPay


def refund_part(
    order_id: str,
    part: str,
    reason: str,
    *,
    key: str,
    now: datetime,
    wechat: WeChatPay | None = None,
) -> RefundView | None:
    """Refund what remains of the paid trade ``part`` of the order, from that trade alone, with its own ledger
    transaction (``refund:{out_refund_no}``). Safe to retry: ``key`` gives the same out_refund_no, so WeChat Pay
    never refunds twice. None when the part was never paid (or nothing of it remains to refund)."""
    trade = store.get_trade(order_id, store.trade_no(order_id, part))
    if trade is None or trade.status != "paid":
        return None
    asked = store.get_refund(order_id, refunds.refund_number(order_id, key))
    amount = int(asked.amount_fen) if asked else int(trade.amount_fen) - int(trade.trade_refunded_fen or 0)
    if amount <= 0:
        return None
    return refunds.refund_trade(order_id, trade, amount, reason, key, now=now, wechat=wechat)
