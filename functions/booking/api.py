"""Booking routes of customers and workers: quote, book, read, cancel, complain; accept, decline, start, complete.

Every POST that creates or moves an order honours ``Idempotency-Key`` (a retry returns the first response).
"""

from __future__ import annotations

from chalice import Blueprint
from common.api import Call, route
from common.idempotency import idempotent
from common.ids import new_id
from common.pagination import Page

from functions.booking import board, complaints, moves, onsite, service
from functions.booking.models import (
    CancelRequest,
    Complaint,
    ComplaintRequest,
    CompleteRequest,
    Order,
    OrderRequest,
    OrdersQuery,
    Quote,
    QuoteRequest,
    WorkerOrder,
    WorkerOrdersQuery,
)
from functions.booking.worker_view import for_worker, worker_step

bp = Blueprint(__name__)


@route(bp, "/v1/quotes", "POST", body=QuoteRequest, response=Quote, auth="customer", errors=(404,))
def create_quote(call: Call) -> Quote:
    """Price a booking.

    Unit price × units, then the member, coupon and points lines, each with its discount in fen; nothing is
    held or booked. `POST /v1/orders` prices the order the same way. An unknown service or address is 404.
    """
    return service.quote(call.user_id, call.body, now=call.now)


@route(
    bp,
    "/v1/orders",
    "POST",
    body=OrderRequest,
    response=Order,
    status=201,
    auth="customer",
    errors=(404, 409),
)
def create_order(call: Call) -> Order:
    """Book a service.

    The worker's slots (travel buffer included) are held from here on, so nobody else can book them: 409
    `SLOT_TAKEN` when they are not free, 409 `NO_WORKER_AVAILABLE` when the customer lets us choose and nobody
    is free. The start falls on the hour or the half hour, at least ``settings.booking_min_notice_minutes``
    minutes and at most ``settings.booking_horizon_days`` days ahead, and one order covers at most
    ``settings.booking_max_minutes`` minutes (422 otherwise). A service priced per day is an engagement:
    `units` whole days from `start`'s day, at most ``settings.engagement_max_days`` (422
    `ENGAGEMENT_TOO_LONG`), one lock per day that no hourly order may share (409 `SLOT_TAKEN`); its price
    carries `deposit_fen` and `balance_fen`. The order waits
    ``settings.payment_timeout_seconds`` seconds for payment (`POST /v1/orders/{order_id}/pay`), then it is
    cancelled and its slots released. Send an `Idempotency-Key`: a retry with the same key and body answers
    the first response and books nothing more.
    """
    return idempotent(
        call,
        "orders",
        Order,
        lambda: service.create_order(call.user_id, call.body, now=call.now, new_id=new_id),
    )


@route(bp, "/v1/orders", "GET", query=OrdersQuery, response=Page[Order], auth="customer")
def list_orders(call: Call) -> Page[Order]:
    """The customer's orders, newest first.

    Only the caller's own, paginated with `limit` and `cursor`.
    """
    return service.list_orders(call.user_id, limit=call.query.limit, cursor=call.query.cursor)


@route(bp, "/v1/orders/{order_id}", "GET", response=Order, auth="customer")
def get_order(call: Call, order_id: str) -> Order:
    """One of the customer's orders, with its timeline.

    Another customer's order is 404, like an unknown one.
    """
    return service.get_order(call.user_id, order_id)


@route(bp, "/v1/orders/{order_id}/cancel", "POST", body=CancelRequest, response=Order, auth="customer")
def cancel_order(call: Call, order_id: str) -> Order:
    """Cancel one of the customer's orders.

    Free (all that was paid is refunded) before a worker accepts, and after that until
    ``settings.cancel_fee_window_minutes`` minutes before the start; closer to the start, a fee of
    ``settings.cancel_fee_percent`` percent of what was paid goes to the worker. Once the service has started
    it cannot be cancelled here (409: customer service can). The order's workflow makes the refund and
    releases the slots. Honours `Idempotency-Key`.
    """
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
    """Complain about one of the customer's orders.

    Once the order is paid (409 before). Customer service resolves it, possibly with a refund; while it is
    open the worker's settlement of the order waits. An order has only a few open complaints at a time (422
    `TOO_MANY_COMPLAINTS`). Honours `Idempotency-Key`.
    """
    return idempotent(
        call,
        "complaints",
        Complaint,
        lambda: complaints.file(call.user_id, order_id, call.body, now=call.now, new_id=new_id),
        order_id=order_id,
    )


