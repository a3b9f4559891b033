"""Refunds: a paid order's refund set aside, asked of WeChat Pay trade by trade, and WeChat Pay's outcome applied
once. The state machine's tasks and the cancellation policy call ``refund``; an operator and a complaint too (with
their own key); a refund notification → ``complete_refund``."""

from __future__ import annotations

import hashlib
from datetime import datetime

from common.clock import iso
from common.errors import Conflict, NotFound, RuleViolation
from common.log import logger
from common.money import fen, percent_of

from functions.payments import ledger, ledger_store, store
from functions.payments.models import RefundView
from functions.payments.service import notify_url
from functions.payments.wechatpay import WeChatPay, client_from_settings


def refund_number(order_id: str, key: str) -> str:
    """The out_refund_no of one refund of an order: derived from its cause, so every retry reuses it."""
    return f"{order_id}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def _refund_view(item: store.RefundItem) -> RefundView:
    return RefundView(
        order_id=item.order_id,
        out_refund_no=item.out_refund_no,
        amount_fen=int(item.amount_fen),
        reason=item.reason,
        status=item.status,  # type: ignore[arg-type]
    )


def request_refund(
    order_id: str,
    refund_fen: int,
    reason: str,
    *,
    key: str,
    now: datetime,
    out_trade_no: str | None = None,
) -> store.RefundItem:
    """Record a refund of ``refund_fen`` of the trade ``out_trade_no`` (default: the order's first) and set the
    money aside (not yet asking WeChat Pay). Idempotent by ``key``: the same key gives the same refund. Partial
    refunds add up to at most what was paid, of the order and of the trade."""
    fen(refund_fen, minimum=1)
    out_refund_no = refund_number(order_id, key)
    existing = store.get_refund(order_id, out_refund_no)
    if existing is not None:
        if int(existing.amount_fen) != refund_fen:
            raise Conflict("this refund was already asked for another amount", code="REFUND_KEY_REUSED")
        return existing
    payment = store.get_payment(order_id)
    if payment is None or payment.status != "paid":
        raise RuleViolation("the order has not been paid", code="NOT_PAID")
    trade = payment if out_trade_no in (None, order_id) else store.get_trade(order_id, str(out_trade_no))
    if trade is None or trade.status != "paid":
        raise RuleViolation("that part of the order has not been paid", code="NOT_PAID")
    if payment.settled_at:
        raise RuleViolation("the order is settled; refund it by an operator adjustment", code="ORDER_SETTLED")
    held = ledger_store.balance(ledger.order_account(order_id))
    pending = int(payment.pending_fen or 0)
    if refund_fen > held + pending:
        raise RuleViolation(
            f"at most {held + pending} fen of this order can still be refunded", code="REFUND_EXCEEDS_PAYMENT"
        )
    # After completion the worker's expected share sits in pending: take the refund from both sides in the
    # order's commission proportion, so the settlement later finds exactly what it divides.
    from_held = min(
        held, max(percent_of(refund_fen, int(payment.commission_percent or 0)), refund_fen - pending)
    )
    from_pending = refund_fen - from_held
    worker_id = payment.pending_worker_id if from_pending else None
    item = store.RefundItem(
        *store.refund_key(order_id, out_refund_no),
        order_id=order_id,
        out_refund_no=out_refund_no,
        amount_fen=refund_fen,
        reason=reason[:80],
        status="PROCESSING",
        from_held_fen=from_held,
        from_pending_fen=from_pending,
        worker_id=worker_id,
        created_at=iso(now),
        out_trade_no=trade.out_trade_no,
    )
    tx = ledger.refund_requested(
        order_id,
        out_refund_no,
        from_held_fen=from_held,
        from_pending_fen=from_pending,
        worker_id=worker_id,
        at=now,
    )
    try:
        if store.reserve_refund(item, tx, refundable_fen=int(trade.amount_fen)):
            return item
    except ledger_store.Refused as exc:
        raise Conflict("the order's payment changed meanwhile, try again", code="PAYMENT_CHANGED") from exc
    return store.get_refund(order_id, out_refund_no) or item  # a concurrent retry recorded it first


