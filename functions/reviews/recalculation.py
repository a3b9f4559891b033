"""Counting order events into a worker's credit inputs, and the recalculation of dirty workers.

Everything that changes a worker's inputs also marks the worker dirty (a sparse index); the hourly
``credit-recalculation`` reads only the marks, recomputes each worker with the pure engine (``credit.py``), hands
the score and the level's effects to workers (``set_credit_score``: matching, the concurrent-order cap,
``restricted``), writes a history entry when the score moved, and clears the mark only if no new mark came
meanwhile (``dirty_seq``), so running it twice changes nothing the second time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from common import events
from common.clock import business_tz, iso
from common.errors import NotFound
from common.ids import derived_id
from common.log import logger
from common.settings import get_settings
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from functions import workers
from functions.reviews import credit_store, rules, store
from functions.reviews.credit import (
    CreditInputs,
    CreditPolicy,
    CreditResult,
    Demerit,
    MonthTally,
    credit_score,
    effects_of,
    month_of,
    summary,
)
from functions.reviews.credit_service import credit_policy
from functions.reviews.service import mark

# --- order events → inputs ------------------------------------------------------------------------------------


def count_order_event(detail_type: str, detail: dict[str, Any], tx: TransactWrite) -> bool:
    """Add what an order event means for the worker's credit to ``tx`` (ADD on the month's inputs, a demerit for
    an upheld complaint) and mark the worker dirty. False when the event does not concern credit."""
    worker_id = detail.get("worker_id")
    if not worker_id:
        return False
    at = datetime.fromisoformat(detail["at"])
    month = month_of(at.astimezone(business_tz()))
    cause: tuple[str, str | None] = ("order", detail.get("order_id"))
    since = None
    actor = detail.get("actor")
    if detail_type == "OrderAccepted":
        since = detail["at"]
    elif detail_type == "OrderCompleted":
        credit_store.add_tally(tx, worker_id, month, completed=1)
        since = detail["at"]
    elif detail_type in ("OrderDeclined", "OrderCancelled") and actor == "worker":
        late = rules.is_late(detail["start"], at, get_settings().credit_late_cancel_hours)
        credit_store.add_tally(tx, worker_id, month, cancels=1, late_cancels=int(late))
    elif detail_type == "OrderNoShow":
        credit_store.add_tally(tx, worker_id, month, no_shows=1)
    elif detail_type == "ComplaintResolved" and detail.get("penalize_worker"):
        complaint_id = str(detail["complaint_id"])
        demerit = credit_store.DemeritItem(
            store.worker_pk(worker_id),
            credit_store.demerit_sk(complaint_id),
            id=complaint_id,
            worker_id=worker_id,
            kind="complaint",
            source="complaint",
            note=str(detail.get("resolution") or detail.get("note") or ""),
            order_id=detail.get("order_id"),
            points=credit_policy().complaint,
            active=True,
            at=detail["at"],
            by="operator",
        )
        credit_store.put_demerit(tx, demerit)
        cause = ("complaint", complaint_id)
    else:
        return False
    mark(tx, worker_id, detail["at"], cause, since=since)
    return True


# --- recalculation --------------------------------------------------------------------------------------------


def _inputs(worker_id: str, since: str | None, now: datetime, policy: CreditPolicy) -> CreditInputs:
    local = now.astimezone(business_tz())
    first = (local.year * 12 + local.month - 1) - (policy.window_months - 1)
    first_month = f"{first // 12:04d}-{first % 12 + 1:02d}"
    months, demerits = [], []
    for item in credit_store.inputs(worker_id, first_month):
        if item.SK.startswith("CREDIT#M#"):
            months.append(
                MonthTally(
                    month=item.SK.removeprefix("CREDIT#M#"),
                    reviews=int(item.reviews or 0),
                    review_points=int(item.review_points or 0),
                    completed=int(item.completed or 0),
                    cancels=int(item.cancels or 0),
                    late_cancels=int(item.late_cancels or 0),
                    no_shows=int(item.no_shows or 0),
                )
            )
        elif item.active and item.kind and item.at:
            demerits.append(Demerit(id=str(item.id), kind=item.kind, at=datetime.fromisoformat(item.at)))
    started = datetime.fromisoformat(since).astimezone(business_tz()) if since else None
    return CreditInputs(months=months, demerits=demerits, since=started)


def recalculate_worker(item: credit_store.CreditItem, *, now: datetime, policy: CreditPolicy) -> bool:
    """Recompute one dirty worker; False when a new mark came meanwhile (it stays dirty for the next run)."""
    worker_id = item.worker_id
    result: CreditResult = credit_score(_inputs(worker_id, item.since, now, policy), now=now, policy=policy)
    previous = int(item.score) if item.score is not None else policy.start
    if result.score != previous or item.score is None:
        effects = effects_of(result.score, result.level, policy)
        cap = effects.max_concurrent_orders if result.level in policy.max_concurrent_orders else None
        try:
            workers.set_credit_score(
                worker_id, result.score, now=now, matchable=effects.matchable, max_active_orders=cap
            )
        except NotFound:
            logger.warning("credit for a worker without a profile", extra={"worker_id": worker_id})
    at = iso(now)
    reasons = [r.model_dump() for r in result.reasons]
    try:
        with store.transaction() as tx:
            credit_store.settle_credit(
                tx,
                worker_id,
                seq=int(item.dirty_seq or 0),
                score=result.score,
                level=result.level,
                reasons=reasons,
                at=at,
            )
            if result.score != previous:
                entry = credit_store.HistoryItem(
                    store.worker_pk(worker_id),
                    credit_store.history_sk(at, derived_id(now, f"{worker_id}:{item.dirty_seq}")),
                    at=at,
                    delta=result.score - previous,
                    score=result.score,
                    reason=summary(result.reasons),
                    source_kind=item.cause_kind or "recalculation",
                    source_id=item.cause_id,
                    reasons=reasons,
                )
                credit_store.put_history(tx, worker_id, entry)
                changed = {
                    "worker_id": worker_id,
                    "score": result.score,
                    "level": result.level,
                    "previous_score": previous,
                    "delta": result.score - previous,
                    "at": at,
                }
                event_id = derived_id(now, f"CreditChanged:{worker_id}:{int(item.dirty_seq or 0)}")
                events.add(tx, "CreditChanged", changed, event_id=event_id, now=now)
    except TransactWriteError as exc:
        if exc.cause_response_code == "TransactionCanceledException":
            return False
        raise
    return True


def recalculate(*, now: datetime) -> int:
    """Recompute every dirty worker (only those: the sparse index), clearing each mark; how many were done."""
    policy = credit_policy()
    done = 0
    for shard in range(get_settings().credit_dirty_shards):
        for item in credit_store.dirty_workers(shard):
            if recalculate_worker(item, now=now, policy=policy):
                done += 1
    logger.info("credit recalculated", extra={"recalculated": done})
    return done
