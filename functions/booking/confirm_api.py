"""On-site service routes of this part (issue 17): the customer's confirmation, the operators' exception queue."""

from __future__ import annotations

from chalice import Blueprint
from common.api import Call, route
from common.idempotency import idempotent
from common.pagination import Page

from functions.booking import confirmation, exception_queue
from functions.booking.models import ExceptionResolveRequest, ExceptionsQuery, Order, OrderException

bp = Blueprint(__name__)


@route(bp, "/v1/orders/{order_id}/confirm", "POST", response=Order, auth="customer", errors=(409,))
def confirm_order(call: Call, order_id: str) -> Order:
    """Confirm a completed order (确认完成).

    Sets `progress: "confirmed"` and `confirmed_at`; the dispute window and the settlement run from here, and
    the worker is told. Unconfirmed orders are confirmed by the system `settings.auto_confirm_seconds` after
    completion. Confirming a confirmed order answers it unchanged (200); an order that is not completed is 409
    `INVALID_TRANSITION`; another customer's order is 404.
    """
    return confirmation.confirm_by_customer(call.user_id, order_id, now=call.now)


@route(bp, "/v1/admin/exceptions", "GET", query=ExceptionsQuery, response=Page[OrderException])
def admin_list_exceptions(call: Call) -> Page[OrderException]:
    """The orders that need a person now (异常单), oldest first.

    Each with its `kind` (`late_start`, `no_checkin`, `overtime`, `unconfirmed`, `unpaid_extra`), the
    `reason` and `since` when. `kind` narrows the list to one kind. Paginated with `limit` and `cursor`.
    """
    q = call.query
    return exception_queue.list_open(q.kind, limit=q.limit, cursor=q.cursor)


@route(
    bp,
    "/v1/admin/exceptions/{exception_id}/resolve",
    "POST",
    body=ExceptionResolveRequest,
    response=OrderException,
)
def admin_resolve_exception(call: Call, exception_id: str) -> OrderException:
    """Resolve an exception with a note.

    It leaves the queue; recorded in the audit trail. A resolved exception is 409 `ALREADY_RESOLVED`. Honours
    `Idempotency-Key`.
    """
    return idempotent(
        call,
        "exception-resolve",
        OrderException,
        lambda: exception_queue.resolve(call.user_id, exception_id, call.body.note, now=call.now),
        exception_id=exception_id,
    )
