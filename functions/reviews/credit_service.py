"""Credit use cases: the credit view, operators' violations, workers' appeals and their decisions, counting order
events into a worker's inputs, and the recalculation of dirty workers.

Everything that changes a worker's inputs also marks the worker dirty (a sparse index); the hourly
``credit-recalculation`` reads only the marks, recomputes each worker with the pure engine (``credit.py``), hands
the score and the level's effects to workers (``set_credit_score``: matching, the concurrent-order cap,
``restricted``), writes a history entry when the score moved, and clears the mark only if no new mark came
meanwhile (``dirty_seq``), so running it twice changes nothing the second time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from common.clock import business_tz, iso
from common.errors import Conflict, NotFound, RuleViolation
from common.ids import derived_id, new_id
from common.log import logger
from common.pagination import Page, decode_cursor, encode_cursor
from common.settings import get_settings
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from functions import workers
from functions.reviews import rules, store
from functions.reviews.credit import (
    CreditInputs,
    CreditPolicy,
    CreditReason,
    CreditResult,
    Demerit,
    MonthTally,
    credit_score,
    effects_of,
    level_of,
    month_of,
    summary,
)
from functions.reviews.models import (
    Appeal,
    AppealIn,
    AppealsQuery,
    CreditView,
    HistoryEntry,
    Source,
    Subject,
    Violation,
    ViolationIn,
)
from functions.reviews.service import commit, find_review, mark, take_back


def credit_policy() -> CreditPolicy:
    """The engine's policy from the settings (read once per cold start)."""
    s = get_settings()
    return CreditPolicy(
        start=s.credit_start_score,
        levels=tuple((m, n) for m, n in s.credit_levels if m > 0),
        restricted_below=s.credit_restricted_below,
        window_months=s.credit_window_months,
        half_life_months=s.credit_half_life_months,
        review_max=s.credit_review_max_points,
        review_full_count=s.credit_review_full_count,
        completion_max=s.credit_completion_max_points,
        completion_target=s.credit_completion_target,
        completion_full_count=s.credit_completion_full_count,
        cancel=s.credit_cancel_points,
        late_cancel=s.credit_late_cancel_points,
        no_show=s.credit_no_show_points,
        complaint=s.credit_complaint_points,
        violations=dict(s.credit_violation_points),
        tenure_per_month=s.credit_tenure_points_per_month,
        tenure_max=s.credit_tenure_max_points,
        price_percent=dict(s.credit_price_percent),
        commission_percent=dict(s.credit_commission_percent),
        platform_commission_percent=s.platform_commission_percent,
        max_concurrent_orders=dict(s.credit_max_concurrent_orders),
        platform_max_concurrent_orders=s.worker_max_active_orders,
    )


def current(worker_id: str) -> tuple[int, str]:
    """The worker's stored score and level (a worker never recalculated has the start score)."""
    item = store.get_credit(worker_id)
    policy = credit_policy()
    score = int(item.score) if item is not None and item.score is not None else policy.start
    return score, level_of(score, policy)


# --- views ----------------------------------------------------------------------------------------------------


def credit_view(worker_id: str, *, limit: int | None = None, cursor: str | None = None) -> CreditView:
    """The score, level, effects, reasons and the history of changes, newest first."""
    policy = credit_policy()
    item = store.get_credit(worker_id)
    score = int(item.score) if item is not None and item.score is not None else policy.start
    level = level_of(score, policy)
    reasons = [CreditReason.model_validate(r) for r in (item.reasons or [])] if item is not None else []
    start = decode_cursor(cursor, expect={"PK": store.worker_pk(worker_id)})
    entries, last = store.history(worker_id, limit or get_settings().credit_history_page, start)
    history = [
        HistoryEntry(
            at=e.at,
            delta=int(e.delta),
            score=int(e.score),
            reason=e.reason,
            source=Source(kind=e.source_kind, id=e.source_id),
            reasons=[CreditReason.model_validate(r) for r in (e.reasons or [])],
        )
        for e in entries
    ]
    return CreditView(
        score=score,
        level=level,
        effects=effects_of(score, level, policy),
        reasons=reasons or [CreditReason(kind="start", points=policy.start, note=f"起始分{policy.start}")],
        history=history,
        next_cursor=encode_cursor(last),
    )


def price_percent(worker_id: str) -> int:
    """The price multiplier of bookings with this worker, in percent (100: none)."""
    policy = credit_policy()
    _, level = current(worker_id)
    return policy.price_percent.get(level, 100)


def commission_percent(worker_id: str) -> int | None:
    """The worker's level's commission percent, or None for the platform's."""
    policy = credit_policy()
    _, level = current(worker_id)
    return policy.commission_percent.get(level)


# --- violations and appeals -----------------------------------------------------------------------------------


def record_violation(worker_id: str, body: ViolationIn, *, operator_id: str, now: datetime) -> Violation:
    """An operator records a violation; it counts against the credit from the next recalculation."""
    workers.ensure_public(worker_id)
    at, violation_id = iso(now), new_id(now)
    points = credit_policy().violations.get(body.kind, 0)
    item = store.DemeritItem(
        store.worker_pk(worker_id),
        store.demerit_sk(violation_id),
        id=violation_id,
        worker_id=worker_id,
        kind=body.kind,
        source="violation",
        note=body.note,
        order_id=body.order_id,
        points=points,
        active=True,
        at=at,
        by=operator_id,
    )

    def write(tx: TransactWrite) -> None:
        store.put_demerit(tx, item)
        mark(tx, worker_id, at, ("violation", violation_id))

    commit(write, first=Conflict, message="the violation was recorded already")
    return to_violation(item)


