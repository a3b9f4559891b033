"""POST /v1/payments/wechat/notify and /refund-notify: what happens to a notification from WeChat Pay.

A notification is believed only after ``read_notification`` (signature over the raw bytes, known serial, fresh
timestamp, not the sign-test probe, AES-GCM decryption) and the checks of ``payment_of``/``refund_of`` (event
type, our merchant id and appid, integer amounts). Anything else answers 4xx with ``{"code": "FAIL", "message"}``,
which makes WeChat Pay retry, and changes nothing. Believed ones are applied once however often they come.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from chalice import Response
from common.errors import InvalidNotification, NotFound, RuleViolation, WeChatPayError
from common.log import logger
from pydantic import ValidationError

from functions.payments import refunds, service, store, trades
from functions.payments.wechatpay import WeChatPay
from functions.payments.wechatpay_models import Refund, Transaction

REFUND_EVENTS = {"REFUND.SUCCESS": "SUCCESS", "REFUND.ABNORMAL": "ABNORMAL", "REFUND.CLOSED": "CLOSED"}


def read_notification(
    headers: Mapping[str, str],
    raw_body: bytes | str,
    *,
    now: datetime,
    wechat: WeChatPay,
    is_base64: bool = False,
) -> dict[str, Any]:
    """The verified, decrypted notification; ``InvalidNotification`` if any check fails."""
    return wechat.verify_notification(headers, raw_body, now=now, is_base64=is_base64)


def payment_of(notification: dict[str, Any], *, appid: str, mchid: str) -> Transaction:
    """The successful payment a verified TRANSACTION.SUCCESS notification reports, addressed to us."""
    if notification.get("event_type") != "TRANSACTION.SUCCESS":
        raise InvalidNotification(f"not a payment notification: {notification.get('event_type')}")
    try:
        payment = Transaction.model_validate(notification["resource"])
    except ValidationError as exc:
        raise InvalidNotification("the payment resource is malformed") from exc
    if payment.mchid != mchid or payment.appid != appid:
        raise InvalidNotification("the payment is addressed to another merchant or app")
    if payment.trade_state != "SUCCESS" or payment.amount is None or not payment.transaction_id:
        raise InvalidNotification("the payment is not a completed one")
    return payment


def refund_of(notification: dict[str, Any], *, mchid: str) -> Refund:
    """The refund outcome a verified REFUND.* notification reports, addressed to us."""
    status = REFUND_EVENTS.get(str(notification.get("event_type")))
    if status is None:
        raise InvalidNotification(f"not a refund notification: {notification.get('event_type')}")
    resource = notification["resource"]
    try:
        refund = Refund.model_validate({**resource, "status": resource.get("refund_status")})
    except ValidationError as exc:
        raise InvalidNotification("the refund resource is malformed") from exc
    if (
        resource.get("mchid") != mchid
        or refund.status != status
        or refund.amount is None
        or not refund.out_trade_no
    ):
        raise InvalidNotification("the refund is addressed to another merchant or inconsistent")
    return refund


def fail(message: str, status: int = 401) -> Response:
    """WeChat Pay's failure answer: it retries later (for about 24 hours)."""
    body = json.dumps({"code": "FAIL", "message": message}, ensure_ascii=False)
    return Response(
        body=body, status_code=status, headers={"Content-Type": "application/json; charset=utf-8"}
    )


def accepted() -> Response:
    """WeChat Pay's success answer: no body."""
    return Response(body="", status_code=204)


# booking.mark_paid(order_id, *, paid_fen, transaction_id, now) -> bool (INTERFACES.md)
MarkPaid = Callable[..., bool]


