"""Reviews and credit (双向评价与信用体系): two-way reviews, rating aggregates, the credit engine, violations,
appeals, the hourly recalculation of dirty workers.

Other capabilities may call: ``credit_of(worker_id) -> (score, level)``. Reviews plugs into booking through
``functions/reviews/extensions.py`` (imported by app.py); booking never imports reviews.
"""

from functions.reviews.credit_service import current as credit_of

__all__ = ["credit_of"]