def refund(
    order_id: str,
    refund_fen: int,
    reason: str,
    *,
    now: datetime,
    wechat: WeChatPay | None = None,
    key: str | None = None,
) -> RefundView | None:
    """Refund ``refund_fen`` of a paid order (cancellation policy, operator, complaint). Safe to retry: the same
    ``key`` (default: the reason) reuses the same out_refund_no, so WeChat Pay never refunds twice. None when
    there is nothing to refund (zero, or the order was never paid). The outcome arrives by notification unless
    WeChat Pay answers it at once."""
    if fen(refund_fen) == 0:
        return None
    payment = store.get_payment(order_id)
    if payment is None or payment.status != "paid":
        logger.info("refund skipped: order not paid", extra={"order_id": order_id})
        return None
    views = []
    for trade, amount in _by_trade(payment, refund_fen):
        # The first trade's refund keeps the plain key (an order of one trade refunds as it always did).
        part_key = key or reason if trade is payment else f"{key or reason}:{trade.out_trade_no}"
        views.append(refund_trade(order_id, trade, amount, reason, part_key, now=now, wechat=wechat))
    return views[0]


def _by_trade(payment: store.PaymentItem, refund_fen: int) -> list[tuple[store.PaymentItem, int]]:
    """Where a refund of the order comes from: an engagement's balance trade first (as far as it still can be
    refunded), then the first trade; an order of one trade refunds from it alone."""
    balance = store.get_trade(payment.order_id, store.trade_no(payment.order_id, "balance"))
    parts: list[tuple[store.PaymentItem, int]] = []
    left = refund_fen
    if balance is not None and balance.status == "paid":
        room = int(balance.amount_fen) - int(balance.trade_refunded_fen or 0)
        if (take := min(room, left)) > 0:
            parts.append((balance, take))
            left -= take
    if left > 0 or not parts:
        parts.append((payment, left))
    return parts


def refund_trade(
    order_id: str,
    trade: store.PaymentItem,
    amount: int,
    reason: str,
    key: str,
    *,
    now: datetime,
    wechat: WeChatPay | None,
) -> RefundView:
    """Refund ``amount`` of one trade of the order, keyed by ``key``, asking WeChat Pay (its answer applied)."""
    item = request_refund(order_id, amount, reason, key=key, now=now, out_trade_no=trade.out_trade_no)
    if item.status in ("SUCCESS", "CLOSED"):
        return _refund_view(item)
    wechat = wechat or client_from_settings()
    answer = wechat.refund(
        out_trade_no=trade.out_trade_no,
        out_refund_no=item.out_refund_no,
        refund_fen=int(item.amount_fen),
        total_fen=int(trade.amount_fen),
        reason=item.reason,
        notify_url=notify_url("refund-notify"),
    )
    if answer.status in ("SUCCESS", "CLOSED", "ABNORMAL"):
        complete_refund(order_id, item.out_refund_no, answer.status, refund_id=answer.refund_id, now=now)
    return _refund_view(store.get_refund(order_id, item.out_refund_no) or item)


def complete_refund(
    order_id: str, out_refund_no: str, status: str, *, refund_id: str | None = None, now: datetime
) -> bool:
    """Apply WeChat Pay's outcome of a refund (from its notification or answer), once: SUCCESS pays the customer
    back; CLOSED returns the money to where it was set aside from; ABNORMAL keeps it set aside for an operator.
    True if this call changed something."""
    item = store.get_refund(order_id, out_refund_no)
    if item is None:
        raise NotFound("no such refund")
    if item.status in ("SUCCESS", "CLOSED"):
        return False
    if status == "ABNORMAL":
        logger.warning("refund abnormal", extra={"order_id": order_id})
        return store.mark_refund_abnormal(item, refund_id=refund_id, at=iso(now))
    amount = int(item.amount_fen)
    if status == "SUCCESS":
        tx = ledger.refund_succeeded(order_id, out_refund_no, amount, at=now)
    elif status == "CLOSED":
        tx = ledger.refund_closed(
            order_id,
            out_refund_no,
            from_held_fen=int(item.from_held_fen),
            from_pending_fen=int(item.from_pending_fen),
            worker_id=item.worker_id,
            at=now,
        )
    else:
        raise ValueError(f"not a refund outcome: {status}")
    return store.finish_refund(item, tx, status, refund_id=refund_id, at=iso(now))