@route(bp, "/v1/worker/orders", "GET", query=WorkerOrdersQuery, response=Page[Order])
def worker_orders(call: Call) -> Page[Order]:
    """The worker's orders, latest start first.

    Only orders offered or assigned to the token's worker, optionally in one `status`; paginated with `limit`
    and `cursor`. The customer's address and phone are masked outside the contact window.
    """
    page = board.worker_orders(call.user_id, call.query)
    return Page[Order](
        items=[Order.model_validate(for_worker(o, now=call.now).model_dump()) for o in page.items],
        next_cursor=page.next_cursor,
    )


@route(bp, "/v1/worker/orders/{order_id}", "GET", response=WorkerOrder)
def worker_order(call: Call, order_id: str) -> WorkerOrder:
    """One order assigned to the worker.

    With its timeline and `customer_rating` (other workers' reviews of the customer); once accepted with
    `navigation` (point, address, route link). The customer's exact
    address and phone are shown from acceptance until ``settings.worker_contact_hours_after_completion`` hours
    after completion, masked otherwise. An order that is not (or no longer) the worker's is 404.
    """
    return for_worker(service.worker_order(call.user_id, order_id), now=call.now)


@route(bp, "/v1/worker/orders/{order_id}/accept", "POST", response=WorkerOrder, errors=(422,))
def accept_order(call: Call, order_id: str) -> WorkerOrder:
    """Accept an order offered to the worker (待接单 → 已接单).

    Only an order offered to this worker and still waiting for an answer (409 otherwise); an offer not
    answered within ``settings.acceptance_timeout_seconds`` seconds goes to the next best match. Honours
    `Idempotency-Key`.
    """
    return worker_step(call, order_id, "accept", moves.accept)


@route(bp, "/v1/worker/orders/{order_id}/decline", "POST", response=WorkerOrder, errors=(422,))
def decline_order(call: Call, order_id: str) -> WorkerOrder:
    """Decline an order offered to the worker.

    The worker's slots are released and the order is offered to the next best match; after
    ``settings.max_dispatch_tries`` workers it is cancelled. 409 unless the order is offered to this worker
    and waiting for an answer. Honours `Idempotency-Key`.
    """
    return worker_step(call, order_id, "decline", moves.decline)


@route(bp, "/v1/worker/orders/{order_id}/start", "POST", response=WorkerOrder, errors=(422,))
def start_order(call: Call, order_id: str) -> WorkerOrder:
    """Start the service (已接单 → 服务中).

    From ``settings.start_early_minutes`` minutes before the scheduled start (422 `TOO_EARLY` before that).
    Where the service requires arrival (its `requires_arrival`, else
    ``settings.onsite_arrival_required_default``), only after the arrival check-in
    (`POST /v1/worker/orders/{order_id}/arrive`): 422 `ARRIVAL_REQUIRED` before. A worker who has not started
    ``settings.start_grace_seconds`` seconds after the start is recorded as a no-show. Honours
    `Idempotency-Key`.
    """
    return worker_step(call, order_id, "start", onsite.start)


@route(
    bp,
    "/v1/worker/orders/{order_id}/complete",
    "POST",
    body=CompleteRequest,
    body_optional=True,
    response=WorkerOrder,
    errors=(422,),
)
def complete_order(call: Call, order_id: str) -> WorkerOrder:
    """Complete the service (服务中 → 已完成).

    Where the service has a checklist (`GET /v1/services/{id}` `checklist`), every item must be sent ticked,
    `{"checklist": {"item": true, ...}}`: one missing or `false` is 422 `CHECKLIST_INCOMPLETE`
    (`details.missing`), an item the service does not have 422 `UNKNOWN_CHECKLIST_ITEM` (`details.unknown`);
    the ticked checklist is kept on the order. Where the service requires after-photos
    (`requires_after_photos`), at least one must have been added (`POST /v1/worker/orders/{order_id}/photos`,
    stage `after`): 422 `PHOTOS_REQUIRED` before. The body may be left out for a service without a checklist.
    The worker's earning is settled after the dispute window (``settings.dispute_window_seconds`` seconds)
    unless a complaint is open; an order not completed ``settings.completion_grace_seconds`` seconds after its
    end is completed by the system (without these checks). Honours `Idempotency-Key`.
    """
    return worker_step(call, order_id, "complete", onsite.complete, body=True)
