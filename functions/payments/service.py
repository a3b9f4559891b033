"""Payments use cases: start a payment, record one believed (notification or query), earnings accrual and
settlement (refunds: ``refunds``). Each takes ``now`` and, where WeChat Pay is called, the ``wechat`` provider.

The later wiring calls these with an order id: POST /v1/orders/{id}/pay → ``start_payment``; a verified payment
notification → ``record_payment`` then booking's ``mark_paid``; the scheduled reconciliation →
``reconcile_payment``; the state machine's tasks → ``settle``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from common.clock import iso
from common.errors import Conflict, NotFound, RuleViolation, WeChatPayError
from common.log import logger
from common.money import fen
from common.settings import get_settings

from functions.payments import ledger, ledger_store, store
from functions.payments.models import PaymentCheck, SettlementView
from functions.payments.wechatpay import WeChatPay
from functions.payments.wechatpay_models import PayParams

PREPAY_VALID = timedelta(hours=2)  # WeChat Pay's prepay_id lifetime
PREPAY_REUSE_MARGIN = timedelta(minutes=10)  # renew a little early, so the payer never gets an expired one


def notify_url(kind: str = "notify") -> str:
    """Where WeChat Pay sends notifications: ``/v1/payments/wechat/notify`` or ``…/refund-notify``."""
    s = get_settings()
    return f"{(s.wechatpay_notify_base or s.public_base_url).rstrip('/')}/v1/payments/wechat/{kind}"


# -- payments ---------------------------------------------------------------------------------------------------


def start_payment(
    order_id: str,
    *,
    total_fen: int,
    description: str,
    openid: str,
    now: datetime,
    wechat: WeChatPay,
    pay_deadline: datetime | None = None,
    part: str | None = None,
) -> PayParams:
    """The mini-program's payment parameters for an order. Calling it again for the same order reuses the prepay
    while it is valid; the trade is the order (out_trade_no = order id), so it can be paid once only. An
    engagement's balance (``part`` "balance") is its own trade, ``{order}-b``, paid once too."""
    fen(total_fen, minimum=1)
    out_trade_no = store.trade_no(order_id, part)
    payment = store.get_trade(order_id, out_trade_no)
    if payment is not None:
        if payment.status == "paid":
            raise Conflict("the order is paid already", code="ALREADY_PAID")
        if payment.status == "closed":
            raise Conflict("the payment for this order was closed", code="PAYMENT_CLOSED")
        if int(payment.amount_fen) != total_fen:
            raise Conflict("the order's total changed after payment started", code="AMOUNT_CHANGED")
        if (
            payment.prepay_id
            and now < datetime.fromisoformat(payment.prepay_at) + PREPAY_VALID - PREPAY_REUSE_MARGIN
        ):
            return wechat.pay_params(payment.prepay_id, now=now)
    prepay_id = wechat.prepay_jsapi(
        out_trade_no=out_trade_no,
        description=description,
        total_fen=total_fen,
        openid=openid,
        notify_url=notify_url(),
        time_expire=pay_deadline,
    )
    item = store.PaymentItem(
        *store.trade_key(order_id, out_trade_no),
        order_id=order_id,
        out_trade_no=out_trade_no,
        part=part,
        amount_fen=total_fen,
        description=description,
        status="prepaid",
        prepay_id=prepay_id,
        prepay_at=iso(now),
    )
    if pay_deadline is not None:
        item.pay_deadline = iso(pay_deadline)
        item.GSI3PK = f"PAYPENDING#{iso(pay_deadline)[:13]}"
        item.GSI3SK = f"{iso(pay_deadline)}#{out_trade_no}"
    if not store.save_prepay(item, replacing=payment is not None):
        winner = store.get_trade(
            order_id, out_trade_no
        )  # a concurrent request stored its prepay first: use that one
        if winner is None or winner.status != "prepaid" or not winner.prepay_id:
            raise Conflict("the order's payment changed meanwhile, try again", code="PAYMENT_CHANGED")
        prepay_id = winner.prepay_id
    return wechat.pay_params(prepay_id, now=now)


