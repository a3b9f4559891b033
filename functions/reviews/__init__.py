"""Reviews and credit (双向评价与信用体系): two-way reviews, rating aggregates, the credit engine, violations,
appeals, the hourly recalculation of dirty workers.

Other capabilities may call: ``credit_of(worker_id) -> (score, level)``. Reviews plugs into booking through
``functions/reviews/extensions.py`` (listed in the composition root, ``functions.EXTENSIONS``); booking never
imports reviews.
"""

from typing import TYPE_CHECKING

from common import lazy

if TYPE_CHECKING:
    from functions.reviews.credit_service import current as credit_of

# Each name loads its module on first use (common.lazy.exports): importing the package costs nothing.
__getattr__, __dir__ = lazy.exports(__name__, {"credit_of": "functions.reviews.credit_service:current"})

__all__ = ["credit_of"]
