"""Complaints' items in the one table (docs/access-patterns.md). Nothing else writes them.

- complaint:  COMPLAINT#{id} / COMPLAINT, GSI1 COMPLAINTS#{status} / {created}#{id} (the operators' queue)

Filing and resolving a complaint also count it on its order (``store.OrderItem``), in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from common.db import Item
from common.pagination import StorePage
from common.settings import get_settings
from common.table import GSI1
from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from functions.booking.store import OrderItem, TimelineEntry, order_key, transaction


class ComplaintItem(Item):
    by_status = GSI1()

    id = UnicodeAttribute()
    order_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    worker_id = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    text = UnicodeAttribute()
    media = ListAttribute(of=UnicodeAttribute, default=list)
    created_at = UnicodeAttribute()
    resolution = UnicodeAttribute(null=True)
    refund_fen = NumberAttribute(default=0)
    penalize_worker = BooleanAttribute(default=False)
    resolved_at = UnicodeAttribute(null=True)
    resolved_by = UnicodeAttribute(null=True)


def complaint_key(complaint_id: str) -> tuple[str, str]:
    return f"COMPLAINT#{complaint_id}", "COMPLAINT"


def complaints_partition(status: str) -> str:
    return f"COMPLAINTS#{status}"


def get_complaint(complaint_id: str) -> ComplaintItem | None:
    try:
        return ComplaintItem.get(*complaint_key(complaint_id), consistent_read=True)
    except DoesNotExist:
        return None


def file_complaint(complaint: ComplaintItem, *, also: Callable[[TransactWrite], None]) -> bool:
    """Write the complaint and count it open on its order, with what ``also`` adds (its event), in one
    transaction; False if the order already has ``settings.max_open_complaints`` open (or is not the
    complaining customer's)."""
    limit = get_settings().max_open_complaints
    complaint.GSI1PK = complaints_partition(complaint.status)
    complaint.GSI1SK = f"{complaint.created_at}#{complaint.id}"
    order = OrderItem(*order_key(complaint.order_id))
    try:
        with transaction() as tx:
            tx.save(complaint, condition=ComplaintItem.PK.does_not_exist())
            tx.update(
                order,
                actions=[OrderItem.open_complaints.add(1)],
                condition=(OrderItem.customer_id == complaint.customer_id)
                & (OrderItem.open_complaints.does_not_exist() | (OrderItem.open_complaints < limit)),
            )
            also(tx)
    except TransactWriteError as exc:
        if exc.cause_response_code == "TransactionCanceledException":
            return False
        raise
    return True


def resolve_complaint(
    complaint: ComplaintItem,
    changes: dict[str, Any],
    refund_fen: int,
    event: TimelineEntry,
    *,
    also: Callable[[TransactWrite], None],
) -> bool:
    """Resolve an open complaint and, on its order, count it closed and take the refund off what is refundable,
    in one transaction; False if it was resolved meanwhile or the refund exceeds what is left to refund."""
    actions = [getattr(ComplaintItem, k).set(v) for k, v in changes.items()]
    actions += [ComplaintItem.GSI1PK.set(complaints_partition("resolved"))]
    order_actions = [
        OrderItem.open_complaints.add(-1),
        OrderItem.complaint_refund_fen.add(refund_fen),
        OrderItem.refundable_fen.add(-refund_fen),
        OrderItem.timeline.set(OrderItem.timeline.append([event])),
    ]
    order_condition = OrderItem.PK.exists()
    if refund_fen:
        order_condition = order_condition & (OrderItem.refundable_fen >= refund_fen)
    try:
        with transaction() as tx:
            tx.update(complaint, actions=actions, condition=ComplaintItem.status == "open")
            tx.update(
                OrderItem(*order_key(complaint.order_id)), actions=order_actions, condition=order_condition
            )
            also(tx)
    except TransactWriteError as exc:
        if exc.cause_response_code == "TransactionCanceledException":
            return False
        raise
    return True


def complaints_by_status(status: str, limit: int, start: dict | None) -> StorePage:
    """The operators' queue: complaints in one status, newest first."""
    return StorePage.of(
        ComplaintItem.by_status.query(
            complaints_partition(status), scan_index_forward=False, limit=limit, last_evaluated_key=start
        )
    )
