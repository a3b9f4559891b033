"""Booking routes of customers and workers: quote, book, read, cancel, complain; accept, decline, start, complete.

Every POST that creates or moves an order honours ``Idempotency-Key`` (a retry returns the first response).
"""

from __future__ import annotations

from collections.abc import Callable

from chalice import Blueprint
from common.api import Call, route
from common.idempotency import idempotent
from common.ids import new_id
from common.pagination import Page

from functions.booking import board, complaints, moves, service, store
from functions.booking.models import (
    CancelRequest,
    Complaint,
    ComplaintRequest,
    Order,
    OrderRequest,
    OrdersQuery,
    Quote,
    QuoteRequest,
    WorkerOrdersQuery,
)
from functions.booking.views import assigned_to_worker, to_order

bp = Blueprint(__name__)


@route(bp, "/v1/quotes", "POST", body=QuoteRequest, response=Quote, auth="customer")
def create_quote(call: Call) -> Quote:
    """Price a booking: unit price × units, then the member, coupon and points lines."""
    return service.quote(call.user_id, call.body, now=call.now)


@route(bp, "/v1/orders", "POST", body=OrderRequest, response=Order, status=201, auth="customer")
def create_order(call: Call) -> Order:
    """Book a service; the worker's slot is held from here on (409 SLOT_TAKEN if it is not free)."""
    return idempotent(
        call,
        "orders",
        Order,
        lambda: service.create_order(call.user_id, call.body, now=call.now, new_id=new_id),
    )


@route(bp, "/v1/orders", "GET", query=OrdersQuery, response=Page[Order], auth="customer")
def list_orders(call: Call) -> Page[Order]:
    """The customer's orders, newest first."""
    return service.list_orders(call.user_id, limit=call.query.limit, cursor=call.query.cursor)


@route(bp, "/v1/orders/{order_id}", "GET", response=Order, auth="customer")
def get_order(call: Call, order_id: str) -> Order:
    """One of the customer's orders, with its timeline."""
    return service.get_order(call.user_id, order_id)


@route(bp, "/v1/orders/{order_id}/cancel", "POST", body=CancelRequest, response=Order, auth="customer")
def cancel_order(call: Call, order_id: str) -> Order:
    """Cancel: a full refund before acceptance and until 2 h before the start; a fee after; not once started."""
    return idempotent(
        call,
        "order-cancel",
        Order,
        lambda: moves.cancel_by_customer(call.user_id, order_id, call.body.reason, now=call.now),
        order_id=order_id,
    )


@route(
    bp,
    "/v1/orders/{order_id}/complaints",
    "POST",
    body=ComplaintRequest,
    response=Complaint,
    status=201,
    auth="customer",
)
def file_complaint(call: Call, order_id: str) -> Complaint:
    """Complain about an order; customer service resolves it."""
    return idempotent(
        call,
        "complaints",
        Complaint,
        lambda: complaints.file(call.user_id, order_id, call.body, now=call.now, new_id=new_id),
        order_id=order_id,
    )


@route(bp, "/v1/worker/orders", "GET", query=WorkerOrdersQuery, response=Page[Order])
def worker_orders(call: Call) -> Page[Order]:
    """The worker's orders, latest start first, optionally in one status."""
    return board.worker_orders(call.user_id, call.query)


@route(bp, "/v1/worker/orders/{order_id}", "GET", response=Order)
def worker_order(call: Call, order_id: str) -> Order:
    """One order assigned to the worker."""
    return to_order(assigned_to_worker(store.get(order_id), call.user_id))


def _worker_move(call: Call, order_id: str, action: str, fn: Callable[..., Order]) -> Order:
    return idempotent(
        call, f"order-{action}", Order, lambda: fn(call.user_id, order_id, now=call.now), order_id=order_id
    )


@route(bp, "/v1/worker/orders/{order_id}/accept", "POST", response=Order)
def accept_order(call: Call, order_id: str) -> Order:
    """Accept an order offered to the worker (待接单 → 已接单)."""
    return _worker_move(call, order_id, "accept", moves.accept)


@route(bp, "/v1/worker/orders/{order_id}/decline", "POST", response=Order)
def decline_order(call: Call, order_id: str) -> Order:
    """Decline an offered order; it goes to the next best match."""
    return _worker_move(call, order_id, "decline", moves.decline)


@route(bp, "/v1/worker/orders/{order_id}/start", "POST", response=Order)
def start_order(call: Call, order_id: str) -> Order:
    """Start the service (from 60 minutes before its time; 已接单 → 服务中)."""
    return _worker_move(call, order_id, "start", moves.start_service)


@route(bp, "/v1/worker/orders/{order_id}/complete", "POST", response=Order)
def complete_order(call: Call, order_id: str) -> Order:
    """Complete the service (服务中 → 已完成)."""
    return _worker_move(call, order_id, "complete", moves.complete)
