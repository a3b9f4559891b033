"""Engagement routes: a customer's replacement (换人) of the worker, and an operator's choice of the new one."""

from __future__ import annotations

from chalice import Blueprint
from common.api import Call, route
from common.idempotency import idempotent
from common.models import Strict, Text

from functions.booking import replacement
from functions.booking.models import Id, Order

bp = Blueprint(__name__)


class ReplaceRequest(Strict):
    reason: Text


class AdminReplaceRequest(Strict):
    worker_id: Id
    reason: Text


@route(bp, "/v1/orders/{order_id}/replace", "POST", body=ReplaceRequest, response=Order, auth="customer")
def replace_worker(call: Call, order_id: str) -> Order:
    """Ask for another worker on an engagement (换人).

    On an accepted or in-service engagement (a service priced per day): the best free match, never one who had
    the order, takes the days not yet begun, in one transaction; the order keeps its id and timeline, and each
    worker is paid for the days they served. ``settings.engagement_free_replacements`` replacements per order;
    beyond them 422 `REPLACEMENT_LIMIT`. 422 `NOT_AN_ENGAGEMENT` for an hourly order, 409 `NO_WORKER_AVAILABLE`
    when nobody is free. Honours `Idempotency-Key`.
    """
    return idempotent(
        call,
        "order-replace",
        Order,
        lambda: replacement.replace_by_customer(call.user_id, order_id, call.body.reason, now=call.now),
        order_id=order_id,
    )


@route(bp, "/v1/admin/orders/{order_id}/replace", "POST", body=AdminReplaceRequest, response=Order)
def admin_replace_worker(call: Call, order_id: str) -> Order:
    """Replace an engagement's worker with the operator's choice.

    As the customer's replacement, with `worker_id` chosen by the operator (checked like a customer's choice:
    422 `WORKER_UNAVAILABLE`, 409 `SLOT_TAKEN` when a remaining day is taken); not counted among the customer's
    free replacements. Honours `Idempotency-Key`.
    """
    return idempotent(
        call,
        "order-replace-admin",
        Order,
        lambda: replacement.replace_by_operator(
            order_id, call.body.worker_id, call.body.reason, operator_id=call.user_id, now=call.now
        ),
        order_id=order_id,
    )
