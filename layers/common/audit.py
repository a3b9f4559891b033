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

from pynamodb.attributes import JSONAttribute, UnicodeAttribute
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
)


class AuditItem(Item):
    id = UnicodeAttribute()
    at = UnicodeAttribute()
    staff = UnicodeAttribute()  # the staff id (token ``sub``)
    action = UnicodeAttribute()
    target = UnicodeAttribute()  # "{kind}:{id}", e.g. "order:01h…"
    details = JSONAttribute()


@dataclass(frozen=True)
class Entry:
    id: str
    at: str
    staff: str
    action: str
    target: str
    details: dict[str, Any]


def add(
    tx: TransactWrite, staff: str, action: str, target: str, details: dict[str, Any], now: datetime
) -> None:
    """Record ``staff``'s ``action`` on ``target`` in ``tx``: it exists if and only if ``tx`` commits.
    ``details`` is plain JSON, never personal data (no phone, no ID or certificate number)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to common.audit.ACTIONS")
    audit_id = new_id(now)
    item = AuditItem(
        PARTITION,
        audit_id,
        id=audit_id,
        at=iso(now),
        staff=staff,
        action=action,
        target=target,
        details=details,
    )
    tx.save(item, condition=AuditItem.PK.does_not_exist())


def page(limit: int, start: dict[str, Any] | None) -> StorePage[Entry]:
    """One page of the trail, newest first (one Query of the audit partition)."""
    result = AuditItem.query(PARTITION, scan_index_forward=False, limit=limit, last_evaluated_key=start)
    items = [Entry(i.id, i.at, i.staff, i.action, i.target, dict(i.details or {})) for i in result]
    return StorePage(items, result.last_evaluated_key)
