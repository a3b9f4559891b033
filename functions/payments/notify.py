"""The verification path of POST /v1/payments/wechat/notify and /refund-notify, ready to be wired.

A notification is believed only after ``read_notification`` (signature over the raw bytes, known serial, fresh
timestamp, not the sign-test probe, AES-GCM decryption) and the checks of ``payment_of``/``refund_of`` (event
type, our merchant id and appid, integer amounts). Anything else answers 4xx with ``{"code": "FAIL", "message"}``,
which makes WeChat Pay retry, and changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalice import Response
from common.errors import InvalidNotification
from pydantic import ValidationError

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
    if resource.get("mchid") != mchid or refund.status != status or refund.amount is None:
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
