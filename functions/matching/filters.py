"""Hard filters on a candidate, before any score. The index already holds only verified, non-suspended,
switched-on, healthy workers with the category; these check what depends on the request."""

from __future__ import annotations

from collections.abc import Sequence, Set
from datetime import date, datetime

from functions.workers import WorkerCard, WorkerLoad, card_problem


def card_filter(
    card: WorkerCard,
    distance_km: float,
    start: datetime,
    end: datetime,
    exclude: Set[str],
    days: Sequence[date] | None = None,
) -> str | None:
    """Why a card's worker is out (excluded, out of their radius, health certificate, day off, hours — or, for
    an engagement's whole ``days``, a day off), or None."""
    if card.worker_id in exclude:
        return "excluded"
    if distance_km > card.radius_km:
        return "out_of_range"
    return card_problem(card, start, end, days)


def load_filter(load: WorkerLoad, max_active_orders: int) -> str | None:
    """Why a candidate is out once their calendar is read: taken out of matching meanwhile, a slot of the
    booking (or its travel buffer) already held, or at the concurrent-order limit."""
    if not load.matchable:
        return "not_matchable"
    if not load.free:
        return "slot_taken"
    cap = max_active_orders if load.order_cap is None else min(max_active_orders, load.order_cap)
    if load.active_orders >= cap:
        return "too_many_orders"
    return None
