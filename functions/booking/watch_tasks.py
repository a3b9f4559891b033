"""The order watches' consumer and job (functions/booking/watches.py).

- ``booking-watches`` consumer: every move of an order (order events, infra/topology.py) brings its watches in the
  due index in line with what it needs now. Safe to repeat: it re-reads the order (``consume``'s guard skips a
  redelivered event anyway).
- ``order-watches`` job (every ``settings.watch_job_every_minutes``; locally the ticker and
  ``POST /v1/dev/jobs/order-watches``): what came due fires (reminders, exceptions), each once.
"""

from __future__ import annotations

from typing import Any

from chalice import Rate
from chalice.app import SQSEvent
from common.clock import clock
from common.consumers import consume
from common.events import DomainEvent, queue_name
from common.lazy import Functions
from common.log import logger
from common.settings import get_settings

from functions.booking import watches

QUEUE = "booking-watches"
bp = Functions(__name__)


def on_order_event(event: DomainEvent) -> None:
    order_id = event.detail.get("order_id")
    if order_id:
        result = watches.sync(str(order_id), now=clock.now())
        logger.info("order watches in line", extra={"order_id": order_id, **result})


@bp.on_sqs_message(
    queue=queue_name(QUEUE, get_settings().stage), batch_size=10, name="booking_watches_consumer"
)
def booking_watches_consumer(event: SQSEvent) -> dict[str, Any]:
    """Order events → the order's reminders and exception watches in the due index."""
    return consume(event, consumer=QUEUE, handle=on_order_event)


@bp.schedule(Rate(get_settings().watch_job_every_minutes, unit=Rate.MINUTES), name="order-watches")
def order_watches(event: Any, context: Any = None) -> dict[str, int]:
    """Scheduled: the reminders and exceptions due now, each once → what was done."""
    return watches.run_due(now=clock.now())
