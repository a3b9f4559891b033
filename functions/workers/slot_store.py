"""The slot calendar's items in the one table (docs/access-patterns.md, "workers"):

- slot lock:    WORKER#{id} / SLOT#{date}#{HH:MM}   one per 30 minutes held, TTL ``expires_at``
- active order: WORKER#{id} / ACTIVE#{order id}     counted once in the counters' ``active_orders``
- day locks:    WORKER#{id} / DAYS#{monday}          ``day_store``: engagements' days, hourly orders' day marks
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from common.db import Item
from common.settings import get_settings
from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from functions.workers.day_store import WeekItem, add_hour_marks, move_hour_marks, remove_hour_marks
from functions.workers.store import StatsItem, cancelled, pk, tx_connection


class SlotItem(Item):
    order_id = UnicodeAttribute()
    expires_at = NumberAttribute()


class ActiveItem(Item):
    order_id = UnicodeAttribute()
    slots = JSONAttribute()  # the lock keys held, so a release frees exactly these
    days = JSONAttribute(null=True)  # an engagement's days held (ISO dates), so a release frees exactly these


class LoadItem(WeekItem):
    """A slot lock, a week of day locks or the counters, as one BatchGetItem returns them together."""

    order_id = UnicodeAttribute(null=True)
    active_orders = NumberAttribute(null=True)
    completed_orders = NumberAttribute(null=True)
    rating_count = NumberAttribute(null=True)
    rating_attitude = NumberAttribute(null=True)
    rating_skill = NumberAttribute(null=True)
    rating_quality = NumberAttribute(null=True)
    matchable = BooleanAttribute(null=True)
    order_cap = NumberAttribute(null=True)


def load_items(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], LoadItem]:
    """One BatchGetItem (at most 100 keys), strongly consistent: the locks and counters that exist."""
    keys = list(keys)
    if len(keys) > 100:
        raise ValueError("a BatchGetItem takes at most 100 keys")
    return {(i.PK, i.SK): i for i in LoadItem.batch_get(keys, consistent_read=True)}


# --- slot locks -------------------------------------------------------------------------------------------


def slot_days(keys: Sequence[str]) -> list[date]:
    """The days ``SLOT#{date}#{HH:MM}`` lock keys fall on."""
    return sorted({date.fromisoformat(k.split("#")[1]) for k in keys})


def add_hold(
    tx: TransactWrite,
    worker_id: str,
    keys: Sequence[str],
    order_id: str,
    expires_at: int,
    limit: int,
    ttl_days: int = 3,
) -> None:
    key = pk(worker_id)
    for sk in keys:
        lock = SlotItem(key, sk, order_id=order_id, expires_at=expires_at)
        tx.save(lock, condition=SlotItem.PK.does_not_exist())
    add_hour_marks(tx, worker_id, slot_days(keys), ttl_days)  # refused on a day an engagement holds
    add_active(tx, worker_id, order_id, limit, slots=keys)


def add_active(
    tx: TransactWrite,
    worker_id: str,
    order_id: str,
    limit: int,
    *,
    slots: Sequence[str] = (),
    days: Sequence[date] = (),
) -> None:
    """The order's active marker (what it holds) and +1 on the worker's active orders under the limits."""
    key = pk(worker_id)
    marker = ActiveItem(
        key,
        f"ACTIVE#{order_id}",
        order_id=order_id,
        slots=list(slots),
        days=[d.isoformat() for d in days] or None,
    )
    tx.save(marker, condition=ActiveItem.PK.does_not_exist())
    tx.update(
        StatsItem(key, "STATS"),
        actions=[StatsItem.active_orders.add(1)],
        condition=(StatsItem.active_orders.does_not_exist() | (StatsItem.active_orders < limit))
        # the credit level's own cap, when it has one (API.md "max_concurrent_orders")
        & (
            StatsItem.order_cap.does_not_exist()
            | (StatsItem.active_orders.does_not_exist() & (StatsItem.order_cap > 0))
            | (StatsItem.active_orders < StatsItem.order_cap)
        ),
    )


