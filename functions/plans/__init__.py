"""Recurring plans (周期服务, issue 13): weekly, fortnightly or 4-weekly visits that the plan-occurrences job turns
into ordinary orders through booking's public functions, so booking keeps one aggregate (DESIGN.md "Calendars
beyond one visit").

Other capabilities may call: ``run_due(now=...)`` (the job's work, for the local stack and the bench). Plans
calls booking (``book_occurrence``, ``cancel_occurrence``), catalog, identity and workers; nothing calls plans.
"""

from typing import TYPE_CHECKING

from common import lazy

if TYPE_CHECKING:
    from functions.plans.occurrences import run_due

# Each name loads its module on first use (common.lazy.exports): importing the package costs nothing.
__getattr__, __dir__ = lazy.exports(__name__, {"run_due": "functions.plans.occurrences"})

__all__ = ["run_due"]
