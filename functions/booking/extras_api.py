"""On-site price difference routes (补差价, issue 17): the worker proposes, the customer approves (and pays) or
rejects."""

from __future__ import annotations

from chalice import Blueprint
from common.api import Call, route
from common.idempotency import idempotent

from functions import payments
from functions.booking import extras
from functions.booking.models import Extra, ExtraProposed, ExtraRequest

bp = Blueprint(__name__)


@route(
    bp,
    "/v1/worker/orders/{order_id}/extras",
    "POST",
    body=ExtraRequest,
    response=ExtraProposed,
    status=201,
    errors=(404, 409, 422),
)
def propose_extra(call: Call, order_id: str) -> ExtraProposed:
    """Propose an on-site price difference (补差价) on an order in service.

    The assigned worker lists what the difference is for (`items`: `name` and a positive integer `amount_fen`,
    at most ``settings.extra_max_items`` lines and ``settings.extra_max_amount_fen`` fen in all, 422
    `TOO_MANY_ITEMS` / `EXTRA_TOO_LARGE`; at most ``settings.extra_max_per_order`` per order, 422
    `TOO_MANY_EXTRAS`) and why; the customer is told and approves (then pays) or rejects it. 409 unless the
    order is in service. Honours `Idempotency-Key`.
    """
    return idempotent(
        call,
        "order-extra-propose",
        ExtraProposed,
        lambda: extras.propose(call.user_id, order_id, call.body, now=call.now),
        order_id=order_id,
    )


@route(
    bp,
    "/v1/orders/{order_id}/extras/{extra_id}/approve",
    "POST",
    response=payments.PayParams,
    auth="customer",
    errors=(404, 409, 502),
)
def approve_extra(call: Call, order_id: str, extra_id: str) -> payments.PayParams:
    """Approve a price difference of one of the customer's orders and pay it.

    Answers the parameters of `wx.requestPayment` for the difference's own WeChat Pay trade (paid like the
    order, refunded on its own); the difference is `approved` until WeChat Pay's notification makes it `paid`,
    and the worker is told. Approving again while it is unpaid answers the same (or renewed) parameters; a paid
    difference is 409 `ALREADY_PAID`, a rejected one 409 `INVALID_TRANSITION`. 502 when WeChat Pay fails: try
    again.
    """
    return extras.approve(call.user_id, order_id, extra_id, now=call.now)


@route(
    bp,
    "/v1/orders/{order_id}/extras/{extra_id}/reject",
    "POST",
    response=Extra,
    auth="customer",
    errors=(404, 409),
)
def reject_extra(call: Call, order_id: str, extra_id: str) -> Extra:
    """Reject a price difference of one of the customer's orders.

    Until it is paid; the worker is told. Rejecting it again answers the same; a paid difference is 409.
    """
    return extras.reject(call.user_id, order_id, extra_id, now=call.now)
