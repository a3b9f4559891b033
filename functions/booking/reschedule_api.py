"""Rescheduling routes (issue 13): the customer's move, the worker's consent or refusal."""

from __future__ import annotations

from chalice import Blueprint
from common.api import Call, route
from common.idempotency import idempotent

from functions.booking import reschedule
from functions.booking.models import Order, WorkerOrder
from functions.booking.reschedule import RescheduledOrder, RescheduleRequest
from functions.booking.worker_view import for_worker

bp = Blueprint(__name__)


@route(
    bp,
    "/v1/orders/{order_id}/reschedule",
    "POST",
    body=RescheduleRequest,
    response=RescheduledOrder,
    auth="customer",
    errors=(404, 409, 422),
)
def reschedule_order(call: Call, order_id: str) -> RescheduledOrder:
    """Move one of the customer's orders to another start (改期).

    While the current and the new start are both more than ``settings.reschedule_free_hours`` hours ahead (or
    the order is not accepted yet) the order moves at once (`reschedule.status` `moved`): the worker's slots at
    the new time are held and the old ones freed in one step. Closer to the start, an accepted order's move
    waits for the worker's consent (`awaiting_worker`). The new start follows the booking's time rules and the
    worker's availability (422); 409 `SLOT_TAKEN` when the worker is booked then, and nothing changes.
    Honours `Idempotency-Key`.
    """
    return idempotent(
        call,
        "order-reschedule",
        RescheduledOrder,
        lambda: reschedule.reschedule(call.user_id, order_id, call.body.start, now=call.now),
        order_id=order_id,
    )


@route(
    bp,
    "/v1/worker/orders/{order_id}/reschedule/accept",
    "POST",
    response=WorkerOrder,
    errors=(404, 409, 422),
)
def accept_reschedule(call: Call, order_id: str) -> WorkerOrder:
    """Agree to the customer's move of an order assigned to the worker.

    The order moves now, in one step; 409 `SLOT_TAKEN` if the worker's new time was taken meanwhile (nothing
    changes). 409 `NO_RESCHEDULE_REQUEST` when no move is waiting for the worker's answer. Honours `Idempotency-Key`.
    """
    order = idempotent(
        call,
        "order-reschedule-accept",
        Order,
        lambda: reschedule.accept_reschedule(call.user_id, order_id, now=call.now),
        order_id=order_id,
    )
    return for_worker(order, now=call.now)


@route(bp, "/v1/worker/orders/{order_id}/reschedule/reject", "POST", response=WorkerOrder, errors=(404, 409))
def reject_reschedule(call: Call, order_id: str) -> WorkerOrder:
    """Refuse the customer's move of an order assigned to the worker.

    The order keeps its time and the customer is told. 409 `NO_RESCHEDULE_REQUEST` when no move is waiting for the worker's answer.
    Honours `Idempotency-Key`.
    """
    order = idempotent(
        call,
        "order-reschedule-reject",
        Order,
        lambda: reschedule.reject_reschedule(call.user_id, order_id, now=call.now),
        order_id=order_id,
    )
    return for_worker(order, now=call.now)