def handle_payment_notification(
    headers: Mapping[str, str],
    raw_body: bytes | str,
    *,
    now: datetime,
    wechat: WeChatPay,
    mark_paid: MarkPaid,
    is_base64: bool = False,
) -> Response:
    """A TRANSACTION.SUCCESS notification: verify, record the payment once, resume the order.

    ``mark_paid`` (booking's) is called on every verified delivery, duplicates included, because an earlier
    delivery may have recorded the payment and failed before resuming the order; it must therefore answer True
    for an order this payment already marked paid. When it answers False (the order was cancelled meanwhile),
    the payment is refunded in full, keyed by the transaction so repeats reuse one out_refund_no."""
    try:
        payment = payment_of(
            read_notification(headers, raw_body, now=now, wechat=wechat, is_base64=is_base64),
            appid=wechat.appid,
            mchid=wechat.mchid,
        )
    except InvalidNotification as exc:
        logger.warning("payment notification refused", extra={"reason": exc.message})
        return fail(exc.message)
    assert payment.amount is not None and payment.transaction_id
    amount, transaction_id = payment.amount.total, payment.transaction_id
    order_id, part = store.order_of_trade(payment.out_trade_no)
    try:
        service.record_payment(
            order_id,
            transaction_id=transaction_id,
            amount_fen=amount,
            now=now,
            out_trade_no=payment.out_trade_no,
        )
    except (NotFound, RuleViolation) as exc:
        # Genuine money we cannot match to an order's total: keep WeChat Pay retrying while operators look.
        logger.error("verified payment not applicable", extra={"order_id": order_id, "reason": exc.code})
        return fail(exc.message, status=exc.status)
    try:
        resume_or_refund(
            order_id, amount, transaction_id, now=now, wechat=wechat, mark_paid=mark_paid, part=part
        )
    except WeChatPayError as exc:
        return fail(f"refund pending: {exc.message}", status=503)  # WeChat Pay retries; so do we
    return accepted()


def resume_or_refund(
    order_id: str,
    amount_fen: int,
    transaction_id: str,
    *,
    now: datetime,
    wechat: WeChatPay,
    mark_paid: MarkPaid,
    part: str | None = None,
) -> bool:
    """After a recorded payment (of the order, or with ``part`` "balance" of an engagement's balance, or another
    part: an on-site price difference): move the order on (booking's ``mark_paid``), or, if the order was
    cancelled meanwhile (the difference rejected), refund the payment in full (a difference from its own trade),
    keyed by the transaction so every repeat reuses one out_refund_no. True if the order moved on. Used by the
    notification and by the scheduled reconciliation."""
    paid = (
        mark_paid(order_id, paid_fen=amount_fen, transaction_id=transaction_id, now=now, part=part)
        if part
        else mark_paid(order_id, paid_fen=amount_fen, transaction_id=transaction_id, now=now)
    )
    if paid:
        return True
    logger.info("payment for a cancelled order: refunding", extra={"order_id": order_id, "part": part})
    if part not in (None, "balance"):  # an on-site price difference rejected or withdrawn: its own trade back
        reason = "补差价已取消，款项原路退回"
        key = f"auto:{transaction_id}"
        if trades.refund_part(order_id, str(part), reason, key=key, now=now, wechat=wechat) is None:
            # never recorded as paid (its order settled first): the money is for operators to return
            logger.error("difference payment neither applied nor refunded", extra={"order_id": order_id})
        return False
    refunds.refund(
        order_id, amount_fen, "订单已取消，款项原路退回", key=f"auto:{transaction_id}", now=now, wechat=wechat
    )
    return False


def handle_refund_notification(
    headers: Mapping[str, str],
    raw_body: bytes | str,
    *,
    now: datetime,
    wechat: WeChatPay,
    is_base64: bool = False,
) -> Response:
    """A REFUND.SUCCESS / ABNORMAL / CLOSED notification: verify, apply the outcome to the refund once."""
    try:
        refund = refund_of(
            read_notification(headers, raw_body, now=now, wechat=wechat, is_base64=is_base64),
            mchid=wechat.mchid,
        )
    except InvalidNotification as exc:
        logger.warning("refund notification refused", extra={"reason": exc.message})
        return fail(exc.message)
    order_id = store.order_of_trade(refund.out_trade_no or "")[0]
    try:
        refunds.complete_refund(
            order_id, refund.out_refund_no, refund.status, refund_id=refund.refund_id, now=now
        )
    except NotFound as exc:
        logger.error("refund notification for an unknown refund", extra={"order_id": order_id})
        return fail(exc.message, status=404)
    return accepted()
