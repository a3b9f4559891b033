"""The audit trail: who among the staff did what, written with the action itself (DESIGN.md "Operators").

An operator action adds its audit item to the same TransactWriteItems as its change (``add``), as a domain event
does (``common.events.add``): the action and its record commit together or not at all, so a refused action leaves
no record and a recorded action surely happened. The caller is the staff member of the request's token
(``Call.user_id``, a staff id).

Items: ``AUDIT / {id}`` (one partition; ``id`` is ``common.ids.new_id(now)``, time-sortable), read newest first
by one key-conditioned Query (``page``). One partition is enough: staff actions are people clicking, a few a
second at the very most, far below a partition's write throughput; a second partition key would only make the
newest-first list merge partitions. No TTL: the trail is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from common.clock import iso
from common.db import Item
from common.ids import new_id
from common.pagination import StorePage

PARTITION = "AUDIT"

# Every action an audit item may name (``add`` refuses others, so a typo fails the first test that writes it).
ACTIONS = (
    "worker.approve",
    "worker.reject",
    "worker.suspend",
    "worker.reinstate",
    "worker.violation",
    "order.reassign",
    "order.replace",
    "order.cancel",
    "complaint.resolve",
    "appeal.decide",
    "review.hide",
    "coupon_template.create",
    "coupon_template.issue",
    "reward.create",
    "withdrawal.approve",
    "withdrawal.reject",
    "category.create",
    "service.create",
    "service.update",
    "staff.create",
    "staff.update",
    "exception.resolve",
)


class AuditItem(Item):
    id = UnicodeAttribute()
    at = UnicodeAttribute()
    staff = UnicodeAttribute()  # the staff id (token ``sub``)
    action = UnicodeAttribute()
    target = UnicodeAttribute()  # "{kind}:{id}", e.g. "order:01h…"
    details = JSONAttribute()
    count = NumberAttribute(
        null=True
    )  # an action done in many transactions (coupons issued): how many so far


@dataclass(frozen=True)
class Entry:
    id: str
    at: str
    staff: str
    action: str
    target: str
    details: dict[str, Any]


def item(
    staff: str,
    action: str,
    target: str,
    details: dict[str, Any],
    now: datetime,
    *,
    audit_id: str | None = None,
    count: int | None = None,
) -> AuditItem:
    """The audit item of ``staff``'s ``action`` on ``target``, to write with ``is_new()`` as its condition (for a
    transaction built as a list of writes, as payments' ledger is; otherwise use ``add``)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to common.audit.ACTIONS")
    audit_id = audit_id or new_id(now)
    return AuditItem(
        PARTITION,
        audit_id,
        id=audit_id,
        at=iso(now),
        staff=staff,
        action=action,
        target=target,
        details=details,
        count=count,
    )


def is_new() -> Condition:
    return AuditItem.PK.does_not_exist()


def add(
    tx: TransactWrite,
    staff: str,
    action: str,
    target: str,
    details: dict[str, Any],
    now: datetime,
    *,
    audit_id: str | None = None,
    count: int | None = None,
) -> None:
    """Record ``staff``'s ``action`` on ``target`` in ``tx``: it exists if and only if ``tx`` commits.
    ``details`` is plain JSON, never personal data (no phone, no ID or certificate number). An action done in
    many transactions (coupons issued one at a time) writes its item with the first, ``count=1``, and
    ``add_to_count`` in each later one, so the count is always what was done."""
    tx.save(item(staff, action, target, details, now, audit_id=audit_id, count=count), condition=is_new())


def add_to_count(tx: TransactWrite, audit_id: str, n: int = 1) -> None:
    """One more of a many-transaction action, in that transaction (ADD to the audit item's ``count``)."""
    tx.update(
        AuditItem(PARTITION, audit_id), actions=[AuditItem.count.add(n)], condition=AuditItem.PK.exists()
    )


def page(limit: int, start: dict[str, Any] | None) -> StorePage[Entry]:
    """One page of the trail, newest first (one Query of the audit partition)."""
    result = AuditItem.query(PARTITION, scan_index_forward=False, limit=limit, last_evaluated_key=start)
    items = []
    for i in result:
        details = dict(i.details or {})
        if i.count is not None:
            details["count"] = int(i.count)
        items.append(Entry(i.id, i.at, i.staff, i.action, i.target, details))
    return StorePage(items, result.last_evaluated_key)
