"""Holding a worker's time for an order: one TransactWriteItems with the order write and the worker's slot locks.

Workers' ``hold_slots`` adds one lock per 30-minute slot (travel buffer included), each ``attribute_not_exists``,
to our transaction, so of any number of concurrent orders overlapping one worker's slot exactly one commits;
the others are cancelled and answer 409 ``SLOT_TAKEN``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from common.errors import InvalidTransition, NotFound, SlotTaken
from common.log import logger
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from functions import workers
from functions.booking import store

CONFLICT_RETRIES = 3  # DynamoDB cancels transactions that touch an item another transaction holds: try again


def worker_name(worker_id: str) -> str | None:
    """The worker's display name, snapshot on the order (so reading an order reads one item)."""
    try:
        profile = workers.get_public_profile(worker_id)
    except NotFound:
        return None
    return getattr(profile, "name", None)


def hold(
    order_write: Callable[[TransactWrite], None],
    worker_id: str,
    start: datetime,
    end: datetime,
    order_id: str,
    *,
    extra: Callable[[TransactWrite], None] | None = None,
) -> None:
    """Commit ``order_write`` (the transaction's first operation) with the worker's slot locks.

    ``SlotTaken`` if the worker is booked for part of that time (or at their limit of concurrent orders);
    ``InvalidTransition`` if the order's own condition failed (it moved meanwhile).
    """
    for attempt in range(CONFLICT_RETRIES + 1):
        try:
            with store.transaction() as tx:
                order_write(tx)
                workers.hold_slots(tx, worker_id, start, end, order_id)
                if extra is not None:
                    extra(tx)
            return
        except TransactWriteError as exc:
            reasons = store.cancellation_reasons(exc)
            if exc.cause_response_code != "TransactionCanceledException":
                raise
            failed = [r for r in reasons if r not in (None, "None")]
            if reasons and reasons[0] == "ConditionalCheckFailed":
                raise InvalidTransition("the order changed meanwhile; reload it") from exc
            if failed and all(r == "TransactionConflict" for r in failed) and attempt < CONFLICT_RETRIES:
                time.sleep(0.02 * (attempt + 1))
                continue
            logger.info("slot hold refused", extra={"order_id": order_id, "reasons": reasons})
            raise SlotTaken() from exc
