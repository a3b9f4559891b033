"""The plan-occurrences job: each visit of an active plan that comes into the rolling horizon
(``settings.plan_horizon_days``) becomes an ordinary order with its locks, through booking's ``book_occurrence``.

It reads only what is due: the sparse due index (``PLANDUE#{shard}``, by when a plan's next visit enters the
horizon), never all plans. Each visit is claimed by a conditional put keyed by plan and date before it is booked,
and its order's id is derived from plan and date, so a visit becomes at most one order even when the job runs
twice or two runs overlap. When the plan's worker is not free, the best match is booked instead and the customer
is told (``NotificationRequested``, written with the visit's record in one transaction).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from common import events
from common.clock import business_tz, iso
from common.errors import DomainError, NotFound, SlotTaken, WorkerUnavailable
from common.ids import derived_id
from common.log import logger
from common.settings import get_settings
from pynamodb.transactions import TransactWrite

from functions import booking
from functions.plans import rules, store

# What a plan's own worker may be refused for, after which the best match is asked.
WORKER_NOT_FREE = (SlotTaken, WorkerUnavailable, NotFound)


def order_id_for(plan: store.PlanItem, day: str) -> str:
    """The id of the order a visit becomes: the same for the same plan and date, whichever run books it."""
    return derived_id(datetime.fromisoformat(plan.created_at), f"plan-occurrence:{plan.id}:{day}")


def run_due(*, now: datetime) -> dict[str, int]:
    """Book every due plan's visits inside the horizon; what was done (plans read, visits booked, of them with a
    substitute worker, unfilled, on holidays, already handled by another run)."""
    s, tz = get_settings(), business_tz()
    horizon = rules.horizon_end(now, tz, s.plan_horizon_days)
    closed = rules.closed_days(s.analytics_holidays, s.plan_skip_holidays)
    done: Counter[str] = Counter()
    for shard in range(s.plan_due_shards):
        for plan in store.due(shard, now):
            done["plans"] += 1
            book_plan(plan, now=now, horizon=horizon, closed=closed, done=done)
    return {k: done[k] for k in ("plans", "booked", "substitutes", "unfilled", "holidays", "already")}


def book_plan(
    plan: store.PlanItem, *, now: datetime, horizon: date, closed: frozenset[date], done: Counter[str]
) -> None:
    """Handle the plan's visits from its next unhandled one to the horizon, then move it along the due index to
    when its next visit comes in (or out of it: paused, cancelled, or no visit left)."""
    s, tz = get_settings(), business_tz()
    until = date.fromisoformat(plan.until) if plan.until else None
    first, every = date.fromisoformat(plan.first_date), int(plan.every_weeks)
    count = int(plan.visits) if plan.visits is not None else None
    if plan.status != rules.ACTIVE or not plan.next_date:
        store.move(plan, status=plan.status, next_date=plan.next_date, due_at=None, shards=s.plan_due_shards)
        return
    for day in rules.dates_between(first, every, count, until, date.fromisoformat(plan.next_date), horizon):
        book_visit(plan, day, now=now, closed=closed, done=done)
    following = rules.next_after(first, every, count, until, horizon)
    store.move(
        plan,
        status=rules.ACTIVE if following else rules.ENDED,
        next_date=following.isoformat() if following else None,
        due_at=rules.due_at(following, s.plan_horizon_days, tz) if following else None,
        shards=s.plan_due_shards,
        closes=following is None,
    )  # False: a concurrent run moved it first, to the same place


def book_visit(
    plan: store.PlanItem, day: date, *, now: datetime, closed: frozenset[date], done: Counter[str]
) -> None:
    """One visit: claimed, booked (the plan's worker, else the best match), recorded with its notice."""
    s, key, stamp = get_settings(), day.isoformat(), iso(now)
    if day in closed:
        held = store.settle(plan.id, key, status=rules.HOLIDAY, claimed_at=None, now=stamp, reason="holiday")
        done["holidays" if held == "ok" else "already"] += 1
        return
    stale = iso(now - timedelta(minutes=s.plan_job_every_minutes))
    if not store.claim(plan.id, key, now=stamp, stale_before=stale):
        done["already"] += 1  # booked, skipped or being booked by another run
        return
    start = rules.local_start(day, plan.time, business_tz())
    req = booking.OrderRequest(
        service_id=plan.service_id,
        address_id=plan.address_id,
        start=start,
        units=int(plan.units),
        worker_id=plan.worker_id,
        channel="plan",
    )
    order_id, order, reason = order_id_for(plan, key), None, None
    try:
        try:
            order, _ = booking.book_occurrence(plan.customer_id, req, order_id=order_id, now=now)
        except WORKER_NOT_FREE:
            if not plan.worker_id:
                raise
            best = req.model_copy(update={"worker_id": None})
            order, _ = booking.book_occurrence(plan.customer_id, best, order_id=order_id, now=now)
    except DomainError as exc:
        reason = exc.code
        logger.info("plan visit not booked", extra={"plan_id": plan.id, "date": key, "reason": reason})
    worker = order.worker.id if order and order.worker else None
    substitute = bool(order and plan.worker_id and worker != plan.worker_id)
    notice = _notice(plan, key, order_id if order else None, substitute=substitute, reason=reason, now=now)

    def tell(tx: TransactWrite) -> None:
        if notice is not None:
            event_id = derived_id(datetime.fromisoformat(plan.created_at), f"plan-notice:{plan.id}:{key}")
            events.add(tx, "NotificationRequested", notice, event_id=event_id, now=now)

    settled = store.settle(
        plan.id,
        key,
        status=rules.BOOKED if order else rules.UNFILLED,
        claimed_at=stamp,
        now=stamp,
        order_id=order_id if order else None,
        worker_id=worker,
        substitute=substitute,
        reason=reason,
        also=tell,
        while_active=True,
    )
    if settled == "closed":  # paused or cancelled while this run booked: the order is not wanted
        if order:
            booking.cancel_occurrence(
                plan.customer_id, order_id, "recurring plan paused or cancelled", now=now
            )
        store.settle(plan.id, key, status="cancelled", claimed_at=stamp, now=stamp, reason="plan closed")
        done["already"] += 1
    elif settled == "lost":
        done["already"] += 1
    elif order:
        done["booked"] += 1
        done["substitutes"] += int(substitute)
    else:
        done["unfilled"] += 1


def _notice(
    plan: store.PlanItem,
    day: str,
    order_id: str | None,
    *,
    substitute: bool,
    reason: str | None,
    now: datetime,
) -> dict[str, Any] | None:
    """What the customer is told about a visit that did not go as planned (None: it did, and the order's own
    events tell them it awaits payment)."""
    if order_id and not substitute:
        return None
    if substitute:
        title = "本次服务已为您更换服务人员"
        body = (
            f"您的周期服务（{day} {plan.time}）原服务人员该时段不空闲，已为您安排其他服务人员，请按时支付。"
        )
        kind = "plan_substitute"
    else:
        title = "本次周期服务未能预约"
        body = f"您的周期服务（{day} {plan.time}）暂无服务人员可以接单，本次未预约，可在App内另约时间。"
        kind = "plan_unfilled"
    return {
        "recipient_role": "customer",
        "user_id": plan.customer_id,
        "kind": kind,
        "title": title,
        "body": body,
        "data": {"plan_id": plan.id, "date": day, "order_id": order_id, "reason": reason},
        "at": iso(now),
    }
