"""Booking routes of operators: the order board, reassignment, cancellation with a refund, complaints."""

from __future__ import annotations

from chalice import Blueprint
from common.api import Call, route
from common.idempotency import idempotent
from common.pagination import Page

from functions.booking import board, complaints, moves, service
from functions.booking.models import (
    AdminCancelRequest,
    AdminOrdersQuery,
    Complaint,
    ComplaintsQuery,
    Order,
    ReassignRequest,
    ResolveRequest,
)

bp = Blueprint(__name__)


@route(bp, "/v1/admin/orders", "GET", query=AdminOrdersQuery, response=Page[Order])
def admin_orders(call: Call) -> Page[Order]:
    """The order board.

    One list at a time, each one query on an index: by `date` (default today, in the business time zone); by
    `worker_id`, optionally on a `date`; or by `customer_id`. Each may be narrowed to one `status`; a customer
    with a worker or a date is 422 `UNSUPPORTED_FILTER`. Paginated with `limit` and `cursor`.
    """
    return board.admin_orders(call.query, now=call.now)


@route(bp, "/v1/admin/orders/{order_id}", "GET", response=Order)
def admin_order(call: Call, order_id: str) -> Order:
    """Any order, with its timeline.

    Operators see every order, whoever booked or serves it.
    """
    return service.admin_order(order_id)


@route(bp, "/v1/admin/orders/{order_id}/reassign", "POST", body=ReassignRequest, response=Order)
def admin_reassign_order(call: Call, order_id: str) -> Order:
    """Give the order to another worker.

    The new worker's slots are held (409 `SLOT_TAKEN` when they are not free) and the previous worker's
    released; the new worker must accept it, as any offer. The same worker again is 422 `SAME_WORKER`. Honours
    `Idempotency-Key`.
    """
    return idempotent(
        call,
        "order-reassign",
        Order,
        lambda: moves.reassign(order_id, call.body.worker_id, operator_id=call.user_id, now=call.now),
        order_id=order_id,
    )


@route(bp, "/v1/admin/orders/{order_id}/cancel", "POST", body=AdminCancelRequest, response=Order)
def admin_cancel_order(call: Call, order_id: str) -> Order:
    """Cancel an order in any active state.

    Refunding `refund_fen`: by default all that was paid and not yet refunded, never more (422
    `REFUND_TOO_LARGE`). The order's workflow makes the refund and releases the worker's slots; a completed or
    cancelled order is 409. Honours `Idempotency-Key`.
    """
    return idempotent(
        call,
        "order-admin-cancel",
        Order,
        lambda: moves.cancel_by_operator(
            order_id, call.body.reason, call.body.refund_fen, operator_id=call.user_id, now=call.now
        ),
        order_id=order_id,
    )


@route(bp, "/v1/admin/complaints", "GET", query=ComplaintsQuery, response=Page[Complaint])
def admin_list_complaints(call: Call) -> Page[Complaint]:
    """Complaints in one status, newest first.

    `status` defaults to open: the ones waiting for customer service. Paginated with `limit` and `cursor`.
    """
    return complaints.list_complaints(call.query.status, limit=call.query.limit, cursor=call.query.cursor)


@route(
    bp,
    "/v1/admin/complaints/{complaint_id}/resolve",
    "POST",
    body=ResolveRequest,
    response=Complaint,
    errors=(502,),
)
def admin_resolve_complaint(call: Call, complaint_id: str) -> Complaint:
    """Resolve an open complaint.

    With a refund (at most what is still refundable: 422 `REFUND_TOO_LARGE`), made through WeChat Pay before
    the complaint closes (502 when it fails: try again, it never refunds twice), and, when the worker was at
    fault, a penalty recorded for the credit work. A resolved complaint is 409 `ALREADY_RESOLVED`. Honours
    `Idempotency-Key`.
    """
    return idempotent(
        call,
        "complaint-resolve",
        Complaint,
        lambda: complaints.resolve(call.user_id, complaint_id, call.body, now=call.now),
        complaint_id=complaint_id,
    )
