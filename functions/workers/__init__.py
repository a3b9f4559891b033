"""Workers (家政人员): profiles, onboarding and verification, availability, the switch, the slot calendar, media.

Other capabilities may call (shared/INTERFACES.md):
- ``get_public_profile(worker_id) -> WorkerPublic``, ``ensure_public(worker_id)`` (NotFound unless verified)
- ``check_bookable(worker_id, category_ids, service_id, start, end, *, now, lat=None, lng=None)``
- ``hold_slots(tx, worker_id, start, end, order_id)``, ``release_slots(worker_id, start, end, order_id)``,
  ``order_finished(worker_id, order_id)``, ``slot_keys(start, end, buffer_minutes)``,
  ``move_slots(tx, worker_id, old, new, order_id)`` (rescheduling: the hold moved in the caller's transaction)
- engagements' whole days: ``check_engageable(worker_id, category_ids, service_id, days, *, lat, lng)``,
  ``hold_days(tx, worker_id, days, order_id)``, ``hand_over_days(tx, from_worker, to_worker, days, order_id)``;
  ``release_slots`` frees an engagement's days too
- ``record_rating(worker_id, *, attitude, skill, quality, tx=None, remove=False)`` and ``refresh_rating(worker_id)``
  (reviews), ``set_credit_score(worker_id, score, *, now, matchable, max_active_orders)`` (credit): the only ways
  to change a worker's rating and credit, so the matching index, the concurrent-order cap and matchability stay in
  step.
- ``seed_workers(*, now, count, worker_ids)`` and ``seed_demo_workers(ctx)`` (the local stack's seed hook).
Matching reads the directory: ``nearby_cards``, ``card_problem``, ``booking_loads``, ``keys_per_worker``,
``summarize``, ``WorkerCard``, ``WorkerLoad``, ``skill_fit``, ``credit_level``, ``SLOT_MINUTES``.
"""

from typing import TYPE_CHECKING

from common import lazy

if TYPE_CHECKING:
    from functions.workers.calendar import check_bookable, hold_slots, order_finished, release_slots
    from functions.workers.days import check_engageable, hand_over_days, hold_days
    from functions.workers.models import WorkerPublic, WorkerSummary
    from functions.workers.rules import SLOT_MINUTES, credit_level, skill_fit, slot_keys
    from functions.workers.search import (
        WorkerCard,
        WorkerLoad,
        booking_loads,
        card_problem,
        keys_per_worker,
        nearby_cards,
        summarize,
    )
    from functions.workers.seed import seed_demo_workers, seed_workers
    from functions.workers.service import (
        ensure_public,
        get_public_profile,
        record_rating,
        refresh_rating,
        set_credit_score,
    )
    from functions.workers.slot_move import move_slots

# Each name loads its module on first use (common.lazy.exports): importing the package costs nothing.
__getattr__, __dir__ = lazy.exports(
    __name__,
    {
        "SLOT_MINUTES": "functions.workers.rules",
        "WorkerCard": "functions.workers.search",
        "WorkerLoad": "functions.workers.search",
        "WorkerPublic": "functions.workers.models",
        "WorkerSummary": "functions.workers.models",
        "booking_loads": "functions.workers.search",
        "card_problem": "functions.workers.search",
        "check_bookable": "functions.workers.calendar",
        "check_engageable": "functions.workers.days",
        "hand_over_days": "functions.workers.days",
        "hold_days": "functions.workers.days",
        "credit_level": "functions.workers.rules",
        "ensure_public": "functions.workers.service",
        "get_public_profile": "functions.workers.service",
        "hold_slots": "functions.workers.calendar",
        "keys_per_worker": "functions.workers.search",
        "move_slots": "functions.workers.slot_move",
        "nearby_cards": "functions.workers.search",
        "order_finished": "functions.workers.calendar",
        "record_rating": "functions.workers.service",
        "refresh_rating": "functions.workers.service",
        "release_slots": "functions.workers.calendar",
        "seed_demo_workers": "functions.workers.seed",
        "seed_workers": "functions.workers.seed",
        "set_credit_score": "functions.workers.service",
        "skill_fit": "functions.workers.rules",
        "slot_keys": "functions.workers.rules",
        "summarize": "functions.workers.search",
    },
)

__all__ = [
    "SLOT_MINUTES",
    "WorkerCard",
    "WorkerLoad",
    "WorkerPublic",
    "WorkerSummary",
    "booking_loads",
    "card_problem",
    "check_bookable",
    "check_engageable",
    "credit_level",
    "ensure_public",
    "get_public_profile",
    "hand_over_days",
    "hold_days",
    "hold_slots",
    "keys_per_worker",
    "move_slots",
    "nearby_cards",
    "order_finished",
    "record_rating",
    "refresh_rating",
    "release_slots",
    "seed_demo_workers",
    "seed_workers",
    "set_credit_score",
    "skill_fit",
    "slot_keys",
    "summarize",
]