def record_payment(
    order_id: str, *, transaction_id: str, amount_fen: int, now: datetime, out_trade_no: str | None = None
) -> bool:
    """Believe a verified payment of the order's trade ``out_trade_no`` (default: its first): the money enters
    the ledger, once. True if recorded now, False if it was recorded before (WeChat Pay repeats notifications; a
    query may find it too).

    ``RuleViolation`` AMOUNT_MISMATCH if WeChat Pay reports another amount than the trade's (nothing recorded),
    ``NotFound`` if no payment was ever started for the trade."""
    fen(amount_fen, minimum=1)
    payment = store.get_trade(order_id, out_trade_no or order_id)
    if payment is None:
        raise NotFound("no payment was started for this order")
    if amount_fen != int(payment.amount_fen):
        logger.error("payment amount mismatch", extra={"order_id": order_id, "paid_fen": amount_fen})
        raise RuleViolation("the amount paid is not the order's total", code="AMOUNT_MISMATCH")
    if payment.status == "paid":
        if payment.transaction_id != transaction_id:
            logger.error("second transaction for one order", extra={"order_id": order_id})
        return False
    tx = ledger.customer_payment(order_id, amount_fen, out_trade_no=payment.out_trade_no, at=now)
    recorded = store.apply_payment(payment, tx, transaction_id=transaction_id, paid_at=iso(now))
    logger.info("payment recorded" if recorded else "payment already recorded", extra={"order_id": order_id})
    return recorded


def reconcile_payment(out_trade_no: str, *, now: datetime, wechat: WeChatPay) -> PaymentCheck:
    """Ask WeChat Pay about a trade still pending payment (an order's, or an engagement's balance) and record the
    payment if it was made (a lost or late notification). The caller resumes the order when ``trade_state`` is
    SUCCESS."""
    order_id, part = store.order_of_trade(out_trade_no)
    try:
        trade = wechat.query(out_trade_no)
    except WeChatPayError as exc:
        if exc.provider_code == "ORDER_NOT_EXIST":
            return PaymentCheck(order_id=order_id, part=part, trade_state="NOTPAY")
        raise
    if trade.trade_state not in ("SUCCESS", "REFUND") or trade.amount is None or not trade.transaction_id:
        return PaymentCheck(order_id=order_id, part=part, trade_state=trade.trade_state)
    recorded = record_payment(
        order_id,
        transaction_id=trade.transaction_id,
        amount_fen=trade.amount.total,
        now=now,
        out_trade_no=out_trade_no,
    )
    return PaymentCheck(
        order_id=order_id,
        part=part,
        trade_state="SUCCESS",
        recorded_now=recorded,
        transaction_id=trade.transaction_id,
        amount_fen=trade.amount.total,
    )


# -- earnings and settlement ------------------------------------------------------------------------------------


def accrue_earning(
    order_id: str,
    worker_id: str,
    *,
    commission_percent: int,
    late_cancellation_fee_fen: int = 0,
    now: datetime,
) -> int:
    """The order completed: credit the worker's expected earning as pending (待结算) for the dispute window.
    Returns the amount credited (0 if nothing was paid, nothing remains, or it was credited before)."""
    payment = store.get_payment(order_id)
    if payment is None or payment.status != "paid" or payment.settled_at or payment.pending_worker_id:
        return 0
    held = ledger_store.balance(ledger.order_account(order_id))
    split = ledger.split_earning(
        int(payment.paid_fen), int(payment.paid_fen) - held, commission_percent, late_cancellation_fee_fen
    )
    if split.worker_fen == 0:
        return 0
    tx = ledger.earning_accrued(order_id, worker_id, split.worker_fen, at=now)
    return (
        split.worker_fen if store.accrue(order_id, worker_id, split.worker_fen, commission_percent, tx) else 0
    )


