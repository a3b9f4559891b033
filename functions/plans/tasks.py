"""Plans' scheduled job (an EventBridge schedule; locally the ticker and ``POST /v1/dev/jobs/plan-occurrences``)."""

from __future__ import annotations

from typing import Any

from chalice import Rate
from common.clock import clock
from common.lazy import Functions
from common.log import logger
from common.settings import get_settings

from functions.plans import occurrences

bp = Functions(__name__)


@bp.schedule(Rate(get_settings().plan_job_every_minutes, unit=Rate.MINUTES), name="plan-occurrences")
def plan_occurrences(event: Any, context: Any = None) -> dict[str, int]:
    """Each due plan's visits inside the horizon become orders (only due plans are read)."""
    result = occurrences.run_due(now=clock.now())
    logger.info("plan occurrences", extra=result)
    return result
