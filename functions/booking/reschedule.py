"""Rescheduling (改期, issue 13): an order moves to another start as a move, not a cancel-and-rebook.

More than ``settings.reschedule_free_hours`` hours before both the current and the new start, the customer's
move happens at once; closer than that (an accepted order, whose worker has planned the day), it waits for the
worker's consent (``accept_reschedule`` / ``reject_reschedule``). The move is one transaction
(``reschedule_store.move``): new locks put with conditions, old ones deleted, the order updated, its timeline
entry and its event. A taken slot is 409 ``SLOT_TAKEN`` and nothing changes.

The workflow: while the order waits for its start, that wait's timeout was computed from the old start. The move
bumps the order's version (so the old timeout, when it fires, finds the order moved and is no no-show) and wakes
the wait, whose next ``route`` reads the new start from the order and arms a wait that ends at it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from common.clock import business_tz, iso
from common.errors import InvalidTransition, NoRescheduleRequest, RuleViolation
from common.models import Moment, Strict
from common.settings import get_settings
from pydantic import BaseModel

from functions import workers
from functions.booking import onsite_rules, rules, workflow
from functions.booking import reschedule_store as rstore
from functions.booking.models import Order
from functions.booking.moves import load
from functions.booking.order_events import add_order_event
from functions.booking.policy import time_rules
from functions.booking.store import OrderItem, entry
from functions.booking.views import assigned_to_worker, owned_by_customer, to_order

MOVABLE = frozenset({rules.PENDING_PAYMENT, rules.PENDING_ACCEPTANCE, rules.ACCEPTED})


class RescheduleRequest(Strict):
    start: Moment


class RescheduleState(BaseModel):
    """Where a move stands: ``moved`` (done), ``awaiting_worker`` (the worker's consent is needed), ``rejected``."""

    status: Literal["moved", "awaiting_worker", "rejected"]
    start: str  # the start asked for
    previous_start: str


class RescheduledOrder(Order):
    """The order after a reschedule request or answer, with where the move stands."""

    reschedule: RescheduleState


# --- the rule (pure) ----------------------------------------------------------------------------------------


def needs_consent(
    status: str, worker_id: str | None, current: datetime, new: datetime, *, now: datetime, window: timedelta
) -> bool:
    """A move needs the worker's consent when an accepted order's current or new start is within ``window``."""
    return status == rules.ACCEPTED and worker_id is not None and min(current, new) - now <= window


# --- use cases ----------------------------------------------------------------------------------------------


def _checked_time(item: OrderItem, start: datetime, *, now: datetime) -> tuple[datetime, datetime]:
    """The new [start, end) after the booking's time rules and the worker's availability at that time."""
    if item.status not in MOVABLE:
        raise InvalidTransition(f"cannot reschedule an order that is {item.status}")
    start = start.astimezone(business_tz())
    if start == datetime.fromisoformat(item.start):
        raise RuleViolation("the order already starts then", code="SAME_START")
    addons = onsite_rules.addon_minutes(item.service.get("addons") or [])  # the add-ons move with it
    end = rules.booking_end(start, int(item.units), int(item.service.get("duration_minutes") or 60), addons)
    rules.check_booking_time(start, end, now=now, tz=business_tz(), rules=time_rules())
    if item.worker_id:
        workers.check_bookable(
            item.worker_id,
            [item.service["category_id"]],
            item.service["id"],
            start,
            end,
            now=now,
            lat=float(item.address["lat"]),
            lng=float(item.address["lng"]),
        )
    return start, end


def _move(
    item: OrderItem,
    start: datetime,
    end: datetime,
    *,
    actor: str,
    now: datetime,
    request: rstore.RescheduleItem | None = None,
) -> OrderItem:
    previous = item.start
    note = f"rescheduled from {previous[:16].replace('T', ' ')} to {iso(start)[:16].replace('T', ' ')}"

    def announce(tx: object) -> None:
        add_order_event(
            tx,  # type: ignore[arg-type]
            "OrderRescheduled",
            item,
            actor=actor,
            note=note,
            now=now,
            start=iso(start),
            end=iso(end),
            previous_start=previous,
        )

    moved = rstore.move(
        item, start, end, entry(iso(now), item.status, actor, note), announce=announce, request=request
    )
    if moved.status == rules.ACCEPTED:
        workflow.resume(moved.task_token, moved.id)  # the start wait re-arms from the new start
    return moved


def _result(item: OrderItem, status: str, start: str, previous: str) -> RescheduledOrder:
    state = RescheduleState(status=status, start=start, previous_start=previous)  # type: ignore[arg-type]
    return RescheduledOrder(**to_order(item).model_dump(), reschedule=state)


def reschedule(customer_id: str, order_id: str, start: datetime, *, now: datetime) -> RescheduledOrder:
    """The customer moves their order to ``start``: at once (``moved``) or, within the consent window, asked of
    the worker (``awaiting_worker``). 409 ``SLOT_TAKEN`` when the worker is booked then (nothing changes), 409
    from a status that cannot move, 422 when the new time breaks a booking rule or the worker's availability."""
    item = owned_by_customer(load(order_id), customer_id)
    new_start, new_end = _checked_time(item, start, now=now)
    window = timedelta(hours=get_settings().reschedule_free_hours)
    previous = item.start
    current = datetime.fromisoformat(previous)
    if not needs_consent(item.status, item.worker_id, current, new_start, now=now, window=window):
        moved = _move(item, new_start, new_end, actor="customer", now=now)
        return _result(moved, "moved", moved.start, previous)
    request = rstore.new_request(item, iso(new_start), iso(new_end), iso(now))
    note = f"asked to move to {request.start[:16].replace('T', ' ')}; waiting for the worker"

    def announce(tx: object) -> None:
        add_order_event(
            tx,  # type: ignore[arg-type]
            "RescheduleRequested",
            item,
            actor="customer",
            note=note,
            now=now,
            cause=f"reschedule-request#{request.start}#{request.requested_at}",
            requested_start=request.start,
        )

    rstore.save_request(request, item, entry(iso(now), item.status, "customer", note), announce=announce)
    return _result(load(order_id), "awaiting_worker", request.start, previous)


def _pending(item: OrderItem) -> rstore.RescheduleItem:
    request = rstore.get_request(item.id)
    if request is None or request.order_start != item.start:
        raise NoRescheduleRequest()
    return request


def accept_reschedule(worker_id: str, order_id: str, *, now: datetime) -> Order:
    """The worker agrees to the customer's move: it happens now (the same one transaction). 409 ``SLOT_TAKEN``
    if the worker's new time was taken meanwhile (the request stays, to refuse)."""
    item = assigned_to_worker(load(order_id), worker_id)
    request = _pending(item)
    start, end = _checked_time(item, datetime.fromisoformat(request.start), now=now)
    return to_order(_move(item, start, end, actor="worker", now=now, request=request))


def reject_reschedule(worker_id: str, order_id: str, *, now: datetime) -> Order:
    """The worker refuses the customer's move: the order keeps its time and the customer is told."""
    item = assigned_to_worker(load(order_id), worker_id)
    request = _pending(item)
    note = f"the worker kept the time; no move to {request.start[:16].replace('T', ' ')}"

    def announce(tx: object) -> None:
        add_order_event(
            tx,  # type: ignore[arg-type]
            "RescheduleRejected",
            item,
            actor="worker",
            note=note,
            now=now,
            cause=f"reschedule-reject#{request.start}#{request.requested_at}",
            requested_start=request.start,
        )

    rstore.drop_request(request, item, entry(iso(now), item.status, "worker", note), announce=announce)
    return to_order(load(order_id))
