"""Payments' items in the one table (docs/access-patterns.md "payments"). Money moves only through
``ledger_store.post``, written in the same transaction as the item whose change caused it:

- payment:     ``ORDER#{order} / PAYMENT#{out_trade_no}``  prepay, paid state and the order's money counters;
               while unpaid, GSI3 ``PAYPENDING#{deadline hour}`` → ``{deadline}#{order}`` (sparse) for reconciliation.
               The order's first trade (out_trade_no = order id; an engagement's deposit) keeps the order's money
               counters; an engagement's balance (尾款) is a second trade, ``{order}-b`` (``part`` "balance"), an
               on-site price difference another, ``{order}-x01`` (``part`` "x01"): each payment adds to ``paid_fen``
- refund:      ``ORDER#{order} / REFUND#{out_refund_no}``

Workers' withdrawals: ``withdrawal_store``.
"""

from __future__ import annotations

from common.db import Item
from common.table import GSI3
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError, UpdateError

from functions.payments import ledger_store
from functions.payments.ledger import LedgerTransaction
from functions.payments.ledger_store import Refused, Write

MAX_REFUNDS_PER_ORDER = 50  # WeChat Pay's limit of partial refunds per trade


class PaymentItem(Item):
    order_id = UnicodeAttribute()
    out_trade_no = UnicodeAttribute()
    amount_fen = NumberAttribute()
    description = UnicodeAttribute()
    status = UnicodeAttribute()  # prepaid | paid | closed
    prepay_id = UnicodeAttribute(null=True)
    prepay_at = UnicodeAttribute(null=True)
    pay_deadline = UnicodeAttribute(null=True)
    transaction_id = UnicodeAttribute(null=True)
    paid_at = UnicodeAttribute(null=True)
    paid_fen = NumberAttribute(null=True)
    refunded_fen = NumberAttribute(null=True)  # refunds WeChat Pay completed
    refunding_fen = NumberAttribute(null=True)  # refunds asked, outcome not yet known
    refund_count = NumberAttribute(null=True)
    pending_fen = NumberAttribute(null=True)  # this order's part of the worker's pending earnings
    pending_worker_id = UnicodeAttribute(null=True)
    commission_percent = NumberAttribute(null=True)
    settled_at = UnicodeAttribute(null=True)
    settled_worker_id = UnicodeAttribute(null=True)
    worker_fen = NumberAttribute(null=True)
    commission_fen = NumberAttribute(null=True)
    part = UnicodeAttribute(null=True)  # "balance": an engagement's second trade (None: the order's first)
    trade_refunded_fen = NumberAttribute(null=True)  # refunds asked of this trade (the order's are above)
    due = GSI3()


class RefundItem(Item):
    order_id = UnicodeAttribute()
    out_refund_no = UnicodeAttribute()
    amount_fen = NumberAttribute()
    reason = UnicodeAttribute()
    status = UnicodeAttribute()  # PROCESSING | SUCCESS | CLOSED | ABNORMAL
    from_held_fen = NumberAttribute()
    from_pending_fen = NumberAttribute()
    worker_id = UnicodeAttribute(null=True)
    refund_id = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)
    out_trade_no = UnicodeAttribute(null=True)  # the trade refunded (None: the order's first)


def payment_key(order_id: str) -> tuple[str, str]:
    # One trade per order: the order id is the out_trade_no (26 characters of [0-9a-z], within WeChat's 6–32).
    return f"ORDER#{order_id}", f"PAYMENT#{order_id}"


BALANCE_SUFFIX = "-b"


def trade_no(order_id: str, part: str | None) -> str:
    """The out_trade_no of an order's trade: the order id, ``{order}-b`` for an engagement's balance, or
    ``{order}-{part}`` for another part (an on-site price difference, ``x01``). Order ids have no ``-``."""
    return order_id if part is None else f"{order_id}{BALANCE_SUFFIX if part == 'balance' else '-' + part}"


def order_of_trade(out_trade_no: str) -> tuple[str, str | None]:
    """(order id, part) of a trade's out_trade_no."""
    order_id, _, part = out_trade_no.partition("-")
    return order_id, ("balance" if f"-{part}" == BALANCE_SUFFIX else part) if part else None


def trade_key(order_id: str, out_trade_no: str) -> tuple[str, str]:
    return f"ORDER#{order_id}", f"PAYMENT#{out_trade_no}"


def refund_key(order_id: str, out_refund_no: str) -> tuple[str, str]:
    return f"ORDER#{order_id}", f"REFUND#{out_refund_no}"


def get_payment(order_id: str) -> PaymentItem | None:
    return PaymentItem.find(*payment_key(order_id))


