"""Analytics (数据统计与分析): daily counters kept from the domain events, the operators' dashboard, series, worker
performance, the demand forecast, customer and finance views, CSV exports.

Other capabilities and the local stack may call: ``count(event, tx)`` (the consumer's handle, for
``consume_atomic``) and ``seed_demo_history(ctx)`` (the local stack's seed hook).
"""

from typing import TYPE_CHECKING

from common import lazy

if TYPE_CHECKING:
    from functions.analytics.seed import seed_demo_history
    from functions.analytics.tasks import count

# Each name loads its module on first use (common.lazy.exports): importing the package costs nothing.
__getattr__, __dir__ = lazy.exports(
    __name__,
    {"count": "functions.analytics.tasks", "seed_demo_history": "functions.analytics.seed"},
)

__all__ = ["count", "seed_demo_history"]
