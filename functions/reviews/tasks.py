"""Reviews' jobs and consumers: the hourly credit recalculation (also ``POST /v1/dev/jobs/credit-recalculation``
locally), and the handling of order events into the workers' credit inputs."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate
from common.clock import clock
from common.log import logger
from pynamodb.transactions import TransactWrite

from functions.reviews import recalculation

bp = Blueprint(__name__)

CREDIT_EVENTS = (
    "OrderAccepted",
    "OrderCompleted",
    "OrderCancelled",
    "OrderDeclined",
    "OrderNoShow",
    "ComplaintResolved",
)


@bp.schedule(Rate(1, unit=Rate.HOURS), name="credit-recalculation")
def credit_recalculation(event: Any, context: Any = None) -> dict[str, int]:
    """Scheduled hourly: recompute the workers marked dirty, and only those → ``{"recalculated": n}``."""
    return {"recalculated": recalculation.recalculate(now=clock.now())}


def on_order_event(detail_type: str, detail: dict[str, Any], tx: TransactWrite) -> None:
    """One order event into the worker's credit inputs (ADD) and the dirty mark, in the consumer's transaction."""
    if recalculation.count_order_event(detail_type, detail, tx):
        logger.info("credit input counted", extra={"event": detail_type, "order_id": detail.get("order_id")})
