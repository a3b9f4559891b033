"""Booking's items in the one table (docs/access-patterns.md). Nothing else writes them.

- order:      ORDER#{id} / ORDER — the whole order in one item, its timeline embedded (a list appended in the
              same conditional update that moves the status, so a move and its event are one write and a read is
              one item). Indexes:
                GSI1  CUSTOMER#{customer} / ORDER#{created}#{id}        a customer's orders, newest first
                GSI2  WORKER#{worker} / ORDER#{start}#{id}              a worker's orders by start (and by date)
                GSI3  ORDERDATE#{service date} / {status}#{start}#{id}  the operators' board, by date and status
                GSI4  WORKER#{worker}#{status} / ORDER#{start}#{id}     a worker's orders in one status
              The workflow's task token lives on the item and is never returned to a client.
- complaint:  functions/booking/complaints_store.py

A move is one conditional UpdateItem from the status (and version) read: two concurrent moves cannot both win.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from common.db import Item, cancellation_reasons, connection, retry_conflicts
from common.errors import InvalidTransition
from common.pagination import StorePage
from common.table import GSI1, GSI2, GSI3, GSI4
from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite


class TimelineEntry(MapAttribute):
    at = UnicodeAttribute()
    status = UnicodeAttribute()
    actor = UnicodeAttribute()
    note = UnicodeAttribute(default="")


class OrderItem(Item):
    by_customer = GSI1()
    by_worker = GSI2()
    by_date = GSI3()
    by_worker_status = GSI4()

    id = UnicodeAttribute()
    status = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    worker_id = UnicodeAttribute(null=True)
    worker_name = UnicodeAttribute(null=True)
    service = JSONAttribute()  # snapshot at booking: id, name, category_id, unit, unit_price_fen, duration
    address = JSONAttribute()  # snapshot at booking
    price = JSONAttribute()  # the quote
    units = NumberAttribute()
    start = UnicodeAttribute()
    end = UnicodeAttribute()
    note = UnicodeAttribute(null=True)
    coupon_id = UnicodeAttribute(null=True)
    points = NumberAttribute(null=True)
    channel = UnicodeAttribute(null=True)  # where the booking came from (share, referral, …; None: direct)
    ref_code = UnicodeAttribute(null=True)  # the referral code of the share link it came through
    created_at = UnicodeAttribute()
    pay_deadline = UnicodeAttribute()
    commission_percent = NumberAttribute()
    paid_fen = NumberAttribute(default=0)
    refundable_fen = NumberAttribute(default=0)  # paid and not yet refunded
    transaction_id = UnicodeAttribute(null=True)
    refund_fen = NumberAttribute(default=0)  # refunded at cancellation
    fee_fen = NumberAttribute(default=0)  # cancellation fee, the worker's
    complaint_refund_fen = NumberAttribute(default=0)
    open_complaints = NumberAttribute(default=0)
    extra_count = NumberAttribute(default=0)  # on-site price differences proposed (extras_store)
    cancel_reason = UnicodeAttribute(null=True)
    cancelled_by = UnicodeAttribute(null=True)
    tried_workers = ListAttribute(of=UnicodeAttribute, default=list)  # every worker offered the order
    dispatches = NumberAttribute(default=1)  # offers made by the system since an operator last chose a worker
    timeline = ListAttribute(of=TimelineEntry, default=list)
    version = NumberAttribute(default=0)  # +1 on every move
    task_token = UnicodeAttribute(null=True)  # the workflow's current wait (server side only)
    armed_version = NumberAttribute(null=True)  # the version the current wait was armed at
    armed_stage = UnicodeAttribute(null=True)
    compensated = BooleanAttribute(default=False)
    settled_at = UnicodeAttribute(null=True)
    # An engagement's days, parts paid and workers (functions/booking/engagements.py); None for hourly orders.
    engagement = JSONAttribute(null=True)
    # The visit (functions/booking/onsite.py): progress inside accepted ("on_the_way" | "arrived"; None until the
    # worker sets out), when, the check-in at the door, the photos, the checklist ticked at completion.
    progress = UnicodeAttribute(null=True)
    departed_at = UnicodeAttribute(null=True)
    arrived_at = UnicodeAttribute(null=True)
    arrival = JSONAttribute(null=True)  # {"lat", "lng", "photo_url", "distance_m"}
    before_photos = ListAttribute(of=UnicodeAttribute, null=True)
    after_photos = ListAttribute(of=UnicodeAttribute, null=True)
    checklist = JSONAttribute(null=True)
    confirmed_at = UnicodeAttribute(null=True)  # progress "confirmed" (functions/booking/confirmation.py)


# What a worker's visit leaves on the order before the service starts; a change of worker clears it.
VISIT = ("progress", "departed_at", "arrived_at", "arrival", "before_photos")


class OrderChanged(Exception):
    """The order moved since it was read (a concurrent move won)."""


# --- keys ----------------------------------------------------------------------------------------------------


def order_key(order_id: str) -> tuple[str, str]:
    return f"ORDER#{order_id}", "ORDER"


def customer_partition(customer_id: str) -> str:
    return f"CUSTOMER#{customer_id}"


def worker_partition(worker_id: str) -> str:
    return f"WORKER#{worker_id}"


def worker_status_partition(worker_id: str, status: str) -> str:
    return f"WORKER#{worker_id}#{status}"


def date_partition(service_date: str) -> str:
    return f"ORDERDATE#{service_date}"


def index_keys(order_id: str, status: str, worker_id: str | None, start: str) -> dict[str, str | None]:
    """The index keys an order with this status and worker has (None: not in that index)."""
    return {
        "GSI2PK": worker_partition(worker_id) if worker_id else None,
        "GSI2SK": f"ORDER#{start}#{order_id}" if worker_id else None,
        "GSI3PK": date_partition(start[:10]),
        "GSI3SK": f"{status}#{start}#{order_id}",
        "GSI4PK": worker_status_partition(worker_id, status) if worker_id else None,
        "GSI4SK": f"ORDER#{start}#{order_id}" if worker_id else None,
    }


def new_order(**fields: Any) -> OrderItem:
    """An order item with its keys and index keys."""
    item = OrderItem(*order_key(fields["id"]), **fields)
    item.GSI1PK = customer_partition(item.customer_id)
    item.GSI1SK = f"ORDER#{item.created_at}#{item.id}"
    for name, value in index_keys(item.id, item.status, item.worker_id, item.start).items():
        setattr(item, name, value)
    return item


# --- reads ---------------------------------------------------------------------------------------------------


def get(order_id: str, *, consistent: bool = False) -> OrderItem | None:
    try:
        return OrderItem.get(*order_key(order_id), consistent_read=consistent)
    except DoesNotExist:
        return None


def by_customer(customer_id: str, limit: int, start: dict | None, status: str | None = None) -> StorePage:
    """A customer's orders, newest first; a status filter reads only that customer's orders."""
    return StorePage.of(
        OrderItem.by_customer.query(
            customer_partition(customer_id),
            OrderItem.GSI1SK.startswith("ORDER#"),
            filter_condition=(OrderItem.status == status) if status else None,
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=start,
        )
    )


def by_worker(
    worker_id: str, limit: int, start: dict | None, status: str | None, day: str | None
) -> StorePage:
    """A worker's orders, latest start first, in one status and/or on one service date."""
    prefix = f"ORDER#{day}" if day else "ORDER#"
    if status:
        index, partition, sk = (
            OrderItem.by_worker_status,
            worker_status_partition(worker_id, status),
            OrderItem.GSI4SK,
        )
    else:
        index, partition, sk = OrderItem.by_worker, worker_partition(worker_id), OrderItem.GSI2SK
    return StorePage.of(
        index.query(
            partition, sk.startswith(prefix), scan_index_forward=False, limit=limit, last_evaluated_key=start
        )
    )


