"""Credit's items in the one table (docs/access-patterns.md, "reviews"). Nothing else writes them.

- a worker's credit: score, level, reasons, the dirty mark:     WORKER#{worker} / CREDIT
  GSI1 CREDITDIRTY#{shard} / {marked_at}#{worker} only while dirty (sparse): the recalculation reads only these
- a worker's month of credit inputs (ADD):                      WORKER#{worker} / CREDIT#M#{YYYY-MM}
- a demerit (upheld complaint, operator violation):             WORKER#{worker} / CREDIT#X#{id} (ids sort by time)
- a change of score:                                            WORKER#{worker} / CREDITLOG#{at}#{id}
- an appeal:            APPEAL#{id} / APPEAL, GSI1 APPEALS#{status} / {created}#{id} (operators' queue)
- one appeal per subject (guard):                               WORKER#{worker} / APPEALED#{kind}#{id}
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from common.db import Item
from common.pagination import StorePage
from common.table import GSI1
from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from functions.reviews.store import worker_pk


class CreditItem(Item):
    dirty = GSI1()
    worker_id = UnicodeAttribute()
    score = NumberAttribute(null=True)
    level = UnicodeAttribute(null=True)
    reasons = JSONAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)
    since = UnicodeAttribute(null=True)  # the first order the worker was counted for
    dirty_seq = NumberAttribute(null=True)  # +1 on every mark: a recalculation clears only the mark it read
    cause_kind = UnicodeAttribute(null=True)  # what marked it last (the history entry's source)
    cause_id = UnicodeAttribute(null=True)


class TallyItem(Item):
    reviews = NumberAttribute(null=True)
    review_points = NumberAttribute(null=True)
    completed = NumberAttribute(null=True)
    cancels = NumberAttribute(null=True)
    late_cancels = NumberAttribute(null=True)
    no_shows = NumberAttribute(null=True)


class DemeritItem(Item):
    id = UnicodeAttribute()
    worker_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # complaint | a violation kind
    source = UnicodeAttribute()  # complaint | violation
    note = UnicodeAttribute(default="")
    order_id = UnicodeAttribute(null=True)
    points = NumberAttribute()
    active = BooleanAttribute(default=True)
    at = UnicodeAttribute()
    by = UnicodeAttribute()


class HistoryItem(Item):
    at = UnicodeAttribute()
    delta = NumberAttribute()
    score = NumberAttribute()
    reason = UnicodeAttribute()
    source_kind = UnicodeAttribute()
    source_id = UnicodeAttribute(null=True)
    reasons = JSONAttribute(null=True)


class InputItem(Item):
    """A month tally or a demerit, as one Query returns them together."""

    reviews = NumberAttribute(null=True)
    review_points = NumberAttribute(null=True)
    completed = NumberAttribute(null=True)
    cancels = NumberAttribute(null=True)
    late_cancels = NumberAttribute(null=True)
    no_shows = NumberAttribute(null=True)
    id = UnicodeAttribute(null=True)
    kind = UnicodeAttribute(null=True)
    active = BooleanAttribute(null=True)
    at = UnicodeAttribute(null=True)


def credit_key(worker_id: str) -> tuple[str, str]:
    return worker_pk(worker_id), "CREDIT"


def tally_sk(month: str) -> str:
    return f"CREDIT#M#{month}"


def demerit_sk(demerit_id: str) -> str:
    return f"CREDIT#X#{demerit_id}"


def dirty_partition(shard: int) -> str:
    return f"CREDITDIRTY#{shard}"


def get_credit(worker_id: str) -> CreditItem | None:
    try:
        return CreditItem.get(*credit_key(worker_id))
    except DoesNotExist:
        return None


def mark_dirty(
    tx: TransactWrite,
    worker_id: str,
    *,
    shard: int,
    at: str,
    cause: tuple[str, str | None],
    since: str | None = None,
) -> None:
    """Put the worker in the dirty index (or keep them there), with what marked them."""
    actions: list[Action] = [
        CreditItem.worker_id.set(worker_id),
        CreditItem.dirty_seq.add(1),
        CreditItem.GSI1PK.set(dirty_partition(shard)),
        CreditItem.GSI1SK.set(CreditItem.GSI1SK | f"{at}#{worker_id}"),  # keeps its place while dirty
        CreditItem.cause_kind.set(cause[0]),
    ]
    actions.append(CreditItem.cause_id.set(cause[1]) if cause[1] else CreditItem.cause_id.remove())
    if since is not None:
        actions.append(CreditItem.since.set(CreditItem.since | since))
    tx.update(CreditItem(*credit_key(worker_id)), actions=actions)


def add_tally(tx: TransactWrite, worker_id: str, month: str, **counts: int) -> None:
    """ADD to a month's inputs (``reviews=1, review_points=14`` …; negative to take one out)."""
    actions = [getattr(TallyItem, name).add(value) for name, value in counts.items() if value]
    if actions:
        tx.update(TallyItem(worker_pk(worker_id), tally_sk(month)), actions=actions)


