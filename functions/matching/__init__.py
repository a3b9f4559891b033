"""Matching: who can do a service at a time and place, ranked with reasons.

Other capabilities may call ``rank_workers`` (booking auto-assigns the first it ranks); ``Match`` is
what they return.
"""

from typing import TYPE_CHECKING

from common import lazy

if TYPE_CHECKING:
    from functions.matching.models import Match
    from functions.matching.service import rank_workers

# Each name loads its module on first use (common.lazy.exports): importing the package costs nothing.
__getattr__, __dir__ = lazy.exports(
    __name__,
    {
        "Match": "functions.matching.models",
        "rank_workers": "functions.matching.service",
    },
)

__all__ = ["Match", "rank_workers"]
