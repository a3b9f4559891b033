"""The statistics consumer: domain events → daily counters, exactly once per event.

``count(event, tx)`` adds an event's counters to ``tx``, the transaction in which the shared consumer guard
(``common.consumers.consume_atomic``) also writes the event's SEEN item: a redelivered or replayed event finds
its SEEN item and changes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalice.app import SQSEvent
from common.clock import business_tz, clock
from common.consumers import consume_atomic
from common.events import DomainEvent, queue_name
from common.lazy import Functions
from common.settings import get_settings
from pynamodb.transactions import TransactWrite

from functions.analytics import rules, store

CONSUMER = "analytics"

bp = Functions(__name__)


def count(event: DomainEvent, tx: TransactWrite) -> None:
    """Add what ``event`` counts (functions/analytics/rules.py) to ``tx``; events analytics does not count add
    nothing."""
    grace = timedelta(minutes=get_settings().analytics_on_time_grace_minutes)
    tally = rules.tally(event.type, event.detail, tz=business_tz(), on_time_grace=grace)
    if not tally.empty():
        store.write_tally(tx, tally, event_id=event.id, now=clock.now())


@bp.on_sqs_message(queue=queue_name(CONSUMER, get_settings().stage), batch_size=10, name="analytics_consumer")
def analytics_consumer(event: SQSEvent) -> dict[str, Any]:
    """Domain events → the daily counters, exactly once per event (the SEEN item is in the counters' transaction)."""
    return consume_atomic(event, consumer=CONSUMER, handle=count)
