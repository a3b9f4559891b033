"""The order workflow's side of booking: what its Lambda tasks do (infra/statemachine/order_lifecycle.asl.json).

The workflow is a loop: ``route`` reads the order and names the next step; a wait arms a task token on the order
(``arm_wait``); a person's move wakes it; a timeout runs ``wait_expired``; then ``route`` again. Because every
decision is made from the order as it is now, a late, duplicate or lost callback cannot lead it astray, and a
move made while nothing was waiting is seen by the next ``arm_wait``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from common.clock import iso
from common.errors import InvalidTransition, OrderCancelled, SlotTaken
from common.log import logger
from common.settings import get_settings

from functions import matching, payments
from functions.booking import confirmation, extras, moves, pricing, rules, store, workflow
from functions.booking.days import days_of
from functions.booking.order_events import add_order_event
from functions.booking.parts import balance_unpaid
from functions.booking.policy import cancel_policy, match_id, priced_order
from functions.booking.replacement import worker_shares

ARM_ATTEMPTS = 5


def route(order_id: str, settings: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    """The next step of the order's workflow, and how long its wait may last (start and completion waits end at
    the scheduled time plus a grace, capped by ``wait_cap_seconds`` when the local stack or a test sets one)."""
    item = moves.load(order_id)
    step = rules.next_step(
        item.status,
        item.worker_id,
        settled=item.settled_at is not None,
        balance_unpaid=balance_unpaid(item),
        confirmed=confirmation.is_confirmed(item),
    )
    cap = int(settings.get("wait_cap_seconds") or 0)
    timeout = 1
    if step == "await_balance":  # until the balance is due (an engagement)
        until = datetime.fromisoformat(item.engagement["balance_due"])
        timeout = rules.wait_seconds(until, now=now, cap_seconds=cap)
    elif step == "await_start":
        until = datetime.fromisoformat(item.start) + timedelta(seconds=int(settings["start_grace_seconds"]))
        timeout = rules.wait_seconds(until, now=now, cap_seconds=cap)
    elif step == "await_completion":
        until = datetime.fromisoformat(item.end) + timedelta(
            seconds=int(settings["completion_grace_seconds"])
        )
        timeout = rules.wait_seconds(until, now=now, cap_seconds=cap)
    elif step == "await_confirmation":  # until the automatic confirmation, counted from the completion
        after = int(settings.get("confirmation_timeout_seconds") or get_settings().auto_confirm_seconds)
        until = (confirmation.completed_at(item) or now) + timedelta(seconds=after)
        timeout = rules.wait_seconds(until, now=now, cap_seconds=cap)
    return {"next": step, "timeout_seconds": timeout}


def arm_wait(order_id: str, stage: str, token: str) -> dict[str, Any]:
    """Store the wait's task token on the order, unless the order already moved past this wait: then wake the
    wait at once (or, if it was cancelled, fail it with ``OrderCancelled`` for the Catch to compensate)."""
    for _ in range(ARM_ATTEMPTS):
        item = moves.load(order_id)
        if item.status == rules.CANCELLED:
            raise OrderCancelled()
        step = rules.next_step(
            item.status,
            item.worker_id,
            settled=False,
            balance_unpaid=balance_unpaid(item),
            confirmed=confirmation.is_confirmed(item),
        )
        if step != rules.STAGE_STEP[stage]:
            workflow.resume(token, order_id)
            return {"armed": False}
        if store.arm(order_id, token, stage, int(item.version)):
            return {"armed": True}
    raise RuntimeError(f"order {order_id} kept changing while its {stage} wait was armed")


def wait_expired(order_id: str, stage: str, *, now: datetime) -> dict[str, Any]:
    """A wait timed out. If nothing moved since it was armed: payment → cancel; acceptance → the worker is
    taken off (re-dispatch follows); start → a no-show (operators alerted, re-dispatch follows); completion →
    completed by the system; confirmation → confirmed by the system; an engagement's balance → cancelled by the
    customer cancellation policy. If something moved, nothing to do: ``route`` continues from there."""
    item = moves.load(order_id)
    if item.armed_stage != stage or item.version != item.armed_version:
        return {"expired": False}
    try:
        if stage == "payment":
            reason = "not paid in time"
            moves.cancel(item, "payment_timeout", rules.Refund(0, 0), actor="system", reason=reason, now=now)
        elif stage == "acceptance":
            _take_off(item, "acceptance_timeout", "OrderDeclined", "not accepted in time", now=now)
        elif stage == "start":
            _take_off(item, "no_show", "OrderNoShow", "the worker did not start in time (no-show)", now=now)
        elif stage == "completion":
            moves.finish(item, actor="system", note="completed by the system after the end", now=now)
        elif stage == "confirmation":
            confirmation.confirm(item, actor="system", note="confirmed by the system", now=now)
        elif (
            stage == "balance"
        ):  # an engagement's 尾款 not paid in time: cancelled as the customer's policy says
            refund = rules.customer_cancellation(
                item.status,
                datetime.fromisoformat(item.start),
                int(item.refundable_fen or 0),
                now=now,
                policy=cancel_policy(),
            )
            reason = "balance (尾款) not paid in time"
            moves.cancel(item, "balance_timeout", refund, actor="system", reason=reason, now=now)
        else:
            raise ValueError(f"unknown wait {stage!r}")
    except InvalidTransition:  # a person moved it at the same moment: route decides from there
        return {"expired": False}
    return {"expired": True}


def _take_off(item: store.OrderItem, name: str, event: str, note: str, *, now: datetime) -> None:
    worker_id = item.worker_id
    moves.move(
        item,
        name,
        actor="system",
        note=note,
        now=now,
        event=event,
        worker_id=None,
        detail={"worker_id": worker_id},  # the event names the worker taken off
    )
    moves.release(worker_id, item)


def redispatch(order_id: str, max_tries: int, *, now: datetime) -> dict[str, Any]:
    """Offer an order without a worker to the next best match not yet tried; after ``max_tries`` offers, or
    when nobody is free, cancel it with a full refund."""
    item = moves.load(order_id)
    if item.status != rules.PENDING_ACCEPTANCE or item.worker_id:
        return {"dispatched": False}
    for tried in item.tried_workers or []:  # every earlier holder's slots back (idempotent)
        moves.release(tried, item)
    if not rules.dispatch_exhausted(int(item.dispatches or 0), max_tries):
        start, end = datetime.fromisoformat(item.start), datetime.fromisoformat(item.end)
        matches = matching.rank_workers(
            item.service["id"],
            start,
            end,
            float(item.address["lat"]),
            float(item.address["lng"]),
            now=now,
            limit=get_settings().dispatch_candidates,
            exclude=frozenset(item.tried_workers or []),
            days=days_of(item.engagement),
        )
        note = "offered to the next best match"
        for match in matches:
            worker_id = match_id(match)
            try:
                moves.assign(item, worker_id, "dispatch", actor="system", note=note, now=now)
            except SlotTaken:
                continue
            except InvalidTransition:
                return {"dispatched": False}
            return {"dispatched": True, "worker_id": worker_id}
    refund = rules.Refund(int(item.refundable_fen or 0), 0)
    try:
        moves.cancel(
            item, "no_worker", refund, actor="system", reason="no worker could take the order", now=now
        )
    except InvalidTransition:
        return {"dispatched": False}
    return {"dispatched": False, "cancelled": True}


def compensate(order_id: str, *, now: datetime) -> dict[str, Any]:
    """A cancelled order's compensation: every slot it held back, discounts given back, its on-site price
    differences withdrawn or refunded (``extras.settle_cancelled``); what to refund of the order itself."""
    item = moves.load(order_id)
    if item.status != rules.CANCELLED:
        raise InvalidTransition(f"order {order_id} is {item.status}, not cancelled")
    for worker_id in {*(item.tried_workers or []), item.worker_id} - {None}:
        moves.release(worker_id, item)
    pricing.release_discounts(priced_order(item))
    extras.settle_cancelled(item, now=now)
    if not item.compensated:
        store.mark(order_id, compensated=True)
    logger.info("order compensated", extra={"order_id": order_id, "refund_fen": int(item.refund_fen or 0)})
    return {
        "refund_fen": int(item.refund_fen or 0),
        "fee_fen": int(item.fee_fen or 0),
        "reason": item.cancel_reason or "cancelled",
    }


def settlement_check(order_id: str) -> dict[str, Any]:
    """Whether settlement must wait: an open complaint holds it."""
    item = moves.load(order_id)
    return {"hold": int(item.open_complaints or 0) > 0}


def accrue_earning(order_id: str, *, now: datetime) -> dict[str, Any]:
    """The order completed: payments credits the worker's expected earning as pending (待结算) for the dispute
    window. Once (payments answers 0 for a repeat)."""
    item = moves.load(order_id)
    if item.status != rules.COMPLETED or not item.worker_id:
        return {"accrued_fen": 0}
    accrued = payments.accrue_earning(
        order_id, item.worker_id, commission_percent=int(item.commission_percent), now=now
    )
    return {"accrued_fen": accrued}


def settle(order_id: str, *, now: datetime) -> dict[str, Any]:
    """After the dispute window (or a late cancellation): payments credits the worker — the paid total less
    refunds and the commission snapshot on the order, or the cancellation fee — and records the platform's
    commission. Once per order. ``Conflict`` while a refund is still in flight: the workflow retries later."""
    item = moves.load(order_id)
    worker_id = item.worker_id or (item.tried_workers or [None])[-1]
    if worker_id is None:
        return {"settled": False}
    result = payments.settle(
        order_id,
        worker_id,
        commission_percent=int(item.commission_percent),
        late_cancellation_fee_fen=int(item.fee_fen or 0),
        discount_fen=int(item.price["subtotal_fen"]) - int(item.price["total_fen"])
        if item.status == rules.COMPLETED
        else 0,
        now=now,
        worker_days=worker_shares(item) if item.status == rules.COMPLETED else None,
    )
    if item.status == rules.COMPLETED and item.settled_at is None:
        detail = {
            "paid_fen": result.paid_fen if result else 0,
            "refunded_fen": result.refunded_fen if result else 0,
            "commission_fen": result.commission_fen if result else 0,
            "worker_earning_fen": result.worker_fen if result else 0,
            "worker_id": worker_id,
        }

        def announce(tx: Any) -> None:
            add_order_event(
                tx, "OrderSettled", item, actor="system", note="settled", now=now, cause="settled", **detail
            )

        entry = store.entry(iso(now), item.status, "system", "settled")
        store.append_note(item, entry, also=announce, settled_at=iso(now))
    return {"settled": result is not None}