def by_date(day: str, limit: int, start: dict | None, status: str | None) -> StorePage:
    """One service date's orders, by status then start."""
    prefix = f"{status}#" if status else None
    return StorePage.of(
        OrderItem.by_date.query(
            date_partition(day),
            OrderItem.GSI3SK.startswith(prefix) if prefix else None,
            limit=limit,
            last_evaluated_key=start,
        )
    )


# --- writes --------------------------------------------------------------------------------------------------


def transaction() -> TransactWrite:
    return TransactWrite(connection=connection())


def entry(at: str, status: str, actor: str, note: str) -> TimelineEntry:
    return TimelineEntry(at=at, status=status, actor=actor, note=note)


def move_actions(
    item: OrderItem,
    *,
    to: str,
    event: TimelineEntry,
    worker_id: str | object | None = ...,
    set_: dict[str, Any] | None = None,
    add: dict[str, int] | None = None,
) -> list[Any]:
    """The update actions of a move: the status, the version, the timeline, the index keys, the changes.
    ``worker_id`` (when given) assigns a worker, or removes the assignment with None."""
    worker = item.worker_id if worker_id is ... else worker_id
    actions: list[Any] = [
        OrderItem.status.set(to),
        OrderItem.version.add(1),
        OrderItem.timeline.set(OrderItem.timeline.append([event])),
    ]
    if worker_id is not ...:
        actions.append(OrderItem.worker_id.set(worker) if worker else OrderItem.worker_id.remove())
        if worker is None:
            actions.append(OrderItem.worker_name.remove())
        actions += [getattr(OrderItem, name).remove() for name in VISIT]  # another worker's visit starts anew
    for name, value in index_keys(item.id, to, worker, item.start).items():  # type: ignore[arg-type]
        attr = getattr(OrderItem, name)
        actions.append(attr.set(value) if value is not None else attr.remove())
    for name, value in (set_ or {}).items():
        attr = getattr(OrderItem, name)
        actions.append(attr.set(value) if value is not None else attr.remove())
    for name, amount in (add or {}).items():
        actions.append(getattr(OrderItem, name).add(amount))
    return actions


