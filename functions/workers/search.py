"""The worker directory that matching reads: skill cards of matchable workers near a point, and the slot locks
and counters of a few candidates. Reads only; matching decides.

Cost: the cards come from the geohash index, one Query per cell range of the search circle (a budget caps the
ranges), so what is read follows the workers near the address, not all workers. The locks and counters of
candidates come in one BatchGetItem per call of ``booking_loads``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from common.clock import business_tz
from common.geo import covering_ranges
from pydantic import BaseModel

from functions.workers import rules, slot_store, store
from functions.workers.calendar import held_slot_keys
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


def card_problem(card: WorkerCard, start: datetime, end: datetime) -> str | None:
    """Why the card's worker cannot work [start, end): health certificate, day off, working hours; or None."""
    tz = business_tz()
    return rules.health_problem(
        card.health_status, card.health_expires_on, end, tz
    ) or rules.availability_problem(card.weekly, card.days_off, start, end, tz)


@dataclass(frozen=True)
class WorkerLoad:
    """A candidate's calendar and counters at the time of the match."""

    free: bool  # no slot of the booking (plus buffer) is locked
    matchable: bool  # still verified, not suspended, switched on (the index may lag a moment)
    active_orders: int
    completed_orders: int
    rating: Rating
    order_cap: int | None = None  # the credit level's concurrent-order cap (None: the platform's)


def keys_per_worker(start: datetime, end: datetime) -> int:
    """How many keys ``booking_loads`` reads per worker for this booking (its locks plus the counters)."""
    return len(held_slot_keys(start, end)) + 1


def booking_loads(worker_ids: Sequence[str], start: datetime, end: datetime) -> dict[str, WorkerLoad]:
    """The locks and counters of these workers for [start, end) plus the travel buffer: one BatchGetItem, so
    ``len(worker_ids) * keys_per_worker(start, end)`` must be at most 100."""
    slots = held_slot_keys(start, end)
    keys = [(store.pk(w), sk) for w in worker_ids for sk in ["STATS", *slots]]
    found = slot_store.load_items(keys)
    loads: dict[str, WorkerLoad] = {}
    for w in worker_ids:
        stats = found.get((store.pk(w), "STATS"))
        loads[w] = WorkerLoad(
            free=not any((store.pk(w), sk) in found for sk in slots),
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