def settle(
    order_id: str,
    worker_id: str,
    *,
    commission_percent: int,
    late_cancellation_fee_fen: int = 0,
    discount_fen: int = 0,
    now: datetime,
    worker_days: list[tuple[str, int]] | None = None,
) -> SettlementView | None:
    """After the dispute window: worker earning = paid total − refunds − commission (the order's snapshot
    percent; a late-cancellation fee goes to the worker whole), credited as available; the commission becomes
    platform revenue. ``discount_fen`` (the order's member, coupon and points lines) is borne by the platform:
    its share for what remains after refunds is added from ``platform_promotions`` first, so earning and
    commission are computed on the undiscounted price. Once per order (a repeat returns the same result); None if the order was never paid.
    ``Conflict`` REFUND_IN_FLIGHT while WeChat Pay has not answered a refund: retry later. ``worker_days``
    (an engagement whose worker was replaced: each worker and the days they served, ``worker_id`` last) divides
    the worker earning by days served."""
    payment = store.get_payment(order_id)
    if payment is None or payment.status != "paid":
        return None
    if not payment.settled_at:
        if int(payment.refunding_fen or 0):
            raise Conflict("a refund of this order is still in flight", code="REFUND_IN_FLIGHT")
        if payment.pending_worker_id and payment.pending_worker_id != worker_id:
            raise Conflict("the order's pending earning belongs to another worker", code="WORKER_MISMATCH")
        paid, refunded = int(payment.paid_fen), int(payment.refunded_fen or 0)
        # The platform bears the discounts: its subsidy joins the held money (once: the id is the order's).
        subsidy = ledger.subsidy_for(discount_fen, paid, refunded) if not late_cancellation_fee_fen else 0
        if subsidy:
            ledger_store.post(ledger.promotion_subsidy(order_id, subsidy, at=now))
        split = ledger.split_earning(paid + subsidy, refunded, commission_percent, late_cancellation_fee_fen)
        held = ledger_store.balance(ledger.order_account(order_id))
        pending = int(payment.pending_fen or 0)
        tx = None
        if split.worker_fen + split.commission_fen:
            shares = ledger.shares_by_days(split.worker_fen, worker_days) if worker_days else None
            tx = ledger.settlement(
                order_id, worker_id, split, held_fen=held, pending_fen=pending, at=now, shares=shares
            )
        store.settle(
            order_id,
            worker_id,
            worker_fen=split.worker_fen,
            commission_fen=split.commission_fen,
            commission_percent=commission_percent,
            at=iso(now),
            tx=tx,
        )
        payment = store.get_payment(order_id)
        assert payment is not None
    return SettlementView(
        order_id=order_id,
        worker_id=payment.settled_worker_id or worker_id,
        paid_fen=int(payment.paid_fen),
        refunded_fen=int(payment.refunded_fen or 0),
        commission_fen=int(payment.commission_fen or 0),
        worker_fen=int(payment.worker_fen or 0),
        late_cancellation_fee_fen=late_cancellation_fee_fen,
    )


def payments_due(now: datetime, *, within: timedelta, overdue: timedelta = timedelta(hours=2)) -> list[str]:
    """Trades (out_trade_no: the order id, or an engagement's balance trade) whose unpaid prepay's deadline is
    at most ``within`` from ``now`` (and up to ``overdue`` past): what the scheduled reconciliation asks WeChat
    Pay about (``reconcile_payment``). Reads the sparse due-index hour by hour; paid and closed ones are not in it."""
    start, end = now - overdue, now + within
    hour = start.replace(minute=0, second=0, microsecond=0)
    due: list[str] = []
    while hour <= end:
        due += [p.out_trade_no for p in store.payments_due(iso(hour)[:13], iso(end))]
        hour += timedelta(hours=1)
    return due
