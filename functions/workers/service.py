"""Worker use cases: keep a profile and availability, switch on and off, onboarding and verification by
operators, the public view. Every change of a worker goes through ``_change``: read, decide (rules), write the
profile and its skill cards in one transaction, retry if someone else changed the profile meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from common import audit
from common.clock import business_tz, clock, iso
from common.errors import Conflict, NotFound, RuleViolation
from common.pagination import Page, decode_cursor, encode_cursor
from common.settings import get_settings
from pynamodb.transactions import TransactWrite

from functions.catalog import category_tree
from functions.workers import rules, slot_store, store
from functions.workers.models import (
    AcceptingIn,
    AdminWorkersQuery,
    Availability,
    AvailabilityIn,
    Credit,
    ProfileIn,
    PublicCertificate,
    PublicHealth,
    Rating,
    Review,
    SkillRef,
    WorkerAdminSummary,
    WorkerOwn,
    WorkerPublic,
    WorkerRecord,
)

MAX_INDEXED_CATEGORIES = 60  # skill cards per worker: they are written in one transaction with the profile
Decision = tuple[WorkerRecord, store.AuditItem | None]


def _change(
    worker_id: str,
    decide: Callable[[WorkerRecord | None], Decision],
    also: Callable[[TransactWrite], None] | None = None,
) -> WorkerRecord:
    for _ in range(3):
        current = store.load(worker_id)
        record, worker_audit = decide(current)
        stats = store.get_stats(worker_id)
        if store.save(record, previous=current, audit=worker_audit, stats=stats, also=also):
            return record
    raise Conflict("the worker was changed meanwhile; try again")


def _existing(current: WorkerRecord | None) -> WorkerRecord:
    if current is None:
        raise NotFound("no such worker profile")
    return current


# --- the worker's own profile -------------------------------------------------------------------------------


def _resolve_skills(ids: list[str]) -> tuple[list[SkillRef], dict[str, rules.CardSkill]]:
    """Skills as the catalog names them, and the categories they index the worker under."""
    categories: dict[str, str] = {}
    children: dict[str, list[str]] = {}
    services: dict[str, tuple[str, str]] = {}
    stack = [(node, None) for node in category_tree()]
    while stack:
        node, parent = stack.pop()
        categories[node.id] = node.name
        if parent:
            children.setdefault(parent, []).append(node.id)
        services.update({s.id: (s.name, node.id) for s in node.services})
        stack.extend((child, node.id) for child in node.children)
    refs: list[SkillRef] = []
    unknown: list[str] = []
    for skill_id in ids:
        if skill_id in categories:
            refs.append(
                SkillRef(id=skill_id, kind="category", name=categories[skill_id], category_id=skill_id)
            )
        elif skill_id in services:
            name, category_id = services[skill_id]
            refs.append(SkillRef(id=skill_id, kind="service", name=name, category_id=category_id))
        else:
            unknown.append(skill_id)
    if unknown:
        raise RuleViolation(
            "unknown skills: not a category or a service on sale", code="UNKNOWN_SKILL", details=unknown
        )
    index = rules.skill_cards([(r.id, r.kind, r.category_id) for r in refs], children)
    if len(index) > MAX_INDEXED_CATEGORIES:
        raise RuleViolation(
            f"skills cover more than {MAX_INDEXED_CATEGORIES} categories", code="TOO_MANY_SKILLS"
        )
    return refs, index


def _check_profile(body: ProfileIn, now: datetime) -> None:
    settings = get_settings()
    if rules.age(body.birth_year, now.date()) < settings.worker_min_age:
        raise RuleViolation(f"workers must be at least {settings.worker_min_age}", code="TOO_YOUNG")
    if body.service_radius_km is not None and body.service_radius_km > settings.matching_max_radius_km:
        raise RuleViolation(
            f"the service radius is at most {settings.matching_max_radius_km:g} km", code="RADIUS_TOO_LARGE"
        )


def submit_profile(worker_id: str, body: ProfileIn, *, now: datetime) -> WorkerOwn:
    """Create or replace the worker's profile. A new profile waits for review (pending); a verified worker who
    changes what operators checked (name, birth year, skills, certificates, health, ID) waits again."""
    _check_profile(body, now)
    refs, index = _resolve_skills(body.skills)
    settings, at = get_settings(), iso(now)

    def decide(current: WorkerRecord | None) -> Decision:
        if current is None:
            record = WorkerRecord(
                id=worker_id,
                status=rules.PENDING,
                profile=body,
                skills=refs,
                skill_index=index,
                weekly=rules.default_weekly(settings.worker_default_hours),
                days_off=[],
                credit_score=settings.credit_start_score,
                since=at,
                created_at=at,
                updated_at=at,
            )
        else:
            before = current.profile.model_dump(mode="json", include=set(rules.REVIEWED_FIELDS))
            after = body.model_dump(mode="json", include=set(rules.REVIEWED_FIELDS))
            status = rules.status_after_submit(current.status, before != after)
            since = at if status != current.status else current.since
            changes = {
                "profile": body,
                "skills": refs,
                "skill_index": index,
                "status": status,
                "since": since,
            }
            record = current.model_copy(update=changes | {"updated_at": at})
        resubmitted = current is None or (record.status == rules.PENDING and current.status != rules.PENDING)
        audit = (
            store.audit_item(
                worker_id, action="submitted", status=record.status, note="", by=worker_id, at=at
            )
            if resubmitted
            else None
        )
        return record, audit

    return own_view(_change(worker_id, decide), now=now)


def get_own(worker_id: str, *, now: datetime) -> WorkerOwn:
    return own_view(_existing(store.load(worker_id)), now=now)


def own_view(record: WorkerRecord, *, now: datetime) -> WorkerOwn:
    return WorkerOwn(
        id=record.id,
        status=record.status,
        profile=record.profile,
        skills=record.skills,
        age=rules.age(record.profile.birth_year, now.astimezone(business_tz()).date()),
        service_radius_km=record.radius_km,
        availability=availability_view(record),
        credit_score=record.credit_score,
        last_review=record.last_review,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def availability_view(record: WorkerRecord) -> Availability:
    return Availability.model_validate(
        {
            "weekly": record.weekly,
            "days_off": record.days_off,
            "accepting": record.accepting,
            "travel_buffer_minutes": get_settings().travel_buffer_minutes,
        }
    )


def set_availability(worker_id: str, body: AvailabilityIn, *, now: datetime) -> Availability:
    """Replace the weekly template and the days off (past days off are dropped)."""
    today = now.astimezone(business_tz()).date()
    weekly = {
        day: sorted([list(i) for i in intervals]) for day, intervals in body.weekly.items() if intervals
    }
    days_off = [d.isoformat() for d in rules.upcoming_days_off(body.days_off, today)]

    def decide(current: WorkerRecord | None) -> Decision:
        changes = {"weekly": weekly, "days_off": days_off, "updated_at": iso(now)}
        return _existing(current).model_copy(update=changes), None

    return availability_view(_change(worker_id, decide))


def get_availability(worker_id: str) -> Availability:
    return availability_view(_existing(store.load(worker_id)))


def set_accepting(worker_id: str, body: AcceptingIn, *, now: datetime) -> Availability:
    """The switch: 接单中 (taking orders) or 休息中 (resting). Resting takes the worker out of matching."""

    def decide(current: WorkerRecord | None) -> Decision:
        return _existing(current).model_copy(
            update={"accepting": body.accepting, "updated_at": iso(now)}
        ), None

    return availability_view(_change(worker_id, decide))


# --- operators: onboarding and verification ---------------------------------------------------------------

# The audit trail's name of each operator decision (common.audit).
OPERATOR_ACTIONS = {
    "approved": "worker.approve",
    "rejected": "worker.reject",
    "suspended": "worker.suspend",
    "reinstated": "worker.reinstate",
}


def _decide_by_operator(
    worker_id: str,
    action: str,
    note: str,
    operator_id: str,
    now: datetime,
    next_status: Callable[[WorkerRecord], str],
) -> WorkerOwn:
    at = iso(now)

    def decide(current: WorkerRecord | None) -> Decision:
        record = _existing(current)
        status = next_status(record)
        changes = {
            "status": status,
            "since": at,
            "updated_at": at,
            "last_review": Review(action=action, note=note, by=operator_id, at=at),  # type: ignore[arg-type]
        }
        if status == rules.VERIFIED and record.verified_at is None:
            changes["verified_at"] = at
        worker_audit = store.audit_item(
            worker_id, action=action, status=status, note=note, by=operator_id, at=at
        )
        return record.model_copy(update=changes), worker_audit

    def record_action(tx: TransactWrite) -> None:
        audit.add(tx, operator_id, OPERATOR_ACTIONS[action], f"worker:{worker_id}", {"note": note}, now)

    return own_view(_change(worker_id, decide, also=record_action), now=now)


def verify(worker_id: str, approved: bool, note: str, *, operator_id: str, now: datetime) -> WorkerOwn:
    """Approve (→ verified, matchable) or reject (→ rejected, the worker may resubmit) a pending worker."""
    action = "approved" if approved else "rejected"
    return _decide_by_operator(
        worker_id, action, note, operator_id, now, lambda r: rules.status_after_verify(r.status, approved)
    )


def suspend(worker_id: str, note: str, *, operator_id: str, now: datetime) -> WorkerOwn:
    """Take a worker out of matching and bookings until reinstated; existing orders are untouched."""
    return _decide_by_operator(
        worker_id, "suspended", note, operator_id, now, lambda r: rules.status_after_suspend(r.status)
    )


def reinstate(worker_id: str, note: str, *, operator_id: str, now: datetime) -> WorkerOwn:
    return _decide_by_operator(
        worker_id,
        "reinstated",
        note,
        operator_id,
        now,
        lambda r: rules.status_after_reinstate(r.status, r.verified_at is not None),
    )


def list_workers(query: AdminWorkersQuery) -> Page[WorkerAdminSummary]:
    """Workers in one status, longest waiting first (the review queue for ``pending``)."""
    start = decode_cursor(query.cursor, expect={"GSI1PK": store.status_partition(query.status)})
    page = store.list_by_status(query.status, query.limit, start)
    records, last = page.items, page.last_key
    items = [
        WorkerAdminSummary(id=r.id, name=r.profile.name, status=r.status, skills=r.skills, since=r.since)
        for r in records
    ]
    return Page[WorkerAdminSummary](items=items, next_cursor=encode_cursor(last))


def set_credit_score(
    worker_id: str,
    score: int,
    *,
    now: datetime,
    matchable: bool = True,
    max_active_orders: int | None = None,
) -> None:
    """For the credit capability: the worker's new 信用分 (0-1000), used by matching from now on, with the
    level's effects that workers enforce: ``matchable`` False (``restricted``) takes the worker out of matching
    and bookings; ``max_active_orders`` caps their concurrent orders below the platform's limit (None: no cap
    of its own). NotFound for a worker without a profile."""
    if not 0 <= score <= 1000:
        raise RuleViolation("a credit score is 0-1000")
    if max_active_orders is not None and max_active_orders < 0:
        raise RuleViolation("a concurrent-order cap is 0 or more")

    def decide(current: WorkerRecord | None) -> Decision:
        changes = {
            "credit_score": score,
            "credit_matchable": matchable,
            "credit_order_cap": max_active_orders,
            "updated_at": iso(now),
        }
        return _existing(current).model_copy(update=changes), None

    _change(worker_id, decide)


def record_rating(
    worker_id: str,
    *,
    attitude: int,
    skill: int,
    quality: int,
    tx: TransactWrite | None = None,
    remove: bool = False,
) -> None:
    """For the reviews capability: count one customer review (1-5 each) into the worker's rating (ADD on the
    counters), or take a hidden one out again (``remove``). With ``tx`` the count joins the caller's
    transaction (the review and its count commit together) and the caller calls ``refresh_rating`` after the
    commit; without, the cards' snapshot is refreshed here."""
    if not all(1 <= v <= 5 for v in (attitude, skill, quality)):
        raise RuleViolation("review scores are 1-5")
    sign = -1 if remove else 1
    if tx is not None:
        store.add_rating_in(tx, worker_id, attitude, skill, quality, sign)
        return
    stats = store.add_rating(worker_id, attitude, skill, quality, sign)
    store.refresh_card_ratings(worker_id, stats)