def end_active_actions(tx: TransactWrite, worker_id: str, order_id: str, *, completed: bool) -> None:
    """Add to the caller's transaction: the marker's deletion (it must exist) and the order counted out."""
    key = pk(worker_id)
    actions = [StatsItem.active_orders.add(-1)]
    if completed:
        actions.append(StatsItem.completed_orders.add(1))
    tx.delete(ActiveItem(key, f"ACTIVE#{order_id}"), condition=ActiveItem.PK.exists())
    tx.update(StatsItem(key, "STATS"), actions=actions)


def get_active(worker_id: str, order_id: str) -> ActiveItem | None:
    try:
        return ActiveItem.get(pk(worker_id), f"ACTIVE#{order_id}", consistent_read=True)
    except DoesNotExist:
        return None


def delete_locks(worker_id: str, keys: Sequence[str], order_id: str) -> None:
    """Delete this order's locks among ``keys``; a lock held by another order, or gone, is left alone."""
    key = pk(worker_id)
    ours = SlotItem.PK.does_not_exist() | (SlotItem.order_id == order_id)
    for i in range(0, len(keys), 100):
        chunk = keys[i : i + 100]
        try:
            with TransactWrite(connection=tx_connection()) as tx:
                for sk in chunk:
                    tx.delete(SlotItem(key, sk), condition=ours)
        except TransactWriteError as exc:
            if not cancelled(exc):
                raise
            for sk in chunk:  # some lock is someone else's (ours expired): free ours one by one
                try:
                    SlotItem(key, sk).delete(condition=SlotItem.order_id == order_id)
                except Exception as one:
                    if getattr(one, "cause_response_code", None) != "ConditionalCheckFailedException":
                        raise


def end_active(worker_id: str, order_id: str, *, completed: bool, hour_days: Sequence[date] = ()) -> bool:
    """Delete the active-order marker and count the order out (and as completed), with −1 on the day marks of
    ``hour_days`` in the same transaction; False if already done."""
    try:
        with TransactWrite(connection=tx_connection()) as tx:
            end_active_actions(tx, worker_id, order_id, completed=completed)
            if hour_days:
                remove_hour_marks(tx, worker_id, hour_days)
    except TransactWriteError as exc:
        if cancelled(exc):
            return False
        raise
    return True


def booked_slots(worker_id: str, first_day: str, last_day: str) -> list[SlotItem]:
    return list(SlotItem.query(pk(worker_id), SlotItem.SK.between(f"SLOT#{first_day}", f"SLOT#{last_day}#~")))


# --- rescheduling (issue 13) ------------------------------------------------------------------------------


def add_move(
    tx: TransactWrite,
    worker_id: str,
    *,
    added: Sequence[str],
    removed: Sequence[str],
    held: Sequence[str],
    order_id: str,
    expires_at: int,
) -> None:
    """Add to ``tx`` the move of an order's locks: each lock in ``added`` put only if free, each in ``removed``
    deleted only if still this order's (or gone), the day marks of the days it leaves and reaches (a day an
    engagement holds refuses the move), and the order's active marker set to ``held`` (only if the order holds
    this worker's time at all). Of two moves onto one slot, exactly one commits."""
    key = pk(worker_id)
    before = slot_days([*(k for k in held if k not in set(added)), *removed])
    after = slot_days(held)
    move_hour_marks(
        tx,
        worker_id,
        [d for d in after if d not in before],
        [d for d in before if d not in after],
        get_settings().slot_lock_ttl_days,
    )
    for sk in added:
        tx.save(
            SlotItem(key, sk, order_id=order_id, expires_at=expires_at),
            condition=SlotItem.PK.does_not_exist(),
        )
    ours = SlotItem.PK.does_not_exist() | (SlotItem.order_id == order_id)
    for sk in removed:
        tx.delete(SlotItem(key, sk), condition=ours)
    tx.update(
        ActiveItem(key, f"ACTIVE#{order_id}"),
        actions=[ActiveItem.slots.set(list(held))],
        condition=ActiveItem.PK.exists(),
    )
