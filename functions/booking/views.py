"""Items → what clients see. The workflow's task token and bookkeeping never leave here."""

from __future__ import annotations

from collections.abc import Callable

from common.errors import NotFound
from common.pagination import Page

from functions import load_extensions
from functions.booking.complaints_store import ComplaintItem
from functions.booking.models import (
    Complaint,
    CustomerRating,
    Extra,
    Order,
    Photos,
    TimelineEvent,
    WorkerOrder,
    WorkerRef,
)
from functions.booking.store import OrderItem

# (customer_id, worker_id, order_id) → the customer's rating by other workers; reviews registers it, so booking
# never imports reviews (functions/reviews/extensions.py).
CustomerRatingSource = Callable[[str, str, str], CustomerRating]
_customer_rating: list[CustomerRatingSource] = []


def register_customer_rating_source(source: CustomerRatingSource) -> None:
    """Where the worker's view of an order reads the customer's rating (the last registered wins)."""
    _customer_rating[:] = [source]


def to_worker_order(item: OrderItem, worker_id: str, extras: list[Extra] | None = None) -> WorkerOrder:
    """The order as its worker sees it, with the customer's rating (empty until a source is registered)."""
    load_extensions("booking.worker_view")
    rating = (
        _customer_rating[0](item.customer_id, worker_id, item.id) if _customer_rating else CustomerRating()
    )
    return WorkerOrder(**to_order(item, extras).model_dump(), customer_rating=rating)


def to_order(item: OrderItem, extras: list[Extra] | None = None) -> Order:
    """The order as clients see it; ``extras`` (its price differences, read apart) on one order's view."""
    return Order(
        id=item.id,
        status=item.status,  # type: ignore[arg-type]
        customer_id=item.customer_id,
        service=item.service,
        worker=WorkerRef(id=item.worker_id, name=item.worker_name) if item.worker_id else None,
        units=int(item.units),
        start=item.start,
        end=item.end,
        address=item.address,
        price=item.price,
        note=item.note,
        created_at=item.created_at,
        pay_deadline=item.pay_deadline,
        paid_fen=int(item.paid_fen or 0),
        refund_fen=int((item.refund_fen or 0) + (item.complaint_refund_fen or 0)),
        cancel_reason=item.cancel_reason,
        timeline=[
            TimelineEvent(at=e.at, status=e.status, actor=e.actor, note=e.note or "")  # type: ignore[arg-type]
            for e in item.timeline or []
        ],
        engagement=item.engagement,
        progress=item.progress,  # type: ignore[arg-type]
        confirmed_at=item.confirmed_at,
        departed_at=item.departed_at,
        arrived_at=item.arrived_at,
        arrival=item.arrival,
        photos=Photos(before=list(item.before_photos or []), after=list(item.after_photos or [])),
        checklist=item.checklist,
        extras=extras or [],
    )


def to_complaint(item: ComplaintItem) -> Complaint:
    return Complaint(
        id=item.id,
        order_id=item.order_id,
        customer_id=item.customer_id,
        worker_id=item.worker_id,
        status=item.status,  # type: ignore[arg-type]
        text=item.text,
        media=list(item.media or []),
        created_at=item.created_at,
        resolution=item.resolution,
        refund_fen=int(item.refund_fen or 0),
        penalize_worker=bool(item.penalize_worker),
        resolved_at=item.resolved_at,
        resolved_by=item.resolved_by,
    )


def orders_page(items: list[OrderItem], next_cursor: str | None) -> Page[Order]:
    return Page[Order](items=[to_order(i) for i in items], next_cursor=next_cursor)


def owned_by_customer(item: OrderItem | None, customer_id: str) -> OrderItem:
    """The order if it is this customer's; another's answers exactly like a missing one (404)."""
    if item is None or item.customer_id != customer_id:
        raise NotFound("no such order")
    return item


def assigned_to_worker(item: OrderItem | None, worker_id: str) -> OrderItem:
    """The order if it is assigned to this worker; 404 otherwise."""
    if item is None or item.worker_id != worker_id:
        raise NotFound("no such order")
    return item
