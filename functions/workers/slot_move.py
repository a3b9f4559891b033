"""Moving a booking's hold to another time (rescheduling, issue 13): the locks of the new time put and those of
the old time deleted in the caller's one transaction, so the worker's calendar never shows both or neither."""

from __future__ import annotations

from datetime import datetime, timedelta

from common.clock import business_tz
from common.errors import RuleViolation
from common.settings import get_settings
from pynamodb.transactions import TransactWrite

from functions.workers import rules, slot_store
from functions.workers.calendar import held_slot_keys
from functions.workers.day_store import by_week
from functions.workers.slot_store import slot_days

# A DynamoDB transaction takes at most 100 operations; the caller adds the order, its events and a request item.
MAX_MOVE_OPERATIONS = 94


def move_slots(
    tx: TransactWrite,
    worker_id: str,
    old: tuple[datetime, datetime],
    new: tuple[datetime, datetime],
    order_id: str,
) -> int:
    """Add to ``tx`` the move of the order's hold from ``old`` to ``new`` (start, end; travel buffer included):
    a lock for each new 30-minute slot it does not hold yet (``attribute_not_exists``: the transaction is cancelled
    when any is taken), the deletion of each old lock it no longer needs, and its active marker updated. Slots
    both times share stay as they are. Returns the operations added. RuleViolation ``RESCHEDULE_TOO_LONG`` when
    the move does not fit one transaction (cancel and book again)."""
    settings = get_settings()
    held = held_slot_keys(*new)
    marker = slot_store.get_active(worker_id, order_id)
    before = (
        list(marker.slots)
        if marker
        else rules.slot_keys(old[0], old[1], settings.travel_buffer_minutes, business_tz())
    )
    added = [k for k in held if k not in set(before)]
    removed = [k for k in before if k not in set(held)]
    weeks = by_week(slot_days([*added, *removed]))  # the day marks: one week item each, at most
    operations = len(added) + len(removed) + 1 + len(weeks)
    if operations > MAX_MOVE_OPERATIONS:
        raise RuleViolation(
            "this booking is too long to move in one step; cancel it and book again",
            code="RESCHEDULE_TOO_LONG",
        )
    expires_at = int((new[1] + timedelta(days=settings.slot_lock_ttl_days)).timestamp())
    slot_store.add_move(
        tx, worker_id, added=added, removed=removed, held=held, order_id=order_id, expires_at=expires_at
    )
    return operations
