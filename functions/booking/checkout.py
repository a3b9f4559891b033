"""Where booking and payments meet over HTTP: paying an order, and WeChat Pay's payment notification (the
reconciliation job, for a notification lost, is ``functions.booking.reconcile``).

Payments owns the money (prepay, verification, the ledger); booking owns the order. The notification handler is
payments', given booking's ``mark_paid`` to move the order on (INTERFACES.md): a payment for an order cancelled
meanwhile is refunded by payments.
"""

from __future__ import annotations

from typing import Literal

from chalice import Blueprint, Response
from common.api import Call, route
from common.errors import NotFound
from common.models import Strict

from functions import identity, payments
from functions.booking import parts, store
from functions.booking.moves import mark_paid
from functions.booking.views import owned_by_customer


class PayRequest(Strict):
    """Which part of an engagement to pay (left out: what is due next)."""

    part: Literal["deposit", "balance"] | None = None


bp = Blueprint(__name__)


@route(
    bp,
    "/v1/orders/{order_id}/pay",
    "POST",
    body=PayRequest,
    body_optional=True,
    response=payments.PayParams,
    auth="customer",
    errors=(502,),
)
def pay_order(call: Call, order_id: str) -> payments.PayParams:
    """Start paying one of the customer's orders.

    Answers the parameters of the mini-program's `wx.requestPayment` (a WeChat Pay JSAPI prepay, signed with
    the merchant key). Only for an order awaiting payment (409 otherwise). An engagement (a service priced per
    day) is paid in two parts: `{"part": "deposit"}` (定金, while the order awaits payment) and then
    `{"part": "balance"}` (尾款, due ``settings.engagement_balance_due_hours`` hours before the first day);
    without a body, what is due next (409 `NOTHING_DUE` when nothing is; 422 `NOT_AN_ENGAGEMENT` for a part of
    an hourly order). The order moves on when WeChat Pay's notification arrives, or the reconciliation finds
    the payment, never on the client's word. 502 when WeChat Pay fails: try again.
    """
    item = owned_by_customer(store.get(order_id, consistent=True), call.user_id)
    body: PayRequest | None = call.body
    due = parts.due(item, body.part if body else None)
    contact = identity.contact_for(call.user_id)
    if contact is None:
        raise NotFound("no such customer")
    label = "" if not item.engagement else (" 尾款" if due.part == "balance" else " 定金")
    return payments.start_payment(
        item.id,
        total_fen=due.amount_fen,
        description=f"{item.service['name']} {item.start[:16].replace('T', ' ')}{label}",
        openid=contact.openid,
        now=call.now,
        wechat=payments.client_from_settings(),
        pay_deadline=due.deadline,
        part=due.part,
    )


@route(bp, "/v1/payments/wechat/notify", "POST", status=204, auth=None, tags=("payments",))
def wechat_payment_notify(call: Call) -> Response:
    """WeChat Pay's payment notification (called by WeChat Pay, not by clients).

    Verified over the raw body (the platform key's signature, a timestamp within
    ``settings.wechatpay_timestamp_window_seconds`` seconds, decryption with the APIv3 key), recorded once,
    and the order moved on; a payment for an order cancelled meanwhile is refunded. Answers in WeChat Pay's
    protocol, not this API's error format: 204 when accepted; `{"code": "FAIL", "message"}` with a 4xx or 5xx
    status when refused or to be retried (WeChat Pay retries).
    """
    return payments.handle_payment_notification(
        call.headers, call.raw_body, now=call.now, wechat=payments.client_from_settings(), mark_paid=mark_paid
    )
