"""Moves of an order by people: payment, the worker's accept/decline/start/complete, cancellations, reassignment.

Every move is a conditional update from the status and version read (``store.apply``): a move from the wrong
state, or one that lost a race, is 409 ``INVALID_TRANSITION`` and changes nothing. After the write, the move
wakes the workflow's current wait (or fails it with ``OrderCancelled``), frees slots where it must, and
announces itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from common import audit
from common.clock import iso
from common.errors import InvalidTransition, NotFound, RuleViolation
from common.log import logger

from functions import workers
from functions.booking import extras, parts, rules, store, workflow
from functions.booking.assign import hold, worker_name
from functions.booking.days import days_of
from functions.booking.models import Order
from functions.booking.order_events import add_order_event
from functions.booking.policy import cancel_policy, time_rules
from functions.booking.store import OrderItem
from functions.booking.views import assigned_to_worker, owned_by_customer, to_order


def load(order_id: str) -> OrderItem:
    item = store.get(order_id, consistent=True)
    if item is None:
        raise NotFound("no such order")
    return item


def move(
    item: OrderItem,
    name: str,
    *,
    actor: str,
    note: str,
    now: datetime,
    event: str,
    worker_id: Any = ...,
    set_: dict[str, Any] | None = None,
    add: dict[str, int] | None = None,
    extra: Any = None,
    detail: dict[str, Any] | None = None,
    also: Callable[[Any], None] | None = None,
) -> OrderItem:
    """Apply the move ``name`` (rules.TRANSITIONS) with its timeline entry and its domain ``event`` in one
    transaction (``detail``: the event's own fields; ``also`` adds to it: an operator's audit item); the order
    as it is now."""
    to = rules.transition(name, item.status)
    entry = store.entry(iso(now), to, actor, note)
    actions = store.move_actions(item, to=to, event=entry, worker_id=worker_id, set_=set_, add=add)
    fields: dict[str, Any] = {"status": to}
    if worker_id is not ...:
        fields["worker_id"] = worker_id
    fields.update(detail or {})

    def announce(tx: Any) -> None:
        add_order_event(tx, event, item, actor=actor, note=note, now=now, **fields)
        if also is not None:
            also(tx)

    return store.apply(item, actions, store.expected(item, extra), also=announce)


def release(worker_id: str | None, item: OrderItem) -> None:
    """Give the worker's slots for this order back (idempotent)."""
    if worker_id:
        workers.release_slots(
            worker_id, datetime.fromisoformat(item.start), datetime.fromisoformat(item.end), item.id
        )


# --- payment -------------------------------------------------------------------------------------------------


def mark_paid(
    order_id: str, *, paid_fen: int, transaction_id: str, now: datetime, part: str | None = None
) -> bool:
    """Payments saw a verified payment: pending_payment → pending_acceptance, and the workflow moves on to the
    worker's acceptance (an engagement's first payment is its deposit; ``part`` "balance" is its balance,
    ``parts.mark_balance_paid``). False if the order can no longer be paid (cancelled meanwhile: payments
    refunds). The same notification twice is harmless (True again). Any other ``part`` is an on-site price
    difference (``extras.mark_paid``)."""
    if part not in (None, "balance"):
        return extras.mark_paid(
            order_id, str(part), paid_fen=paid_fen, transaction_id=transaction_id, now=now
        )
    for _ in range(2):
        item = load(order_id)
        if part == "balance":
            try:
                return parts.mark_balance_paid(
                    item, paid_fen=paid_fen, transaction_id=transaction_id, now=now
                )
            except InvalidTransition:
                continue
        if item.transaction_id == transaction_id:
            return True
        if item.status != rules.PENDING_PAYMENT:
            return False
        if paid_fen != parts.first_payment_fen(item):
            raise RuleViolation("the amount paid is not the order's total", code="AMOUNT_MISMATCH")
        try:
            item = move(
                item,
                "pay",
                actor="customer",
                note="paid",
                now=now,
                event="OrderPaid",
                set_={"paid_fen": paid_fen, "refundable_fen": paid_fen, "transaction_id": transaction_id},
                detail={"paid_fen": paid_fen},
            )
        except InvalidTransition:  # lost a race with a cancellation or a duplicate: look again
            logger.info("payment raced with another move", extra={"order_id": order_id})
            continue
        workflow.resume(item.task_token, item.id)
        return True
    return False


