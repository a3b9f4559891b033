"""The worker directory that matching reads: skill cards of matchable workers near a point, and the slot locks
and counters of a few candidates. Reads only; matching decides.

Cost: the cards come from the geohash index, one Query per cell range of the search circle (a budget caps the
ranges), so what is read follows the workers near the address, not all workers. The locks and counters of
candidates come in one BatchGetItem per call of ``booking_loads``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from common.clock import business_tz
from common.geo import covering_ranges
from pydantic import BaseModel

from functions.workers import day_store, rules, slot_store, store
from functions.workers.calendar import held_slot_keys
from functions.workers.days import days_problem, last_moment
from functions.workers.models import Rating, WorkerSummary
from functions.workers.rules import CardSkill
from functions.workers.service import credit_of, rating_of

RANGE_PRECISION = 6  # cover cells ≈ 0.6 × 1 km: fine enough that merged ranges stay close to the circle


class WorkerCard(BaseModel):
    """A matchable worker's entry for one category: what filtering and scoring need."""

    worker_id: str
    category_id: str
    skill: CardSkill
    lat: float
    lng: float
    radius_km: float
    health_status: str
    health_expires_on: str
    weekly: dict[str, list[list[str]]]
    days_off: list[str]
    experience_years: int
    credit_score: int
    rating_count: int
    rating_overall: float
    name: str
    gender: str
    birth_year: int
    hometown: str
    photo: str | None = None


def _card(item: store.CardItem) -> WorkerCard:
    return WorkerCard(
        worker_id=item.worker_id,
        category_id=item.category_id,
        skill=CardSkill(via=item.via, services=list(item.services or [])),
        lat=item.lat,
        lng=item.lng,
        radius_km=item.radius_km,
        health_status=item.health_status,
        health_expires_on=item.health_expires_on,
        weekly=item.weekly or {},
        days_off=list(item.days_off or []),
        experience_years=int(item.experience_years),
        credit_score=int(item.credit_score),
        rating_count=int(item.rating_count or 0),
        rating_overall=float(item.rating_overall or 0),
        name=item.name,
        gender=item.gender,
        birth_year=int(item.birth_year),
        hometown=item.hometown,
        photo=item.photo,
    )


def nearby_cards(
    category_id: str, lat: float, lng: float, radius_km: float, *, max_queries: int
) -> list[WorkerCard]:
    """Cards of matchable workers with the category whose home is within about ``radius_km`` (the caller checks
    exact distances). At most ``max_queries`` Queries, more only when the circle spans more index partitions."""
    ranges = covering_ranges(
        lat, lng, radius_km, prefix_len=store.CELL_PREFIX, precision=RANGE_PRECISION, max_ranges=max_queries
    )
    return [_card(item) for item in store.cards_in_ranges(category_id, ranges)]


def card_problem(
    card: WorkerCard, start: datetime, end: datetime, days: Sequence[date] | None = None
) -> str | None:
    """Why the card's worker cannot work [start, end) — or, for an engagement, the whole ``days`` —: health
    certificate, day off, working hours; or None."""
    tz = business_tz()
    if days:
        return rules.health_problem(
            card.health_status, card.health_expires_on, last_moment(days), tz
        ) or days_problem(card.weekly, card.days_off, days)
    return rules.health_problem(
        card.health_status, card.health_expires_on, end, tz
    ) or rules.availability_problem(card.weekly, card.days_off, start, end, tz)


@dataclass(frozen=True)
class WorkerLoad:
    """A candidate's calendar and counters at the time of the match."""

    free: bool  # no slot of the booking (plus buffer) is locked, no day of it held by an engagement
    matchable: bool  # still verified, not suspended, switched on (the index may lag a moment)
    active_orders: int
    completed_orders: int
    rating: Rating
    order_cap: int | None = None  # the credit level's concurrent-order cap (None: the platform's)


def _lock_keys(
    worker_id: str, start: datetime, end: datetime, days: Sequence[date] | None
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The slot-lock keys and the week-item keys that decide whether the worker is free."""
    if days:
        return [], day_store.week_keys(worker_id, days)
    slots = held_slot_keys(start, end)
    key = store.pk(worker_id)
    return [(key, sk) for sk in slots], day_store.week_keys(worker_id, slot_store.slot_days(slots))


def keys_per_worker(start: datetime, end: datetime, days: Sequence[date] | None = None) -> int:
    """How many keys ``booking_loads`` reads per worker for this booking (its locks, its weeks of day locks,
    the counters)."""
    slots, weeks = _lock_keys("x", start, end, days)
    return len(slots) + len(weeks) + 1


def _free(
    found: dict[tuple[str, str], slot_store.LoadItem],
    worker_id: str,
    slots: list[tuple[str, str]],
    days: Sequence[date],
    *,
    engagement: bool,
) -> bool:
    """No slot locked; no day held by an engagement; for an engagement, no hourly order on any of its days."""
    if any(k in found for k in slots):
        return False
    for day in days:
        week = found.get((store.pk(worker_id), day_store.week_sk(day)))
        if week is not None and (week.holder(day) or (engagement and week.hourly(day) > 0)):
            return False
    return True


def booking_loads(
    worker_ids: Sequence[str], start: datetime, end: datetime, days: Sequence[date] | None = None
) -> dict[str, WorkerLoad]:
    """The locks and counters of these workers for [start, end) plus the travel buffer (or, for an
    engagement, its whole ``days``), held days included: one BatchGetItem, so
    ``len(worker_ids) * keys_per_worker(start, end, days)`` must be at most 100."""
    wanted = {w: _lock_keys(w, start, end, days) for w in worker_ids}
    keys = [k for w in worker_ids for k in [(store.pk(w), "STATS"), *wanted[w][0], *wanted[w][1]]]
    found = slot_store.load_items(keys)
    loads: dict[str, WorkerLoad] = {}
    for w in worker_ids:
        stats = found.get((store.pk(w), "STATS"))
        slots = wanted[w][0]
        touched = list(days) if days else slot_store.slot_days([sk for _, sk in slots])
        loads[w] = WorkerLoad(
            free=_free(found, w, slots, touched, engagement=bool(days)),
            matchable=bool(stats and stats.matchable),
            active_orders=int(stats.active_orders or 0) if stats else 0,
            completed_orders=int(stats.completed_orders or 0) if stats else 0,
            rating=rating_of(stats),
            order_cap=int(stats.order_cap) if stats and stats.order_cap is not None else None,
        )
    return loads


def summarize(card: WorkerCard, load: WorkerLoad, *, now: datetime) -> WorkerSummary:
    return WorkerSummary(
        id=card.worker_id,
        name=card.name,
        gender=card.gender,  # type: ignore[arg-type]
        age=rules.age(card.birth_year, now.astimezone(business_tz()).date()),
        hometown=card.hometown,
        experience_years=card.experience_years,
        photo=card.photo,
        rating=load.rating,
        credit=credit_of(card.credit_score),
        completed_orders=load.completed_orders,
    )