def expected(item: OrderItem, extra: Condition | None = None) -> Condition:
    """The order is still as it was read: same status, same version."""
    condition = (OrderItem.status == item.status) & (OrderItem.version == item.version)
    return condition & extra if extra is not None else condition


def apply(
    item: OrderItem,
    actions: Iterable[Any],
    condition: Condition,
    *,
    also: Callable[[TransactWrite], None] | None = None,
) -> OrderItem:
    """Apply a move to the item read, with what ``also`` adds (the move's event) in the same transaction;
    ``InvalidTransition`` if the order moved meanwhile. Returns the order as it is now (task token included:
    whoever moved the order resumes the workflow's wait)."""
    actions = list(actions)

    def attempt() -> None:
        with transaction() as tx:
            tx.update(item, actions=actions, condition=condition)
            if also is not None:
                also(tx)

    try:
        retry_conflicts(attempt)
    except TransactWriteError as exc:
        if cancellation_reasons(exc)[:1] == ["ConditionalCheckFailed"]:
            raise InvalidTransition("the order changed meanwhile; reload it") from exc
        raise
    now = get(item.id, consistent=True)
    assert now is not None
    return now


def arm(order_id: str, token: str, stage: str, version: int) -> bool:
    """Store the workflow's task token for the wait of ``stage``, if the order has not moved since ``version``."""
    try:
        OrderItem(*order_key(order_id)).update(
            actions=[
                OrderItem.task_token.set(token),
                OrderItem.armed_version.set(version),
                OrderItem.armed_stage.set(stage),
            ],
            condition=OrderItem.version == version,
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def mark(order_id: str, **values: Any) -> None:
    """Set bookkeeping attributes that are not moves (compensated, settled_at)."""
    actions = [getattr(OrderItem, k).set(v) for k, v in values.items()]
    OrderItem(*order_key(order_id)).update(actions=actions, condition=OrderItem.PK.exists())


def append_note(
    item: OrderItem,
    entry_: TimelineEntry,
    *,
    also: Callable[[TransactWrite], None] | None = None,
    **values: Any,
) -> None:
    """Add a timeline entry that is not a move (a refund requested, settlement), with bookkeeping values, and
    what ``also`` adds (its event) in the same transaction."""
    actions = [OrderItem.timeline.set(OrderItem.timeline.append([entry_]))]
    actions += [getattr(OrderItem, k).set(v) for k, v in values.items()]

    def attempt() -> None:
        with transaction() as tx:
            tx.update(item, actions=actions, condition=OrderItem.PK.exists())
            if also is not None:
                also(tx)

    retry_conflicts(attempt)