# --- the worker ----------------------------------------------------------------------------------------------


def accept(worker_id: str, order_id: str, *, now: datetime) -> Order:
    item = assigned_to_worker(load(order_id), worker_id)
    item = move(
        item,
        "accept",
        actor="worker",
        note="accepted",
        now=now,
        event="OrderAccepted",
        extra=OrderItem.worker_id == worker_id,
    )
    workflow.resume(item.task_token, item.id)
    return to_order(item)


def decline(worker_id: str, order_id: str, *, now: datetime) -> Order:
    """The worker gives the order back; the workflow offers it to the next best match."""
    item = assigned_to_worker(load(order_id), worker_id)
    note = "declined by the worker"
    item = move(
        item,
        "decline",
        actor="worker",
        note=note,
        now=now,
        event="OrderDeclined",
        worker_id=None,
        extra=OrderItem.worker_id == worker_id,
        detail={"worker_id": worker_id},  # the event names the worker who declined
    )
    release(worker_id, item)
    workflow.resume(item.task_token, item.id)
    return to_order(item)


def start_service(worker_id: str, order_id: str, *, now: datetime) -> Order:
    """The worker arrives and starts (from ``start_early_minutes`` before the scheduled start)."""
    return start_item(assigned_to_worker(load(order_id), worker_id), now=now)


def start_item(item: OrderItem, *, now: datetime) -> Order:
    """Start the order read (its worker's, checked by the caller): accepted → in service."""
    worker_id = item.worker_id
    rules.transition("start", item.status)
    rules.check_can_start(datetime.fromisoformat(item.start), now=now, rules=time_rules())
    item = move(
        item,
        "start",
        actor="worker",
        note="service started",
        now=now,
        event="OrderStarted",
        extra=OrderItem.worker_id == worker_id,
    )
    workflow.resume(item.task_token, item.id)
    return to_order(item)


def complete(worker_id: str, order_id: str, *, now: datetime, actor: str = "worker", note: str = "") -> Order:
    item = assigned_to_worker(load(order_id), worker_id)
    return finish(item, actor=actor, note=note or "service completed", now=now)


def finish(
    item: OrderItem, *, actor: str, note: str, now: datetime, set_: dict[str, Any] | None = None
) -> Order:
    """Complete the order read (with ``set_``: what the worker's completion keeps, the ticked checklist)."""
    item = move(
        item,
        "complete",
        actor=actor,
        note=note,
        now=now,
        event="OrderCompleted",
        extra=OrderItem.worker_id == item.worker_id,
        set_=set_,
    )
    if item.worker_id:
        workers.order_finished(item.worker_id, item.id)
    workflow.resume(item.task_token, item.id)
    return to_order(item)


# --- cancellation --------------------------------------------------------------------------------------------


def cancel(
    item: OrderItem,
    name: str,
    refund: rules.Refund,
    *,
    actor: str,
    reason: str,
    now: datetime,
    also: Callable[[Any], None] | None = None,
) -> Order:
    """Cancel with the refund decided by the policy; the workflow's Catch compensates (slots, refund, discounts)."""
    previous_status = item.status
    item = move(
        item,
        name,
        actor=actor,
        note=reason,
        now=now,
        event="OrderCancelled",
        detail={"refund_fen": refund.refund_fen, "previous_status": previous_status},
        set_={
            "refund_fen": refund.refund_fen,
            "fee_fen": refund.fee_fen,
            "cancel_reason": reason,
            "cancelled_by": actor,
        },
        add={"refundable_fen": -refund.refund_fen},
        also=also,
    )
    release(item.worker_id, item)  # at once, so the worker is bookable again; compensation repeats it
    workflow.fail(item.task_token, item.id, "OrderCancelled")
    return to_order(item)


def cancel_by_customer(customer_id: str, order_id: str, reason: str, *, now: datetime) -> Order:
    """Full refund before acceptance, and after it while more than the fee window is left; a fee inside it."""
    item = owned_by_customer(load(order_id), customer_id)
    refund = rules.customer_cancellation(
        item.status,
        datetime.fromisoformat(item.start),
        int(item.refundable_fen or 0),
        now=now,
        policy=cancel_policy(),
    )
    return cancel(item, "cancel", refund, actor="customer", reason=reason, now=now)


