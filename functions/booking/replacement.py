"""Replacement (换人) on an engagement: a new worker takes the days not yet begun, in one transaction with the
order's change (workers' ``hand_over_days``: the first worker's remaining day locks deleted, the new one's put).
The order keeps its id, status and timeline; the engagement record remembers who served how many days, so the
settlement pays each worker for the days they served. The customer's replacements beyond
``engagement_free_replacements`` are refused (422 ``REPLACEMENT_LIMIT``); an operator's choice is not counted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from common import audit
from common.clock import business_tz, iso
from common.db import cancellation_reasons, retry_conflicts
from common.errors import (
    InvalidTransition,
    NotAnEngagement,
    NoWorkerAvailable,
    ReplacementLimit,
    RuleViolation,
    SlotTaken,
)
from common.log import logger
from common.settings import get_settings
from pynamodb.exceptions import TransactWriteError

from functions import matching, workers
from functions.booking import days, rules, store, workflow
from functions.booking.assign import worker_name
from functions.booking.models import Order
from functions.booking.order_events import add_order_event
from functions.booking.policy import match_id
from functions.booking.store import OrderItem
from functions.booking.views import owned_by_customer, to_order

REPLACEABLE = frozenset({rules.ACCEPTED, rules.IN_SERVICE})


def _remaining(item: OrderItem, now: datetime) -> list[Any]:
    if not item.engagement:
        raise NotAnEngagement("only an engagement's worker can be replaced")
    if item.status not in REPLACEABLE:
        raise InvalidTransition(f"the order is {item.status}; only an accepted or in-service one is replaced")
    held = days.days_of(item.engagement) or []
    left = days.remaining_days(held, datetime.fromisoformat(item.start), now, business_tz())
    if not left:
        raise RuleViolation("every day of the engagement has begun", code="NOTHING_TO_REPLACE")
    return left


def replace_by_customer(customer_id: str, order_id: str, reason: str, *, now: datetime) -> Order:
    """The customer asks for another worker: the best free match (not one who had the order) takes the days
    not yet begun. 422 ``REPLACEMENT_LIMIT`` past the free replacements; 409 ``NO_WORKER_AVAILABLE``."""
    item = owned_by_customer(store.get(order_id, consistent=True), customer_id)
    left = _remaining(item, now)
    if int(item.engagement.get("replacements") or 0) >= get_settings().engagement_free_replacements:
        raise ReplacementLimit()
    start = days.day_start(left[0], datetime.fromisoformat(item.start), business_tz())
    matches = matching.rank_workers(
        item.service["id"],
        start,
        datetime.fromisoformat(item.end),
        float(item.address["lat"]),
        float(item.address["lng"]),
        now=now,
        limit=get_settings().dispatch_candidates,
        exclude=frozenset([*(item.tried_workers or []), item.worker_id or ""]),
        days=left,
    )
    for match in matches:
        try:
            return _hand_over(item, match_id(match), left, reason, actor="customer", now=now)
        except SlotTaken:
            continue
    raise NoWorkerAvailable()


def replace_by_operator(
    order_id: str, worker_id: str, reason: str, *, operator_id: str, now: datetime
) -> Order:
    """An operator chooses the new worker (checked like a customer's choice); not counted as a free one."""
    item = store.get(order_id, consistent=True)
    if item is None:
        raise InvalidTransition("no such order")
    left = _remaining(item, now)
    if worker_id == item.worker_id:
        raise RuleViolation("the order is already that worker's", code="SAME_WORKER")
    workers.check_engageable(
        worker_id,
        [item.service["category_id"]],
        item.service["id"],
        left,
        lat=float(item.address["lat"]),
        lng=float(item.address["lng"]),
    )
    return _hand_over(item, worker_id, left, reason, actor="operator", operator_id=operator_id, now=now)


def _hand_over(
    item: OrderItem,
    worker_id: str,
    left: list[Any],
    reason: str,
    *,
    actor: str,
    now: datetime,
    operator_id: str | None = None,
) -> Order:
    previous = item.worker_id
    assert previous is not None
    engagement = dict(item.engagement)
    served = list(engagement.get("served") or [])
    begun = int(engagement["days"]) - len(left)
    served.append(
        {
            "worker_id": previous,
            "worker_name": item.worker_name,
            "days": begun - sum(int(s["days"]) for s in served),
        }
    )
    engagement["served"] = served
    if actor == "customer":
        engagement["replacements"] = int(engagement.get("replacements") or 0) + 1
    name = worker_name(worker_id)
    note = f"replaced: {item.worker_name or previous} → {name or worker_id} from {left[0]} ({reason})"
    entry = store.entry(iso(now), item.status, actor, note)
    actions = store.move_actions(
        item,
        to=item.status,
        event=entry,
        worker_id=worker_id,
        set_={"worker_name": name, "engagement": engagement},
    )
    actions.append(OrderItem.tried_workers.set(OrderItem.tried_workers.append([worker_id])))
    condition = store.expected(item)
    detail = {
        "worker_id": worker_id,
        "previous_worker_id": previous,
        "days_served": served[-1]["days"],
        "reason": reason,
    }

    def attempt() -> None:
        with store.transaction() as tx:
            tx.update(item, actions=actions, condition=condition)
            add_order_event(tx, "OrderWorkerReplaced", item, actor=actor, note=note, now=now, **detail)
            workers.hand_over_days(tx, previous, worker_id, left, item.id)
            if operator_id is not None:
                audit.add(tx, operator_id, "order.replace", f"order:{item.id}", detail, now)

    try:
        retry_conflicts(attempt)
    except TransactWriteError as exc:
        reasons = cancellation_reasons(exc)
        if not reasons:
            raise
        if reasons[0] == "ConditionalCheckFailed":
            raise InvalidTransition("the order changed meanwhile; reload it") from exc
        logger.info("replacement refused", extra={"order_id": item.id, "reasons": reasons})
        raise SlotTaken() from exc
    now_item = store.get(item.id, consistent=True)
    assert now_item is not None
    workflow.resume(now_item.task_token, now_item.id)  # the wait re-arms at the new version
    return to_order(now_item)


def worker_shares(item: OrderItem) -> list[tuple[str, int]] | None:
    """Days served per worker of a replaced engagement, the current worker last (None: one worker had it all)."""
    e = item.engagement or {}
    served = list(e.get("served") or [])
    if not served or not item.worker_id:
        return None
    rest = int(e["days"]) - sum(int(s["days"]) for s in served)
    return [(str(s["worker_id"]), int(s["days"])) for s in served] + [(item.worker_id, rest)]
