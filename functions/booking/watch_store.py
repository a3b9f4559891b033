"""The order watches' items in the one table (docs/access-patterns.md, "booking: watches"). Nothing else writes them.

- watch:      WATCH#{order} / {kind} — a reminder or an exception that may come due for the order; only while the
              order may need it (sparse). GSI1 WATCHDUE#{shard} / {due at, UTC}#{order}#{kind}: the job reads only
              what is due, oldest first.
- reminder:   REMINDER#{order} / {kind}#{start} — the reminder was sent for this start: written by a conditional
              put with its event, so a rerun or a replayed event reminds no one twice (a moved start is reminded
              again).
- exception:  EXCEPTION#{order}.{kind} / EXCEPTION — an order needing a person, raised once per order and kind (a
              conditional put with its event). While open: GSI1 EXCEPTIONS#open / {since}#{id} (the queue, oldest
              first) and GSI2 EXCEPTIONS#open#{kind} / {since}#{id} (one kind); resolving takes it out of both.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from common.db import Item, cancellation_reasons, condition_failed, transact
from common.pagination import StorePage
from common.table import GSI1, GSI2
from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import DeleteError, DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

EXCEPTION_SK = "EXCEPTION"
OPEN = "open"
RESOLVED = "resolved"


class WatchItem(Item):
    by_due = GSI1()

    order_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    due_at = UnicodeAttribute()


class ReminderItem(Item):
    order_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    start = UnicodeAttribute()
    sent_at = UnicodeAttribute()


class ExceptionItem(Item):
    queue = GSI1()
    by_kind = GSI2()

    id = UnicodeAttribute()
    order_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    reason = UnicodeAttribute()
    since = UnicodeAttribute()
    raised_at = UnicodeAttribute()
    status = UnicodeAttribute()
    service_name = UnicodeAttribute()
    start = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    worker_id = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    resolved_at = UnicodeAttribute(null=True)
    resolved_by = UnicodeAttribute(null=True)


# --- keys ----------------------------------------------------------------------------------------------------


def utc(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def watch_partition(order_id: str) -> str:
    return f"WATCH#{order_id}"


def watch_key(order_id: str, kind: str) -> tuple[str, str]:
    return watch_partition(order_id), kind


def due_partition(shard: int) -> str:
    return f"WATCHDUE#{shard}"


def shard_of(order_id: str, shards: int) -> int:
    return zlib.crc32(order_id.encode()) % shards


def reminder_key(order_id: str, kind: str, start: str) -> tuple[str, str]:
    return f"REMINDER#{order_id}", f"{kind}#{start}"


def exception_id(order_id: str, kind: str) -> str:
    return f"{order_id}.{kind}"


def exception_key(exception_id_: str) -> tuple[str, str]:
    return f"EXCEPTION#{exception_id_}", EXCEPTION_SK


def queue_partition(kind: str | None = None) -> str:
    return f"EXCEPTIONS#{OPEN}" + (f"#{kind}" if kind else "")


# --- watches -------------------------------------------------------------------------------------------------


def watches_of(order_id: str) -> list[WatchItem]:
    """The order's watches (one Query on its partition)."""
    return list(WatchItem.query(watch_partition(order_id)))


def put_watch(order_id: str, kind: str, due_at: datetime, *, shards: int) -> None:
    """The watch due at ``due_at`` (a watch already there moves to that time)."""
    item = WatchItem(*watch_key(order_id, kind), order_id=order_id, kind=kind, due_at=utc(due_at))
    item.GSI1PK = due_partition(shard_of(order_id, shards))
    item.GSI1SK = f"{utc(due_at)}#{order_id}#{kind}"
    item.save()


def drop_watch(watch: WatchItem) -> bool:
    """Remove the watch as it was read; False if it was moved meanwhile (then the move stands)."""
    try:
        watch.delete(condition=WatchItem.GSI1SK == watch.GSI1SK)
    except DeleteError as exc:
        if condition_failed(exc):
            return False
        raise
    return True