def get_trade(order_id: str, out_trade_no: str) -> PaymentItem | None:
    return PaymentItem.find(*trade_key(order_id, out_trade_no))


def get_refund(order_id: str, out_refund_no: str) -> RefundItem | None:
    return RefundItem.find(*refund_key(order_id, out_refund_no))


# -- payments ---------------------------------------------------------------------------------------------------


def save_prepay(item: PaymentItem, *, replacing: bool) -> bool:
    """Store a new prepay. The first one needs no payment to exist; a renewal only replaces an unpaid prepay.
    False if another request got there first (or the trade was paid meanwhile)."""
    condition = PaymentItem.status == "prepaid" if replacing else PaymentItem.PK.does_not_exist()
    try:
        item.save(condition=condition)
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def apply_payment(payment: PaymentItem, tx: LedgerTransaction, *, transaction_id: str, paid_at: str) -> bool:
    """Mark the trade paid and post its ledger transaction together; False if it was already applied."""
    paid = Write(
        "payment",
        "update",
        PaymentItem(*trade_key(payment.order_id, payment.out_trade_no)),
        (
            PaymentItem.status.set("paid"),
            PaymentItem.transaction_id.set(transaction_id),
            PaymentItem.paid_at.set(paid_at),
            PaymentItem.paid_fen.set(int(payment.amount_fen)),
            PaymentItem.GSI3PK.remove(),
            PaymentItem.GSI3SK.remove(),
        ),
        PaymentItem.status.is_in("prepaid", "closed"),
    )
    also = [paid]
    if payment.out_trade_no != payment.order_id:  # the order's money counters are on its first trade
        also.append(
            Write(
                "order",
                "update",
                PaymentItem(*payment_key(payment.order_id)),
                (PaymentItem.paid_fen.add(int(payment.amount_fen)),),
                (PaymentItem.status == "paid") & PaymentItem.settled_at.does_not_exist(),
            )
        )
    try:
        return ledger_store.post(tx, also=also)
    except Refused:
        return False  # the payment item says paid already: the same payment, applied before


def payments_due(bucket: str, until: str) -> list[PaymentItem]:
    """Unpaid prepays whose deadline falls in the hour ``bucket`` (``YYYY-MM-DDTHH``) and is at or before
    ``until`` (ISO): what reconciliation queries WeChat Pay about."""
    return list(PaymentItem.due.query(f"PAYPENDING#{bucket}", f"{until}~" >= PaymentItem.GSI3SK))


# -- refunds ----------------------------------------------------------------------------------------------------


def reserve_refund(refund: RefundItem, tx: LedgerTransaction, *, refundable_fen: int) -> bool:
    """Record a refund and set its money aside, with the order's refund counters, in one transaction.
    False if this out_refund_no was already recorded. ``Refused(["payment"])`` if the payment is not paid,
    settled, at its refund limit, or the pending earning does not cover the part taken from it; the refunded
    trade (``refund.out_trade_no``) never refunds more than its ``refundable_fen`` in all."""
    from_pending = int(refund.from_pending_fen)
    condition = (
        (PaymentItem.status == "paid")
        & PaymentItem.settled_at.does_not_exist()
        & (PaymentItem.refund_count.does_not_exist() | (PaymentItem.refund_count < MAX_REFUNDS_PER_ORDER))
    )
    if from_pending:
        condition = condition & (PaymentItem.pending_fen >= from_pending)
    actions = [PaymentItem.refunding_fen.add(int(refund.amount_fen)), PaymentItem.refund_count.add(1)]
    if from_pending:
        actions.append(PaymentItem.pending_fen.add(-from_pending))
    also = [Write("refund", "save", refund, condition=RefundItem.PK.does_not_exist())]
    trade = trade_write(refund, int(refund.amount_fen), refundable_fen=refundable_fen)
    if refund.out_trade_no and refund.out_trade_no != refund.order_id:
        also.append(trade)
    else:  # the first trade is the order's item: one update of both
        actions += list(trade.actions or ())
        condition = condition & trade.condition
    also.append(
        Write("payment", "update", PaymentItem(*payment_key(refund.order_id)), tuple(actions), condition)
    )
    return ledger_store.post(tx, also=also)


def trade_write(refund: RefundItem, amount_fen: int, *, refundable_fen: int | None = None) -> Write:
    """The refunded trade's own counter: +``amount_fen`` (−: given back), at most ``refundable_fen`` in all."""
    trade = PaymentItem(*trade_key(refund.order_id, refund.out_trade_no or refund.order_id))
    condition = PaymentItem.status == "paid"
    if refundable_fen is not None:
        limit = refundable_fen - amount_fen
        condition = condition & (
            PaymentItem.trade_refunded_fen.does_not_exist() | (PaymentItem.trade_refunded_fen <= limit)
        )
    return Write("trade", "update", trade, (PaymentItem.trade_refunded_fen.add(amount_fen),), condition)


