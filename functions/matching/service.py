"""Matching: the eligible workers for a service at a time and place, best first, each with its reasons.

1. Candidates: skill cards from the geohash index around the address (reads follow nearby workers only).
2. Hard filters on the cards: radius (haversine), health certificate on the date, weekly hours and days off.
3. Score and sort (deterministic tie-break).
4. Walk the ranking in chunks, one BatchGetItem of the exact slot-lock keys and counters per chunk, keeping
   workers free for every slot plus the travel buffer and under the concurrent-order limit, until enough.
DynamoDB calls per match: 1 (service) + at most ``matching_max_queries`` + ``matching_max_batch_gets``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from common.errors import RuleViolation
from common.geo import haversine_km
from common.settings import get_settings

from functions.catalog import get_service
from functions.matching.filters import card_filter, load_filter
from functions.matching.models import Match
from functions.matching.score import Candidate, Scoring, rank_key, score
from functions.workers import booking_loads, credit_level, keys_per_worker, nearby_cards, skill_fit, summarize


class Service(Protocol):
    """What matching reads of a catalog service."""

    id: str
    category_id: str


def _scoring() -> Scoring:
    s = get_settings()
    mean, weight = s.matching_rating_prior
    return Scoring(
        weights=s.matching_weights,
        max_radius_km=s.matching_max_radius_km,
        experience_cap_years=s.matching_experience_cap_years,
        rating_prior_mean=mean,
        rating_prior_weight=weight,
    )


def rank_for_service(
    service: Service,
    start: datetime,
    end: datetime,
    lat: float,
    lng: float,
    *,
    now: datetime,
    limit: int = 20,
    exclude: frozenset[str] = frozenset(),
    days: Sequence[date] | None = None,
) -> list[Match]:
    """``rank_workers`` for a service already read."""
    settings = get_settings()
    if start.tzinfo is None or end.tzinfo is None:
        raise RuleViolation("times need an offset", code="BAD_TIME_RANGE")
    if start >= end:
        raise RuleViolation("a booking must end after it starts", code="BAD_TIME_RANGE")
    if start < now:
        raise RuleViolation("the start is in the past", code="START_IN_PAST")
    per_worker = keys_per_worker(start, end, days)  # also refuses hourly bookings too long to hold
    cards = nearby_cards(
        service.category_id,
        lat,
        lng,
        settings.matching_max_radius_km,
        max_queries=settings.matching_max_queries,
    )
    scoring = _scoring()
    ranked = []
    for card in cards:
        distance = haversine_km(lat, lng, card.lat, card.lng)
        if card_filter(card, distance, start, end, exclude, days) is not None:
            continue
        fit, kind = skill_fit(card.skill, service.id, settings.matching_skill_fit)
        candidate = Candidate(
            skill_fit=fit,
            skill_kind=kind,
            distance_km=distance,
            rating_count=card.rating_count,
            rating_overall=card.rating_overall,
            credit_score=card.credit_score,
            credit_level=credit_level(
                card.credit_score, settings.credit_levels, settings.credit_restricted_below
            ),
            experience_years=card.experience_years,
        )
        value, reasons = score(candidate, scoring)
        ranked.append((rank_key(value, distance, card.worker_id), card, value, distance, reasons))
    ranked.sort(key=lambda r: r[0])

    matches: list[Match] = []
    per_call = max(1, 100 // per_worker)
    position, calls = 0, 0
    while len(matches) < limit and position < len(ranked) and calls < settings.matching_max_batch_gets:
        need = limit - len(matches)
        chunk = ranked[position : position + min(per_call, need + max(1, need // 4))]
        position += len(chunk)
        calls += 1
        loads = booking_loads([c[1].worker_id for c in chunk], start, end, days)
        for _, card, value, distance, reasons in chunk:
            load = loads[card.worker_id]
            if load_filter(load, settings.worker_max_active_orders) is None and len(matches) < limit:
                worker = summarize(card, load, now=now)
                matches.append(
                    Match(worker=worker, score=value, distance_km=round(distance, 2), reasons=reasons)
                )
    return matches


def rank_workers(
    service_id: str,
    start: datetime,
    end: datetime,
    lat: float,
    lng: float,
    *,
    now: datetime,
    limit: int = 20,
    exclude: frozenset[str] = frozenset(),
    days: Sequence[date] | None = None,
) -> list[Match]:
    """Eligible workers for the service over [start, end) at (lat, lng), best first, at most ``limit``:
    verified, not suspended, switched on, with the skill, health certificate valid on the date, the address
    within their radius, free for every slot plus the travel buffer (and on no day an engagement holds), under
    the concurrent-order limit. With ``days`` (an engagement): working on each of those whole days, none of
    them held nor with an hourly order. NotFound for an unknown service; RuleViolation for a time range that
    cannot be booked."""
    return rank_for_service(
        get_service(service_id), start, end, lat, lng, now=now, limit=limit, exclude=exclude, days=days
    )
