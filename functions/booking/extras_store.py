"""On-site price differences' items (docs/access-patterns.md, "booking"). Nothing else writes them.

- difference: ORDER#{order} / EXTRA#{id} (``x01`` …) — its lines, amount, reason, status and when each move
              happened; read with the order's other items by one Query on the order's key (``begins_with``).
              Index (sparse): GSI1 ``EXTRAUNPAID`` / ``{approved_at}#{order}#{id}`` while approved and not paid:
              the differences waiting for payment, oldest first (the exception queue's ``unpaid_extra``); the
              keys go when it is paid, rejected or withdrawn.

Every move is one transaction: the difference's conditional update (from the status read), a timeline entry
on the order, and the order event (``add_order_event``), so a move and its announcement commit together.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from common.db import Item, cancellation_reasons, transact
from common.table import GSI1
from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from functions.booking.store import OrderItem, TimelineEntry

UNPAID_PARTITION = "EXTRAUNPAID"


class ExtraItem(Item):
    unpaid = GSI1()

    order_id = UnicodeAttribute()
    id = UnicodeAttribute()
    items = JSONAttribute()  # [{"name", "amount_fen"}]
    amount_fen = NumberAttribute()
    reason = UnicodeAttribute()
    status = UnicodeAttribute()  # proposed | approved | paid | rejected | refunded
    customer_id = UnicodeAttribute()
    worker_id = UnicodeAttribute()
    proposed_at = UnicodeAttribute()
    approved_at = UnicodeAttribute(null=True)
    paid_at = UnicodeAttribute(null=True)
    rejected_at = UnicodeAttribute(null=True)
    rejected_by = UnicodeAttribute(null=True)  # customer | system (withdrawn: the order was cancelled)
    refunded_at = UnicodeAttribute(null=True)
    transaction_id = UnicodeAttribute(null=True)
    out_refund_no = UnicodeAttribute(null=True)


class ExtraChanged(Exception):
    """The difference (or the order, where the move required its state) changed since it was read."""


def extra_key(order_id: str, extra_id: str) -> tuple[str, str]:
    return f"ORDER#{order_id}", f"EXTRA#{extra_id}"


def unpaid_sort_key(approved_at: str, order_id: str, extra_id: str) -> str:
    return f"{approved_at}#{order_id}#{extra_id}"


def of_order(order_id: str) -> list[ExtraItem]:
    """An order's differences, oldest first: one Query on the order's key (callers skip it when the order's
    ``extra_count`` is 0)."""
    pk = extra_key(order_id, "")[0]
    return list(ExtraItem.query(pk, ExtraItem.SK.startswith("EXTRA#"), consistent_read=True))


def get(order_id: str, extra_id: str) -> ExtraItem | None:
    try:
        return ExtraItem.get(*extra_key(order_id, extra_id), consistent_read=True)
    except DoesNotExist:
        return None


def unpaid_before(before: str) -> list[ExtraItem]:
    """Approved differences not paid, approved at or before ``before`` (ISO): the sparse index, oldest first."""
    return list(ExtraItem.unpaid.query(UNPAID_PARTITION, f"{before}~" >= ExtraItem.GSI1SK))


def _transact(build: Callable[[TransactWrite], None]) -> None:
    try:
        transact(build)
    except TransactWriteError as exc:
        if "ConditionalCheckFailed" in cancellation_reasons(exc):
            raise ExtraChanged() from exc
        raise


def add(
    extra: ExtraItem,
    order: OrderItem,
    entry: TimelineEntry,
    *,
    order_condition: Condition,
    announce: Callable[[TransactWrite], None],
) -> None:
    """Put a new difference (its id not taken) with the order's timeline entry and count (``extra_count`` + 1,
    from the count read: two proposals at once cannot both take a number), if the order still meets
    ``order_condition``, and its event. ``ExtraChanged`` otherwise (nothing written)."""
    read = int(order.extra_count or 0)
    counted = OrderItem.extra_count == read
    if not read:
        counted = OrderItem.extra_count.does_not_exist() | counted

    def build(tx: TransactWrite) -> None:
        tx.save(extra, condition=ExtraItem.PK.does_not_exist())
        tx.update(
            order,
            actions=[*_note(entry), OrderItem.extra_count.add(1)],
            condition=order_condition & counted,
        )
        announce(tx)

    _transact(build)


def change(
    extra: ExtraItem,
    from_status: str,
    actions: list[Any],
    order: OrderItem,
    entry: TimelineEntry,
    *,
    announce: Callable[[TransactWrite], None],
) -> ExtraItem:
    """Move the difference read (still in ``from_status``) by ``actions``, with the order's timeline entry and
    the event, together; the difference as it is now. ``ExtraChanged`` if it moved meanwhile."""

    def build(tx: TransactWrite) -> None:
        tx.update(
            ExtraItem(*extra_key(extra.order_id, extra.id)),
            actions=actions,
            condition=ExtraItem.status == from_status,
        )
        tx.update(order, actions=_note(entry), condition=OrderItem.PK.exists())
        announce(tx)

    _transact(build)
    now = get(extra.order_id, extra.id)
    assert now is not None
    return now


def _note(entry: TimelineEntry) -> list[Any]:
    return [OrderItem.timeline.set(OrderItem.timeline.append([entry]))]


def index_unpaid(approved_at: str, order_id: str, extra_id: str) -> list[Any]:
    """The actions that put an approved difference in the unpaid index."""
    return [
        ExtraItem.GSI1PK.set(UNPAID_PARTITION),
        ExtraItem.GSI1SK.set(unpaid_sort_key(approved_at, order_id, extra_id)),
    ]


def unindex_unpaid() -> list[Any]:
    """The actions that take a difference out of the unpaid index (paid, rejected, withdrawn)."""
    return [ExtraItem.GSI1PK.remove(), ExtraItem.GSI1SK.remove()]


def order_in(statuses: frozenset[str], worker_id: str) -> Condition:
    """The order is in one of ``statuses`` and still the worker's."""
    return OrderItem.status.is_in(*statuses) & (OrderItem.worker_id == worker_id)