def refresh_rating(worker_id: str) -> None:
    """Copy the worker's current rating onto their matching index entries (idempotent; never goes back)."""
    stats = store.get_stats(worker_id, consistent=True)
    if stats is not None:
        store.refresh_card_ratings(worker_id, stats)


# --- what everyone sees -----------------------------------------------------------------------------------


def credit_of(score: int) -> Credit:
    s = get_settings()
    return Credit(score=score, level=rules.credit_level(score, s.credit_levels, s.credit_restricted_below))


def rating_of(stats: store.StatsItem | slot_store.LoadItem | None) -> Rating:
    count = int(stats.rating_count or 0) if stats else 0
    if not stats or not count:
        return Rating()
    averages = [
        round((s or 0) / count, 2) for s in (stats.rating_attitude, stats.rating_skill, stats.rating_quality)
    ]
    return Rating(
        count=count,
        attitude=averages[0],
        skill=averages[1],
        quality=averages[2],
        overall=round(store.overall_of(stats), 2),
    )


def ensure_public(worker_id: str) -> None:
    """NotFound unless the worker has been verified (what may be shown publicly about them)."""
    _public_record(worker_id)


def _public_record(worker_id: str) -> WorkerRecord:
    """Only workers who have been verified are public."""
    record = store.load(worker_id, consistent=False)
    if record is None or record.verified_at is None:
        raise NotFound("no such worker")
    return record


