"""Booking routes of operators: the order board, reassignment, cancellation with a refund, complaints."""

from __future__ import annotations

from chalice import Blueprint
from common.api import Call, route
from common.idempotency import idempotent
from common.pagination import Page

from functions.booking import board, complaints, moves
from functions.booking.models import (
    AdminCancelRequest,
    AdminOrdersQuery,
    Complaint,
    ComplaintsQuery,
    Order,
    ReassignRequest,
    ResolveRequest,
)
from functions.booking.views import to_order

bp = Blueprint(__name__)


@route(bp, "/v1/admin/orders", "GET", query=AdminOrdersQuery, response=Page[Order])
def admin_orders(call: Call) -> Page[Order]:
    """The order board: by date (default today) and status, by worker, or by customer."""
    return board.admin_orders(call.query, now=call.now)


@route(bp, "/v1/admin/orders/{order_id}", "GET", response=Order)
def admin_order(call: Call, order_id: str) -> Order:
    """Any order, with its timeline."""
    return to_order(moves.load(order_id))


@route(bp, "/v1/admin/orders/{order_id}/reassign", "POST", body=ReassignRequest, response=Order)
def admin_reassign_order(call: Call, order_id: str) -> Order:
    """Give the order to another worker (their slot is held, the previous worker's released); they must accept."""
    return idempotent(
        call,
        "order-reassign",
        Order,
        lambda: moves.reassign(order_id, call.body.worker_id, now=call.now),
        order_id=order_id,
    )


@route(bp, "/v1/admin/orders/{order_id}/cancel", "POST", body=AdminCancelRequest, response=Order)
def admin_cancel_order(call: Call, order_id: str) -> Order:
    """Cancel in any active state, refunding ``refund_fen`` (default: all that was paid)."""
    return idempotent(
        call,
        "order-admin-cancel",
        Order,
        lambda: moves.cancel_by_operator(order_id, call.body.reason, call.body.refund_fen, now=call.now),
        order_id=order_id,
    )


@route(bp, "/v1/admin/complaints", "GET", query=ComplaintsQuery, response=Page[Complaint])
def admin_list_complaints(call: Call) -> Page[Complaint]:
    """Complaints in one status (default open), newest first."""
    return complaints.list_complaints(call.query.status, limit=call.query.limit, cursor=call.query.cursor)


@route(bp, "/v1/admin/complaints/{complaint_id}/resolve", "POST", body=ResolveRequest, response=Complaint)
def admin_resolve_complaint(call: Call, complaint_id: str) -> Complaint:
    """Resolve a complaint: a refund, and a penalty on the worker recorded for the credit work."""
    return idempotent(
        call,
        "complaint-resolve",
        Complaint,
        lambda: complaints.resolve(call.user_id, complaint_id, call.body, now=call.now),
        complaint_id=complaint_id,
    )
