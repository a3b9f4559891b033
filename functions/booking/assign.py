"""Holding a worker's time for an order: one TransactWriteItems with the order write and the worker's slot locks.

Workers' ``hold_slots`` adds one lock per 30-minute slot (travel buffer included), each ``attribute_not_exists``,
to our transaction, so of any number of concurrent orders overlapping one worker's slot exactly one commits;
the others are cancelled and answer 409 ``SLOT_TAKEN``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from common.db import cancellation_reasons, only_conflicts, retry_conflicts
from common.errors import InvalidTransition, NotFound, SlotTaken
from common.log import logger
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from functions import workers
from functions.booking import store


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
    days: Sequence[date] | None = None,
) -> None:
    """Commit ``order_write`` (the transaction's first operation) with the worker's slot locks (or, for an
    engagement, the lock of each of its ``days``).

    ``SlotTaken`` if the worker is booked for part of that time (or at their limit of concurrent orders);
    ``InvalidTransition`` if the order's own condition failed (it moved meanwhile); the transaction's error
    itself while it was cancelled only by other transactions after the retries (a transient 503, not a refusal).
    """

    def attempt() -> None:
        with store.transaction() as tx:
            order_write(tx)
            if days:
                workers.hold_days(tx, worker_id, days, order_id)
            else:
                workers.hold_slots(tx, worker_id, start, end, order_id)
            if extra is not None:
                extra(tx)

    try:
        retry_conflicts(attempt)
    except TransactWriteError as exc:
        reasons = cancellation_reasons(exc)
        if not reasons or only_conflicts(exc):  # still contended after the retries: 503, the client retries
            raise
        if reasons[0] == "ConditionalCheckFailed":
            raise InvalidTransition("the order changed meanwhile; reload it") from exc
        logger.warning("slot hold refused", extra={"order_id": order_id, "reasons": reasons})
        raise SlotTaken() from exc
