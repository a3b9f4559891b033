"""Reviews' jobs and consumers: the hourly credit recalculation (also ``POST /v1/dev/jobs/credit-recalculation``
locally), and the ``reviews`` consumer of order events (infra/topology.py), each counted into the worker's credit
inputs once (``consume_atomic``: the inputs, the dirty mark and the event's SEEN item commit together).

The reminder to review: on ``OrderCompleted`` the consumer asks notifications (``NotificationRequested``, in the same
transaction) to remind the customer, so a replayed event reminds no one twice; no delayed job is needed.
"""

from __future__ import annotations

from typing import Any

from chalice import Rate
from chalice.app import SQSEvent
from common import events
from common.clock import clock
from common.consumers import consume_atomic
from common.events import DomainEvent, queue_name
from common.ids import derived_id
from common.lazy import Functions
from common.log import logger
from common.settings import get_settings
from pynamodb.transactions import TransactWrite

from functions.reviews import recalculation

QUEUE = "reviews"
bp = Functions(__name__)


@bp.schedule(Rate(1, unit=Rate.HOURS), name="credit-recalculation")
def credit_recalculation(event: Any, context: Any = None) -> dict[str, int]:
    """Scheduled hourly: recompute the workers marked dirty, and only those → ``{"recalculated": n}``."""
    return {"recalculated": recalculation.recalculate(now=clock.now())}


def on_order_event(detail_type: str, detail: dict[str, Any], tx: TransactWrite) -> None:
    """One order event into the worker's credit inputs (ADD) and the dirty mark, in the consumer's transaction."""
    if recalculation.count_order_event(detail_type, detail, tx):
        logger.info("credit input counted", extra={"event": detail_type, "order_id": detail.get("order_id")})


def remind_to_review(event: DomainEvent, tx: TransactWrite) -> None:
    """A completed order: ask notifications to remind the customer to review it (within the review window)."""
    detail = event.detail
    days = get_settings().review_window_days
    notice = {
        "recipient_role": "customer",
        "user_id": detail["customer_id"],
        "kind": "review_reminder",
        "title": "服务已完成，请评价",
        "body": f"{detail.get('service_name') or '本次服务'}已完成，{days}天内可以评价服务人员",
        "data": {"order_id": detail["order_id"]},
        "at": detail["at"],
    }
    at = clock.now()
    events.add(
        tx, "NotificationRequested", notice, event_id=derived_id(at, f"review-reminder:{event.id}"), now=at
    )


def handle(event: DomainEvent, tx: TransactWrite) -> None:
    on_order_event(event.type, event.detail, tx)
    if event.type == "OrderCompleted" and event.detail.get("customer_id"):
        remind_to_review(event, tx)


@bp.on_sqs_message(queue=queue_name(QUEUE, get_settings().stage), batch_size=10, name="reviews_consumer")
def reviews_consumer(event: SQSEvent) -> dict[str, Any]:
    """Order events → the workers' credit inputs and dirty marks; a completed order → a review reminder."""
    return consume_atomic(event, consumer=QUEUE, handle=handle)
