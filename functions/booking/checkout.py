"""Where booking and payments meet over HTTP: paying an order, and WeChat Pay's payment notification (the
reconciliation job, for a notification lost, is ``functions.booking.reconcile``).

Payments owns the money (prepay, verification, the ledger); booking owns the order. The notification handler is
payments', given booking's ``mark_paid`` to move the order on (INTERFACES.md): a payment for an order cancelled
meanwhile is refunded by payments.
"""

from __future__ import annotations

from datetime import datetime

from chalice import Blueprint, Response
from common.api import Call, route
from common.errors import InvalidTransition, NotFound

from functions import identity, payments
from functions.booking import rules, service
from functions.booking.moves import mark_paid

bp = Blueprint(__name__)


@route(bp, "/v1/orders/{order_id}/pay", "POST", response=payments.PayParams, auth="customer", errors=(502,))
def pay_order(call: Call, order_id: str) -> payments.PayParams:
    """Start paying one of the customer's orders.

    Answers the parameters of the mini-program's `wx.requestPayment` (a WeChat Pay JSAPI prepay, signed with
    the merchant key). Only for an order awaiting payment (409 otherwise). The order moves on when WeChat
    Pay's notification arrives, or the reconciliation finds the payment, never on the client's word. 502 when
    WeChat Pay fails: try again.
    """
    order = service.get_order_for_payment(order_id, call.user_id)
    if order.status != rules.PENDING_PAYMENT:
        raise InvalidTransition(f"the order is {order.status}, not waiting for payment")
    contact = identity.contact_for(call.user_id)
    if contact is None:
        raise NotFound("no such customer")
    return payments.start_payment(
        order.id,
        total_fen=order.total_fen,
        description=order.description,
        openid=contact.openid,
        now=call.now,
        wechat=payments.client_from_settings(),
        pay_deadline=datetime.fromisoformat(order.pay_deadline),
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
