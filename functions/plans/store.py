"""Plans' items in the one table (docs/access-patterns.md, "plans"). Nothing else writes them.

- plan:        PLAN#{id} / PLAN. Indexes:
                 GSI1  PLANS#{customer} / {created}#{id}            a customer's plans, newest first
                 GSI2  PLANDUE#{shard} / {due at, UTC}#{id}          sparse: an active plan with a visit to book,
                                                                     by when it comes into the horizon
- occurrence:  PLAN#{id} / OCC#{date} — a visit the job or the customer handled (booking, booked, skipped, holiday,
               unfilled, cancelled); written first by a conditional put keyed by plan and date, so a visit is
               handled once whatever runs at the same time.
- plan count:  PLANS#{customer} / COUNT — the customer's open plans, ADD under the limit.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from common.db import Item, cancellation_reasons, condition_failed, connection, retry_conflicts
from common.pagination import StorePage
from common.table import GSI1, GSI2
from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

PLAN_SK = "PLAN"


class PlanItem(Item):
    by_customer = GSI1()
    by_due = GSI2()

    id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    status = UnicodeAttribute()
    service_id = UnicodeAttribute()
    address_id = UnicodeAttribute()
    worker_id = UnicodeAttribute(null=True)
    weekday = UnicodeAttribute()
    time = UnicodeAttribute()
    units = NumberAttribute()
    every_weeks = NumberAttribute()
    visits = NumberAttribute(null=True)  # the count of visits asked for (None: up to `until`, or no end)
    until = UnicodeAttribute(null=True)
    first_date = UnicodeAttribute()
    next_date = UnicodeAttribute(null=True)  # the first visit the job has not handled yet (None: no more)
    created_at = UnicodeAttribute()
    version = NumberAttribute(default=0)


class OccurrenceItem(Item):
    plan_id = UnicodeAttribute()
    date = UnicodeAttribute()
    status = UnicodeAttribute()
    order_id = UnicodeAttribute(null=True)
    worker_id = UnicodeAttribute(null=True)
    substitute = BooleanAttribute(default=False)
    reason = UnicodeAttribute(null=True)
    claimed_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute()


class CountItem(Item):
    plans = NumberAttribute(default=0)


def plan_key(plan_id: str) -> tuple[str, str]:
    return f"PLAN#{plan_id}", PLAN_SK


def occurrence_key(plan_id: str, day: str) -> tuple[str, str]:
    return f"PLAN#{plan_id}", f"OCC#{day}"


def customer_partition(customer_id: str) -> str:
    return f"PLANS#{customer_id}"


def due_partition(shard: int) -> str:
    return f"PLANDUE#{shard}"


def shard_of(plan_id: str, shards: int) -> int:
    return zlib.crc32(plan_id.encode()) % shards


def due_sort_key(at: datetime, plan_id: str) -> str:
    return f"{at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}#{plan_id}"


def transaction() -> TransactWrite:
    return TransactWrite(connection=connection())


# --- reads ---------------------------------------------------------------------------------------------------


def get(plan_id: str) -> PlanItem | None:
    try:
        return PlanItem.get(*plan_key(plan_id), consistent_read=True)
    except DoesNotExist:
        return None


def by_customer(customer_id: str, limit: int, start: dict | None) -> StorePage:
    """A customer's plans, newest first (one Query)."""
    return StorePage.of(
        PlanItem.by_customer.query(
            customer_partition(customer_id), scan_index_forward=False, limit=limit, last_evaluated_key=start
        )
    )


def due(shard: int, now: datetime) -> Iterator[PlanItem]:
    """The active plans of one shard that are due at ``now`` (the sparse index: only those, oldest first)."""
    return PlanItem.by_due.query(due_partition(shard), due_sort_key(now, "~") >= PlanItem.GSI2SK)


def occurrences(plan_id: str, first: str, last: str) -> list[OccurrenceItem]:
    """The handled visits of a plan from ``first`` to ``last`` (dates, both included): one Query."""
    pk = plan_key(plan_id)[0]
    return list(OccurrenceItem.query(pk, OccurrenceItem.SK.between(f"OCC#{first}", f"OCC#{last}")))


def get_occurrence(plan_id: str, day: str) -> OccurrenceItem | None:
    try:
        return OccurrenceItem.get(*occurrence_key(plan_id, day), consistent_read=True)
    except DoesNotExist:
        return None


# --- writes --------------------------------------------------------------------------------------------------


def _set_due(item: PlanItem, at: datetime | None, shards: int) -> list[Any]:
    """The update actions putting the plan in the due index at ``at``, or taking it out (None)."""
    if at is None:
        return [PlanItem.GSI2PK.remove(), PlanItem.GSI2SK.remove()]
    return [
        PlanItem.GSI2PK.set(due_partition(shard_of(item.id, shards))),
        PlanItem.GSI2SK.set(due_sort_key(at, item.id)),
    ]