def get_public_profile(worker_id: str, *, now: datetime | None = None) -> WorkerPublic:
    """What anyone may see of a worker who has been verified: no phone, ID or certificate numbers, no home.
    NotFound for anyone else (never verified, or no such worker)."""
    record = _public_record(worker_id)
    today = (now or clock.now()).astimezone(business_tz()).date()
    stats = store.get_stats(worker_id)
    p = record.profile
    return WorkerPublic(
        id=record.id,
        name=p.name,
        gender=p.gender,
        age=rules.age(p.birth_year, today),
        hometown=p.hometown,
        experience_years=p.experience_years,
        skills=record.skills,
        certificates=[
            PublicCertificate(
                type=c.type, expires_on=c.expires_on, valid=c.expires_on is None or c.expires_on >= today
            )
            for c in p.certificates
        ],
        health=PublicHealth(
            status=p.health.status, certificate_valid=p.health.certificate_expires_on >= today
        ),
        bio=p.bio,
        photos=p.photos,
        case_photos=p.case_photos,
        videos=p.videos,
        service_radius_km=record.radius_km,
        verified=record.status == rules.VERIFIED,
        accepting=record.accepting and record.status == rules.VERIFIED,
        rating=rating_of(stats),
        credit=credit_of(record.credit_score),
        completed_orders=int(stats.completed_orders or 0) if stats else 0,
    )