def finish_refund(
    refund: RefundItem, tx: LedgerTransaction, status: str, *, refund_id: str | None, at: str
) -> bool:
    """WeChat Pay's final word on a refund (SUCCESS or CLOSED): the refund's status, the order's counters and the
    money, together. False if the refund was already final."""
    amount, from_pending = int(refund.amount_fen), int(refund.from_pending_fen)
    payment_actions = [PaymentItem.refunding_fen.add(-amount)]
    trades: list[Write] = []
    if status == "SUCCESS":
        payment_actions.append(PaymentItem.refunded_fen.add(amount))
    else:
        if from_pending:
            payment_actions.append(PaymentItem.pending_fen.add(from_pending))
        give_back = trade_write(refund, -amount)  # a closed refund gives its trade's amount back
        if refund.out_trade_no and refund.out_trade_no != refund.order_id:
            trades.append(give_back)
        else:
            payment_actions += list(give_back.actions)
    refund_actions = [RefundItem.status.set(status), RefundItem.updated_at.set(at)]
    if refund_id:
        refund_actions.append(RefundItem.refund_id.set(refund_id))
    try:
        return ledger_store.post(
            tx,
            also=[
                Write(
                    "refund",
                    "update",
                    RefundItem(*refund_key(refund.order_id, refund.out_refund_no)),
                    tuple(refund_actions),
                    RefundItem.status.is_in("PROCESSING", "ABNORMAL"),
                ),
                Write(
                    "payment", "update", PaymentItem(*payment_key(refund.order_id)), tuple(payment_actions)
                ),
                *trades,
            ],
        )
    except Refused:
        return False


def mark_refund_abnormal(refund: RefundItem, *, refund_id: str | None, at: str) -> bool:
    """REFUND.ABNORMAL: the money could not reach the customer's account; it stays set aside for an operator."""
    actions = [RefundItem.status.set("ABNORMAL"), RefundItem.updated_at.set(at)]
    if refund_id:
        actions.append(RefundItem.refund_id.set(refund_id))
    try:
        RefundItem(*refund_key(refund.order_id, refund.out_refund_no)).update(
            actions=actions, condition=RefundItem.status == "PROCESSING"
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


# -- earnings ---------------------------------------------------------------------------------------------------


def accrue(
    order_id: str, worker_id: str, pending_fen: int, commission_percent: int, tx: LedgerTransaction
) -> bool:
    """Move the worker's expected share to pending and remember it on the payment; once per order."""
    update = Write(
        "payment",
        "update",
        PaymentItem(*payment_key(order_id)),
        (
            PaymentItem.pending_fen.set(pending_fen),
            PaymentItem.pending_worker_id.set(worker_id),
            PaymentItem.commission_percent.set(commission_percent),
        ),
        (PaymentItem.status == "paid")
        & PaymentItem.pending_worker_id.does_not_exist()
        & PaymentItem.settled_at.does_not_exist(),
    )
    try:
        return ledger_store.post(tx, also=[update])
    except Refused:
        return False


def settle(
    order_id: str,
    worker_id: str,
    *,
    worker_fen: int,
    commission_fen: int,
    commission_percent: int,
    at: str,
    tx: LedgerTransaction | None,
) -> bool:
    """Record the settlement on the payment and post its transaction together; once per order, and never while
    a refund is in flight. ``tx`` is None when nothing remains to divide (refunded in full)."""
    actions = (
        PaymentItem.settled_at.set(at),
        PaymentItem.settled_worker_id.set(worker_id),
        PaymentItem.worker_fen.set(worker_fen),
        PaymentItem.commission_fen.set(commission_fen),
        PaymentItem.commission_percent.set(commission_percent),
        PaymentItem.pending_fen.set(0),
    )
    condition = (
        (PaymentItem.status == "paid")
        & PaymentItem.settled_at.does_not_exist()
        & (PaymentItem.refunding_fen.does_not_exist() | (PaymentItem.refunding_fen == 0))
    )
    if tx is None:
        try:
            PaymentItem(*payment_key(order_id)).update(actions=list(actions), condition=condition)
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True
    try:
        return ledger_store.post(
            tx, also=[Write("payment", "update", PaymentItem(*payment_key(order_id)), actions, condition)]
        )
    except Refused:
        return False