def create(item: PlanItem, due_at: datetime, *, shards: int, limit: int) -> bool:
    """Write a new plan, due at ``due_at``, counted among the customer's open plans: False at the limit."""
    item.GSI1PK = customer_partition(item.customer_id)
    item.GSI1SK = f"{item.created_at}#{item.id}"
    item.GSI2PK = due_partition(shard_of(item.id, shards))
    item.GSI2SK = due_sort_key(due_at, item.id)
    counter = CountItem(customer_partition(item.customer_id), "COUNT")
    try:
        with transaction() as tx:
            tx.save(item, condition=PlanItem.PK.does_not_exist())
            tx.update(
                counter,
                actions=[CountItem.plans.add(1)],
                condition=CountItem.plans.does_not_exist() | (CountItem.plans < limit),
            )
    except TransactWriteError as exc:
        if cancellation_reasons(exc)[1:2] == ["ConditionalCheckFailed"]:  # [plan put, counter update]
            return False
        raise
    return True


def move(
    item: PlanItem,
    *,
    status: str,
    next_date: str | None,
    due_at: datetime | None,
    shards: int,
    closes: bool = False,
) -> bool:
    """Set the plan's status, next visit and place in the due index, if it has not changed since it was read
    (same version); False otherwise. ``closes``: it stops counting among the customer's open plans."""
    actions = [PlanItem.status.set(status), PlanItem.version.add(1), *_set_due(item, due_at, shards)]
    actions.append(PlanItem.next_date.set(next_date) if next_date else PlanItem.next_date.remove())
    condition = PlanItem.version == item.version

    def attempt() -> None:
        with transaction() as tx:
            tx.update(item, actions=actions, condition=condition)
            if closes:
                counter = CountItem(customer_partition(item.customer_id), "COUNT")
                tx.update(counter, actions=[CountItem.plans.add(-1)])

    try:
        retry_conflicts(attempt)
    except TransactWriteError as exc:
        if cancellation_reasons(exc)[:1] == ["ConditionalCheckFailed"]:
            return False
        raise
    return True


def claim(plan_id: str, day: str, *, now: str, stale_before: str) -> bool:
    """Hold the visit of ``day`` for this run: a put that succeeds only if nobody handled it, or a run that held
    it gave up before ``stale_before`` without a result. False: someone else has it."""
    item = OccurrenceItem(
        *occurrence_key(plan_id, day),
        plan_id=plan_id,
        date=day,
        status="booking",
        claimed_at=now,
        updated_at=now,
    )
    stale = (OccurrenceItem.status == "booking") & (OccurrenceItem.claimed_at < stale_before)
    try:
        item.save(condition=OccurrenceItem.PK.does_not_exist() | stale)
    except PutError as exc:
        if condition_failed(exc):
            return False
        raise
    return True


def settle(
    plan_id: str,
    day: str,
    *,
    status: str,
    claimed_at: str | None,
    now: str,
    order_id: str | None = None,
    worker_id: str | None = None,
    substitute: bool = False,
    reason: str | None = None,
    also: Any = None,
    while_active: bool = False,
) -> str:
    """Record what became of a visit (with what ``also`` adds, its notice, in the same transaction): from the
    claim ``claimed_at`` of this run, or (None) from nothing at all; with ``while_active``, only while the plan is
    still active. ``"ok"``; ``"lost"`` if the visit is no longer as this run left it; ``"closed"`` if the plan
    was paused or cancelled meanwhile (nothing written)."""
    occ = OccurrenceItem(
        *occurrence_key(plan_id, day),
        plan_id=plan_id,
        date=day,
        status=status,
        order_id=order_id,
        worker_id=worker_id,
        substitute=substitute,
        reason=reason,
        updated_at=now,
    )
    if claimed_at is None:
        condition = OccurrenceItem.PK.does_not_exist()
    else:
        condition = (OccurrenceItem.status == "booking") & (OccurrenceItem.claimed_at == claimed_at)
    try:
        with transaction() as tx:
            tx.save(occ, condition=condition)
            if while_active:
                tx.condition_check(PlanItem, *plan_key(plan_id), condition=PlanItem.status == "active")
            if also is not None:
                also(tx)
    except TransactWriteError as exc:
        # PynamoDB sends condition checks first, then deletes, puts, updates: [plan check?, visit, notice?].
        reasons = cancellation_reasons(exc)
        first = 1 if while_active else 0
        if reasons[first : first + 1] == ["ConditionalCheckFailed"]:
            return "lost"
        if while_active and reasons[:1] == ["ConditionalCheckFailed"]:
            return "closed"
        raise
    return "ok"


def mark(occ: OccurrenceItem, status: str, *, now: str, reason: str | None = None) -> bool:
    """Move a handled visit on (booked → skipped or cancelled, unfilled → skipped) if it is as it was read."""
    try:
        occ.update(
            actions=[
                OccurrenceItem.status.set(status),
                OccurrenceItem.updated_at.set(now),
                OccurrenceItem.reason.set(reason) if reason else OccurrenceItem.reason.remove(),
            ],
            condition=OccurrenceItem.status == occ.status,
        )
    except UpdateError as exc:
        if condition_failed(exc):
            return False
        raise
    return True
