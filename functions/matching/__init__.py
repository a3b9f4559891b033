"""Matching: who can do a service at a time and place, ranked with reasons.

Other capabilities may call ``rank_workers`` (booking auto-assigns the first it ranks); ``Match`` is
what they return.
"""

from functions.matching.models import Match
from functions.matching.service import rank_workers

__all__ = ["Match", "rank_workers"]