def to_violation(item: store.DemeritItem) -> Violation:
    return Violation(
        id=item.id,
        worker_id=item.worker_id,
        kind=item.kind,  # type: ignore[arg-type]
        note=item.note,
        order_id=item.order_id,
        points=int(item.points),
        active=bool(item.active),
        created_at=item.at,
        created_by=item.by,
    )


def to_appeal(item: store.AppealItem) -> Appeal:
    return Appeal(
        id=item.id,
        worker_id=item.worker_id,
        subject=Subject(kind=item.subject_kind, id=item.subject_id),  # type: ignore[arg-type]
        text=item.text,
        status=item.status,  # type: ignore[arg-type]
        created_at=item.created_at,
        note=item.note,
        decided_at=item.decided_at,
        decided_by=item.decided_by,
    )


def _check_subject(worker_id: str, subject: Subject) -> None:
    """The subject must be the worker's own: their violation, their penalizing complaint, a review of them."""
    if subject.kind == "review":
        review = find_review(subject.id)
        if review.side != "customer" or review.worker_id != worker_id:
            raise NotFound("no such review")
        if review.hidden:
            raise RuleViolation("the review is hidden already", code="NOTHING_TO_APPEAL")
        return
    demerit = store.get_demerit(worker_id, subject.id)
    expected = "violation" if subject.kind == "violation" else "complaint"
    if demerit is None or demerit.source != expected:
        raise NotFound(f"no such {subject.kind} counts against you")


def file_appeal(worker_id: str, body: AppealIn, *, now: datetime) -> Appeal:
    """A worker appeals a violation, an upheld complaint or a review of them; once per subject."""
    _check_subject(worker_id, body.subject)
    item = store.AppealItem(
        *store.appeal_key(appeal_id := new_id(now)),
        id=appeal_id,
        worker_id=worker_id,
        subject_kind=body.subject.kind,
        subject_id=body.subject.id,
        text=body.text,
        status="open",
        created_at=iso(now),
    )
    commit(
        lambda tx: store.new_appeal(tx, item),
        first=lambda message: Conflict(message, code="ALREADY_APPEALED"),
        message="this has been appealed already",
    )
    return to_appeal(item)


def list_appeals(query: AppealsQuery) -> Page[Appeal]:
    start = decode_cursor(query.cursor, expect={"GSI1PK": store.appeals_partition(query.status)})
    items, last = store.appeals_by_status(query.status, query.limit, start)
    return Page[Appeal](items=[to_appeal(i) for i in items], next_cursor=encode_cursor(last))


def decide_appeal(appeal_id: str, upheld: bool, note: str, *, operator_id: str, now: datetime) -> Appeal:
    """An operator decides an open appeal; an upheld one takes its subject's effect off the credit score at the
    next recalculation (a review is hidden; a violation or complaint stops counting)."""
    item = store.get_appeal(appeal_id, consistent=True)
    if item is None:
        raise NotFound("no such appeal")
    if item.status != "open":
        raise Conflict("the appeal has been decided", code="ALREADY_DECIDED")
    at, status = iso(now), "upheld" if upheld else "rejected"
    review = find_review(item.subject_id) if upheld and item.subject_kind == "review" else None

    def write(tx: TransactWrite) -> None:
        store.decide_appeal(tx, item, status=status, note=note, by=operator_id, at=at)
        if not upheld:
            return
        if review is not None:
            if not review.hidden:
                take_back(tx, review, reason=f"申诉成立: {note}", by=operator_id, at=at)
        else:
            store.withdraw_demerit(tx, item.worker_id, item.subject_id)
            mark(tx, item.worker_id, at, ("appeal", item.id))

    commit(write, first=lambda m: Conflict(m, code="ALREADY_DECIDED"), message="the appeal has been decided")
    decided = store.get_appeal(appeal_id, consistent=True)
    assert decided is not None
    if review is not None:
        workers.refresh_rating(review.worker_id)
    return to_appeal(decided)


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
        store.add_tally(tx, worker_id, month, completed=1)
        since = detail["at"]
    elif detail_type in ("OrderDeclined", "OrderCancelled") and actor == "worker":
        late = rules.is_late(detail["start"], at, get_settings().credit_late_cancel_hours)
        store.add_tally(tx, worker_id, month, cancels=1, late_cancels=int(late))
    elif detail_type == "OrderNoShow":
        store.add_tally(tx, worker_id, month, no_shows=1)
    elif detail_type == "ComplaintResolved" and detail.get("penalize_worker"):
        complaint_id = str(detail["complaint_id"])
        demerit = store.DemeritItem(
            store.worker_pk(worker_id),
            store.demerit_sk(complaint_id),
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
        store.put_demerit(tx, demerit)
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
    for item in store.inputs(worker_id, first_month):
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


def recalculate_worker(item: store.CreditItem, *, now: datetime, policy: CreditPolicy) -> bool:
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
            store.settle_credit(
                tx,
                worker_id,
                seq=int(item.dirty_seq or 0),
                score=result.score,
                level=result.level,
                reasons=reasons,
                at=at,
            )
            if result.score != previous:
                entry = store.HistoryItem(
                    store.worker_pk(worker_id),
                    store.history_sk(at, derived_id(now, f"{worker_id}:{item.dirty_seq}")),
                    at=at,
                    delta=result.score - previous,
                    score=result.score,
                    reason=summary(result.reasons),
                    source_kind=item.cause_kind or "recalculation",
                    source_id=item.cause_id,
                    reasons=reasons,
                )
                store.put_history(tx, worker_id, entry)
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
        for item in store.dirty_workers(shard):
            if recalculate_worker(item, now=now, policy=policy):
                done += 1
    logger.info("credit recalculated", extra={"recalculated": done})
    return done
