"""Credit use cases: the credit view and the level's effects, operators' violations, workers' appeals and their
decisions. Counting order events and the recalculation are in ``recalculation``."""

from __future__ import annotations

from datetime import datetime

from common import audit
from common.clock import iso
from common.errors import Conflict, NotFound, RuleViolation
from common.ids import new_id
from common.pagination import Page, decode_cursor, encode_cursor
from common.settings import get_settings
from pynamodb.transactions import TransactWrite

from functions import workers
from functions.reviews import credit_store, store
from functions.reviews.credit import (
    CreditPolicy,
    CreditReason,
    effects_of,
    level_of,
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
    item = credit_store.get_credit(worker_id)
    policy = credit_policy()
    score = int(item.score) if item is not None and item.score is not None else policy.start
    return score, level_of(score, policy)


# --- views ----------------------------------------------------------------------------------------------------


def credit_view(worker_id: str, *, limit: int | None = None, cursor: str | None = None) -> CreditView:
    """The score, level, effects, reasons and the history of changes, newest first."""
    policy = credit_policy()
    item = credit_store.get_credit(worker_id)
    score = int(item.score) if item is not None and item.score is not None else policy.start
    level = level_of(score, policy)
    reasons = [CreditReason.model_validate(r) for r in (item.reasons or [])] if item is not None else []
    start = decode_cursor(cursor, expect={"PK": store.worker_pk(worker_id)})
    page = credit_store.history(worker_id, limit or get_settings().credit_history_page, start)
    entries, last = page.items, page.last_key
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
    item = credit_store.DemeritItem(
        store.worker_pk(worker_id),
        credit_store.demerit_sk(violation_id),
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
        credit_store.put_demerit(tx, item)
        mark(tx, worker_id, at, ("violation", violation_id))
        details = {
            "violation_id": violation_id,
            "kind": body.kind,
            "points": points,
            "order_id": body.order_id,
        }
        audit.add(tx, operator_id, "worker.violation", f"worker:{worker_id}", details, now)

    commit(write, first=Conflict, message="the violation was recorded already")
    return to_violation(item)


def to_violation(item: credit_store.DemeritItem) -> Violation:
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


def to_appeal(item: credit_store.AppealItem) -> Appeal:
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
    demerit = credit_store.get_demerit(worker_id, subject.id)
    expected = "violation" if subject.kind == "violation" else "complaint"
    if demerit is None or demerit.source != expected:
        raise NotFound(f"no such {subject.kind} counts against you")


def file_appeal(worker_id: str, body: AppealIn, *, now: datetime) -> Appeal:
    """A worker appeals a violation, an upheld complaint or a review of them; once per subject."""
    _check_subject(worker_id, body.subject)
    item = credit_store.AppealItem(
        *credit_store.appeal_key(appeal_id := new_id(now)),
        id=appeal_id,
        worker_id=worker_id,
        subject_kind=body.subject.kind,
        subject_id=body.subject.id,
        text=body.text,
        status="open",
        created_at=iso(now),
    )
    commit(
        lambda tx: credit_store.new_appeal(tx, item),
        first=lambda message: Conflict(message, code="ALREADY_APPEALED"),
        message="this has been appealed already",
    )
    return to_appeal(item)


def list_appeals(query: AppealsQuery) -> Page[Appeal]:
    start = decode_cursor(query.cursor, expect={"GSI1PK": credit_store.appeals_partition(query.status)})
    page = credit_store.appeals_by_status(query.status, query.limit, start)
    return Page[Appeal](items=[to_appeal(i) for i in page.items], next_cursor=encode_cursor(page.last_key))


def decide_appeal(appeal_id: str, upheld: bool, note: str, *, operator_id: str, now: datetime) -> Appeal:
    """An operator decides an open appeal; an upheld one takes its subject's effect off the credit score at the
    next recalculation (a review is hidden; a violation or complaint stops counting)."""
    item = credit_store.get_appeal(appeal_id, consistent=True)
    if item is None:
        raise NotFound("no such appeal")
    if item.status != "open":
        raise Conflict("the appeal has been decided", code="ALREADY_DECIDED")
    at, status = iso(now), "upheld" if upheld else "rejected"
    review = find_review(item.subject_id) if upheld and item.subject_kind == "review" else None

    def write(tx: TransactWrite) -> None:
        credit_store.decide_appeal(tx, item, status=status, note=note, by=operator_id, at=at)
        details = {"status": status, "note": note, "worker_id": item.worker_id}
        audit.add(tx, operator_id, "appeal.decide", f"appeal:{appeal_id}", details, now)
        if not upheld:
            return
        if review is not None:
            if not review.hidden:
                take_back(tx, review, reason=f"申诉成立: {note}", by=operator_id, now=now)
        else:
            credit_store.withdraw_demerit(tx, item.worker_id, item.subject_id)
            mark(tx, item.worker_id, at, ("appeal", item.id))

    commit(write, first=lambda m: Conflict(m, code="ALREADY_DECIDED"), message="the appeal has been decided")
    decided = credit_store.get_appeal(appeal_id, consistent=True)
    assert decided is not None
    if review is not None:
        workers.refresh_rating(review.worker_id)
    return to_appeal(decided)
