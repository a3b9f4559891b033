"""Rescheduling's items and its one transaction (docs/access-patterns.md, "booking"). Nothing else writes them.

- reschedule request: ORDER#{id} / RESCHEDULE — a customer's move waiting for the worker's consent (one at a time;
  a new request replaces it). Read with the order by its key; no index.

The move itself is one TransactWriteItems: the order's new start and end (its index keys follow), its version,
its timeline entry; the worker's new slot locks put only if free and the old ones deleted (workers' ``move_slots``);
the order event; and the request item gone. A taken slot cancels it all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from common.clock import iso
from common.db import Item, cancellation_reasons, retry_conflicts
from common.errors import InvalidTransition, SlotTaken
from common.log import logger
from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from functions import workers
from functions.booking import store
from functions.booking.store import OrderItem, TimelineEntry


class RescheduleItem(Item):
    order_id = UnicodeAttribute()
    start = UnicodeAttribute()  # the start asked for
    end = UnicodeAttribute()
    requested_at = UnicodeAttribute()
    order_start = UnicodeAttribute()  # the order's start when it was asked (a later move makes it stale)


def request_key(order_id: str) -> tuple[str, str]:
    return f"ORDER#{order_id}", "RESCHEDULE"


def get_request(order_id: str) -> RescheduleItem | None:
    try:
        return RescheduleItem.get(*request_key(order_id), consistent_read=True)
    except DoesNotExist:
        return None


def new_request(order: OrderItem, start: str, end: str, at: str) -> RescheduleItem:
    return RescheduleItem(
        *request_key(order.id),
        order_id=order.id,
        start=start,
        end=end,
        requested_at=at,
        order_start=order.start,
    )


def move(
    item: OrderItem,
    start: datetime,
    end: datetime,
    event: TimelineEntry,
    *,
    announce: Callable[[TransactWrite], None],
    request: RescheduleItem | None = None,
) -> OrderItem:
    """Move the order read (``item``) to [start, end) in one transaction; the order as it is now.
    ``SlotTaken`` if the worker is booked for any part of the new time; ``InvalidTransition`` if the order moved
    meanwhile (or the request was answered meanwhile). Nothing is written either way."""
    new_start, new_end = iso(start), iso(end)
    actions: list[Any] = [
        OrderItem.start.set(new_start),
        OrderItem.end.set(new_end),
        OrderItem.version.add(1),
        OrderItem.timeline.set(OrderItem.timeline.append([event])),
    ]
    for name, value in store.index_keys(item.id, item.status, item.worker_id, new_start).items():
        attr = getattr(OrderItem, name)
        actions.append(attr.set(value) if value is not None else attr.remove())
    old = (datetime.fromisoformat(item.start), datetime.fromisoformat(item.end))

    def attempt() -> None:
        with store.transaction() as tx:
            tx.update(
                item, actions=actions, condition=store.expected(item)
            )  # first: a lost race reads as such
            if request is not None:
                tx.delete(request, condition=RescheduleItem.start == request.start)
            if item.worker_id:
                workers.move_slots(tx, item.worker_id, old, (start, end), item.id)
            announce(tx)

    try:
        retry_conflicts(attempt)
    except TransactWriteError as exc:
        reasons = cancellation_reasons(exc)
        if not reasons:
            raise
        # PynamoDB sends deletes, puts, then updates, so a reason's place does not say which write it was: the
        # order (or the request) having changed is read back; otherwise a new slot was taken.
        now = store.get(item.id, consistent=True)
        asked = get_request(item.id) if request is not None else None
        if (
            now is None
            or (now.status, now.version) != (item.status, item.version)
            or (request is not None and (asked is None or asked.start != request.start))
        ):
            raise InvalidTransition("the order changed meanwhile; reload it") from exc
        logger.info("reschedule refused", extra={"order_id": item.id, "reasons": reasons})
        raise SlotTaken() from exc
    moved = store.get(item.id, consistent=True)
    assert moved is not None
    return moved


def save_request(
    request: RescheduleItem,
    item: OrderItem,
    event: TimelineEntry,
    *,
    announce: Callable[[TransactWrite], None],
) -> None:
    """Keep the request (replacing an earlier one), its timeline entry on the order, and its event, in one
    transaction; ``InvalidTransition`` if the order moved since it was read."""
    _with_order_note(item, event, announce, lambda tx: tx.save(request))


def drop_request(
    request: RescheduleItem,
    item: OrderItem,
    event: TimelineEntry,
    *,
    announce: Callable[[TransactWrite], None],
) -> None:
    """The worker refused: the request gone, the timeline entry and the event, in one transaction;
    ``InvalidTransition`` if the order or the request changed meanwhile."""
    _with_order_note(
        item, event, announce, lambda tx: tx.delete(request, condition=RescheduleItem.start == request.start)
    )


def _with_order_note(
    item: OrderItem,
    event: TimelineEntry,
    announce: Callable[[TransactWrite], None],
    write: Callable[[TransactWrite], None],
) -> None:
    # A note, not a move: the version (which the workflow's waits are armed at) stays.
    actions = [OrderItem.timeline.set(OrderItem.timeline.append([event]))]

    def attempt() -> None:
        with store.transaction() as tx:
            tx.update(item, actions=actions, condition=store.expected(item))
            write(tx)
            announce(tx)

    try:
        retry_conflicts(attempt)
    except TransactWriteError as exc:
        if cancellation_reasons(exc):
            raise InvalidTransition("the order changed meanwhile; reload it") from exc
        raise
