"""Marketing's scheduled jobs (EventBridge schedules; locally the ticker and ``POST /v1/dev/jobs/{name}``) and its
event consumer (the ``marketing`` queue: order events and UserRegistered, each handled exactly once with
``consume_atomic``). Each job reads only a sparse index of what is due that day, never the table."""

from __future__ import annotations

from typing import Any

from chalice import Cron
from chalice.app import SQSEvent
from common.clock import clock
from common.consumers import consume_atomic
from common.events import DomainEvent, queue_name
from common.lazy import Functions
from common.log import logger
from common.settings import get_settings
from pynamodb.transactions import TransactWrite

from functions.marketing import coupons, membership, points, reactions

bp = Functions(__name__)


def on_event(e: DomainEvent, tx: TransactWrite) -> None:
    reactions.on_event(e, tx, now=clock.now())


@bp.on_sqs_message(
    queue=queue_name(reactions.CONSUMER, get_settings().stage), batch_size=10, name="marketing_consumer"
)
def marketing_consumer(event: SQSEvent) -> dict[str, Any]:
    """Order events and first logins → points, coupons given back or consumed, tiers, referral rewards."""
    return consume_atomic(event, consumer=reactions.CONSUMER, handle=on_event)


# Daily, just after midnight in Asia/Shanghai (cron is read in UTC): 16:05 UTC is 00:05 the next business day.
DAILY = Cron(5, 16, "*", "*", "?", "*")


@bp.schedule(DAILY, name="coupon-expiry")
def coupon_expiry(event: Any, context: Any = None) -> dict[str, int]:
    """Coupons whose last day has passed become expired; those ending tomorrow get a reminder."""
    result = coupons.expire_due(now=clock.now())
    logger.info("coupon expiry", extra=result)
    return result


@bp.schedule(DAILY, name="points-expiry")
def points_expiry(event: Any, context: Any = None) -> dict[str, int]:
    """Points earned in a year expire at the end of the next (only lots of the year that ended are read)."""
    result = points.expire_due(now=clock.now())
    logger.info("points expiry", extra=result)
    return result


@bp.schedule(DAILY, name="membership-tiers")
def membership_tiers(event: Any, context: Any = None) -> dict[str, int]:
    """Tiers of the customers whose rolling window loses spend today."""
    result = membership.recompute_tiers(now=clock.now())
    logger.info("membership tiers", extra=result)
    return result


@bp.schedule(DAILY, name="birthday-perks")
def birthday_perks(event: Any, context: Any = None) -> dict[str, int]:
    """Birthday coupons for the customers born on today's date."""
    result = membership.birthday_perks(now=clock.now())
    logger.info("birthday perks", extra=result)
    return result