def due(shard: int, now: datetime) -> Iterator[WatchItem]:
    """The watches of one shard due at ``now``, oldest first (the sparse index: only those)."""
    return WatchItem.by_due.query(due_partition(shard), f"{utc(now)}#~" >= WatchItem.GSI1SK)


# --- reminders -----------------------------------------------------------------------------------------------


def record_reminder(
    order_id: str, kind: str, start: str, *, now: str, also: Callable[[TransactWrite], None]
) -> bool:
    """Record the reminder for this start with what ``also`` adds (its event) in one transaction; False if it
    was sent already."""
    item = ReminderItem(
        *reminder_key(order_id, kind, start), order_id=order_id, kind=kind, start=start, sent_at=now
    )
    return _put_once(item, ReminderItem.PK.does_not_exist(), also)


# --- exceptions ----------------------------------------------------------------------------------------------


def new_exception(**fields: Any) -> ExceptionItem:
    item = ExceptionItem(*exception_key(fields["id"]), status=OPEN, **fields)
    item.GSI1PK = queue_partition()
    item.GSI1SK = f"{item.since}#{item.id}"
    item.GSI2PK = queue_partition(item.kind)
    item.GSI2SK = item.GSI1SK
    return item


def add_exception(tx: TransactWrite, item: ExceptionItem) -> None:
    """Put the exception in ``tx``, only if this order never had one of this kind."""
    tx.save(item, condition=ExceptionItem.PK.does_not_exist())


def save_exception(item: ExceptionItem, *, also: Callable[[TransactWrite], None]) -> bool:
    """Raise the exception with what ``also`` adds (its event) in one transaction; False if it was raised before."""
    return _put_once(item, ExceptionItem.PK.does_not_exist(), also)


def get_exception(exception_id_: str) -> ExceptionItem | None:
    try:
        return ExceptionItem.get(*exception_key(exception_id_), consistent_read=True)
    except DoesNotExist:
        return None


def open_exceptions(kind: str | None, limit: int, start: dict | None) -> StorePage:
    """The open exceptions, oldest first: all of them (GSI1), or one kind's (GSI2)."""
    index = ExceptionItem.by_kind if kind else ExceptionItem.queue
    return StorePage.of(index.query(queue_partition(kind), limit=limit, last_evaluated_key=start))


def resolve_exception(
    item: ExceptionItem, *, note: str, by: str, at: str, also: Callable[[TransactWrite], None]
) -> bool:
    """Resolve the open exception (out of the queue) with what ``also`` adds (the audit item) in one
    transaction; False if it was resolved meanwhile."""
    actions = [
        ExceptionItem.status.set(RESOLVED),
        ExceptionItem.note.set(note),
        ExceptionItem.resolved_by.set(by),
        ExceptionItem.resolved_at.set(at),
        ExceptionItem.GSI1PK.remove(),
        ExceptionItem.GSI1SK.remove(),
        ExceptionItem.GSI2PK.remove(),
        ExceptionItem.GSI2SK.remove(),
    ]

    def build(tx: TransactWrite) -> None:
        tx.update(item, actions=actions, condition=ExceptionItem.status == OPEN)
        also(tx)

    return _first_holds(build)


def _put_once(item: Item, condition: Any, also: Callable[[TransactWrite], None]) -> bool:
    def build(tx: TransactWrite) -> None:
        tx.save(item, condition=condition)
        also(tx)

    return _first_holds(build)


def _first_holds(build: Callable[[TransactWrite], None]) -> bool:
    """Commit ``build``'s transaction; False if its first write's condition failed (nothing is written)."""
    try:
        transact(build)
    except TransactWriteError as exc:
        if cancellation_reasons(exc)[:1] == ["ConditionalCheckFailed"]:
            return False
        raise
    return True
