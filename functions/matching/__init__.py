"""Matching: who can do a service at a time and place, ranked with reasons (shared/INTERFACES.md).

Other capabilities may call ``rank_workers`` and ``best_worker`` (booking auto-assigns with it); ``Match`` is
what they return.
"""

from functions.matching.models import Match
from functions.matching.service import best_worker, rank_workers

__all__ = ["Match", "best_worker", "rank_workers"]