def cancel_by_operator(
    order_id: str, reason: str, refund_fen: int | None, *, operator_id: str, now: datetime
) -> Order:
    """An operator cancels, refunding ``refund_fen`` (default: all still refundable); recorded in the audit trail."""
    item = load(order_id)
    refund = rules.operator_cancellation(item.status, int(item.refundable_fen or 0), refund_fen)
    details = {"reason": reason, "refund_fen": refund.refund_fen, "previous_status": item.status}

    def record(tx: Any) -> None:
        audit.add(tx, operator_id, "order.cancel", f"order:{order_id}", details, now)

    return cancel(item, "operator_cancel", refund, actor="operator", reason=reason, now=now, also=record)


def abandon(item: OrderItem, *, now: datetime) -> None:
    """An order whose workflow could not start: cancelled at once, its slots given back."""
    cancel(
        item, "abandon", rules.Refund(0, 0), actor="system", reason="could not be booked, try again", now=now
    )


# --- reassignment --------------------------------------------------------------------------------------------


def assign(
    item: OrderItem,
    worker_id: str,
    name: str,
    *,
    actor: str,
    note: str,
    now: datetime,
    also: Callable[[Any], None] | None = None,
) -> str | None:
    """Give the order to ``worker_id``: the order's move and the new worker's slot locks in one transaction
    (with what ``also`` adds: an operator's audit item), then the previous worker's slots back. The previous
    worker's id."""
    previous = item.worker_id
    to = rules.transition(name, item.status)
    entry = store.entry(iso(now), to, actor, note)
    # An operator's choice starts the count of automatic offers again; the system's offers add to it.
    set_: dict[str, Any] = {"worker_name": worker_name(worker_id)}
    add = None
    if actor == "operator":
        set_["dispatches"] = 1
    else:
        add = {"dispatches": 1}
    actions = store.move_actions(item, to=to, event=entry, worker_id=worker_id, set_=set_, add=add)
    actions.append(OrderItem.tried_workers.set(OrderItem.tried_workers.append([worker_id])))
    condition = store.expected(item)
    start, end = datetime.fromisoformat(item.start), datetime.fromisoformat(item.end)
    detail = {
        "status": to,
        "worker_id": worker_id,
        "previous_worker_id": previous or (item.tried_workers or [None])[-1],
    }

    def order_write(tx: Any) -> None:
        tx.update(item, actions=actions, condition=condition)
        add_order_event(tx, "OrderReassigned", item, actor=actor, note=note, now=now, **detail)

    hold(order_write, worker_id, start, end, item.id, extra=also, days=days_of(item.engagement))
    release(previous, item)
    return previous


def reassign(order_id: str, worker_id: str, *, operator_id: str, now: datetime) -> Order:
    """An operator gives the order to another worker, who must accept it; recorded in the audit trail."""
    item = load(order_id)
    rules.transition("reassign", item.status)
    if worker_id == item.worker_id:
        raise RuleViolation("the order is already that worker's", code="SAME_WORKER")
    start, end = datetime.fromisoformat(item.start), datetime.fromisoformat(item.end)
    if held := days_of(item.engagement):  # an engagement: the worker must take its whole days
        workers.check_engageable(
            worker_id,
            [item.service["category_id"]],
            item.service["id"],
            held,
            lat=float(item.address["lat"]),
            lng=float(item.address["lng"]),
        )
    else:
        workers.check_bookable(
            worker_id,
            [item.service["category_id"]],
            item.service["id"],
            start,
            end,
            now=now,
            lat=float(item.address["lat"]),
            lng=float(item.address["lng"]),
        )
    note = "reassigned by an operator"
    details = {"worker_id": worker_id, "previous_worker_id": item.worker_id}

    def record(tx: Any) -> None:
        audit.add(tx, operator_id, "order.reassign", f"order:{order_id}", details, now)

    assign(item, worker_id, "reassign", actor="operator", note=note, now=now, also=record)
    item = load(order_id)
    workflow.resume(item.task_token, item.id)
    return to_order(item)