def put_demerit(tx: TransactWrite, item: DemeritItem) -> None:
    tx.save(item, condition=DemeritItem.PK.does_not_exist())


def get_demerit(worker_id: str, demerit_id: str) -> DemeritItem | None:
    try:
        return DemeritItem.get(worker_pk(worker_id), demerit_sk(demerit_id))
    except DoesNotExist:
        return None


def withdraw_demerit(tx: TransactWrite, worker_id: str, demerit_id: str) -> None:
    tx.update(
        DemeritItem(worker_pk(worker_id), demerit_sk(demerit_id)),
        actions=[DemeritItem.active.set(False)],
        condition=DemeritItem.PK.exists(),
    )


def dirty_workers(shard: int) -> Iterator[CreditItem]:
    """The dirty marks of one shard, oldest first (the index holds only dirty workers)."""
    yield from CreditItem.dirty.query(dirty_partition(shard))


def inputs(worker_id: str, first_month: str) -> list[InputItem]:
    """The months from ``first_month`` on and every demerit: one Query (CREDIT#M#… sorts before CREDIT#X#…)."""
    return list(
        InputItem.query(worker_pk(worker_id), InputItem.SK.between(tally_sk(first_month), "CREDIT#X#~"))
    )


def settle_credit(
    tx: TransactWrite,
    worker_id: str,
    *,
    seq: int,
    score: int,
    level: str,
    reasons: list[dict[str, Any]],
    at: str,
) -> None:
    """Store the new score and clear the dirty mark, only if no mark came since it was read (``dirty_seq``)."""
    tx.update(
        CreditItem(*credit_key(worker_id)),
        actions=[
            CreditItem.score.set(score),
            CreditItem.level.set(level),
            CreditItem.reasons.set(reasons),
            CreditItem.updated_at.set(at),
            CreditItem.GSI1PK.remove(),
            CreditItem.GSI1SK.remove(),
        ],
        condition=CreditItem.dirty_seq == seq,
    )


def put_history(tx: TransactWrite, worker_id: str, entry: HistoryItem) -> None:
    entry.PK = worker_pk(worker_id)
    tx.save(entry, condition=HistoryItem.PK.does_not_exist())


def history(worker_id: str, limit: int, start: dict | None) -> StorePage[HistoryItem]:
    result = HistoryItem.query(
        worker_pk(worker_id),
        HistoryItem.SK.startswith("CREDITLOG#"),
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=start,
    )
    return StorePage.of(result)


def history_sk(at: str, entry_id: str) -> str:
    return f"CREDITLOG#{at}#{entry_id}"


# --- appeals ------------------------------------------------------------------------------------------------


class AppealItem(Item):
    by_status = GSI1()
    id = UnicodeAttribute()
    worker_id = UnicodeAttribute()
    subject_kind = UnicodeAttribute()
    subject_id = UnicodeAttribute()
    text = UnicodeAttribute()
    status = UnicodeAttribute()
    created_at = UnicodeAttribute()
    note = UnicodeAttribute(null=True)
    decided_at = UnicodeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)


class AppealGuard(Item):
    appeal_id = UnicodeAttribute()


def appeal_key(appeal_id: str) -> tuple[str, str]:
    return f"APPEAL#{appeal_id}", "APPEAL"


def appeals_partition(status: str) -> str:
    return f"APPEALS#{status}"


def new_appeal(tx: TransactWrite, item: AppealItem) -> None:
    """The appeal and its guard: one appeal per subject."""
    item.GSI1PK, item.GSI1SK = appeals_partition(item.status), f"{item.created_at}#{item.id}"
    guard = AppealGuard(
        worker_pk(item.worker_id), f"APPEALED#{item.subject_kind}#{item.subject_id}", appeal_id=item.id
    )
    tx.save(guard, condition=AppealGuard.PK.does_not_exist())
    tx.save(item, condition=AppealItem.PK.does_not_exist())


def get_appeal(appeal_id: str, *, consistent: bool = False) -> AppealItem | None:
    try:
        return AppealItem.get(*appeal_key(appeal_id), consistent_read=consistent)
    except DoesNotExist:
        return None


def decide_appeal(tx: TransactWrite, item: AppealItem, *, status: str, note: str, by: str, at: str) -> None:
    tx.update(
        AppealItem(*appeal_key(item.id)),
        actions=[
            AppealItem.status.set(status),
            AppealItem.note.set(note),
            AppealItem.decided_by.set(by),
            AppealItem.decided_at.set(at),
            AppealItem.GSI1PK.set(appeals_partition(status)),
        ],
        condition=AppealItem.status == "open",
    )


def appeals_by_status(status: str, limit: int, start: dict | None) -> StorePage[AppealItem]:
    result = AppealItem.by_status.query(appeals_partition(status), limit=limit, last_evaluated_key=start)
    return StorePage.of(result)
