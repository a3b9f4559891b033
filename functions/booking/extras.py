"""On-site price differences (补差价): the worker proposes one while the service is under way, the customer
approves it (and pays it, its own WeChat Pay trade ``{order}-x01``) or rejects it; its payment, recorded by
payments' notification, joins the order's money, so the settlement divides order and differences together
(docs/order-lifecycle.md "On-site price differences").

Each move is the difference's conditional write, a timeline entry on the order and its order event, in one
transaction (``extras_store``); notifications tells the other side.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from common.clock import iso
from common.errors import InvalidTransition, NotFound, RuleViolation
from common.log import logger
from common.money import yuan
from common.settings import get_settings
from pynamodb.transactions import TransactWrite

from functions import identity, payments
from functions.booking import extras_rules, extras_store, rules, store
from functions.booking.extras_rules import APPROVED, OPEN, PAID, PROPOSED, REFUNDED, REJECTED
from functions.booking.extras_store import ExtraChanged, ExtraItem
from functions.booking.models import Extra, ExtraLine, ExtraProposed, ExtraRequest, UnpaidExtra
from functions.booking.order_events import add_order_event
from functions.booking.store import OrderItem
from functions.booking.views import assigned_to_worker, owned_by_customer

PAY_ATTEMPTS = 2  # a payment that lost a race with another move of the difference reads it again once


def propose(worker_id: str, order_id: str, request: ExtraRequest, *, now: datetime) -> ExtraProposed:
    """The assigned worker asks for a price difference during the service; the customer is told. 409 unless
    the order is in service (or when another move won the race), 422 past a limit (``extras_rules``)."""
    order = assigned_to_worker(store.get(order_id, consistent=True), worker_id)
    existing = int(order.extra_count or 0)
    s = get_settings()
    limits = extras_rules.Limits(s.extra_max_amount_fen, s.extra_max_items, s.extra_max_per_order)
    total = extras_rules.check_proposal(
        order.status, [line.amount_fen for line in request.items], existing=existing, limits=limits
    )
    extra_id = extras_rules.extra_id(existing + 1)
    extra = ExtraItem(
        *extras_store.extra_key(order_id, extra_id),
        order_id=order_id,
        id=extra_id,
        items=[line.model_dump() for line in request.items],
        amount_fen=total,
        reason=request.reason,
        status=PROPOSED,
        customer_id=order.customer_id,
        worker_id=worker_id,
        proposed_at=iso(now),
    )
    try:
        extras_store.add(
            extra,
            order,
            _entry(order, extra, "worker", "proposed", now),
            order_condition=extras_store.order_in(extras_rules.PROPOSE_STATUSES, worker_id),
            announce=_announce("ExtraProposed", order, extra, "worker", PROPOSED, now),
        )
    except ExtraChanged as exc:
        raise InvalidTransition("the order changed meanwhile; reload it and try again") from exc
    logger.info("price difference proposed", extra={"order_id": order_id, "extra_id": extra.id})
    return ExtraProposed(id=extra.id)


def approve(customer_id: str, order_id: str, extra_id: str, *, now: datetime) -> payments.PayParams:
    """The customer agrees to pay the difference: the payment parameters of its own trade. Again while it is
    unpaid: the same (or renewed) parameters; paid: 409 ``ALREADY_PAID``; rejected: 409. The worker is told."""
    order = owned_by_customer(store.get(order_id, consistent=True), customer_id)
    extra = _found(order_id, extra_id)
    if extra.status != APPROVED:
        extras_rules.move("approve", extra.status)
    if not extras_rules.payable(order.status, order.settled_at is not None):
        raise InvalidTransition(f"the order is {order.status}; its price differences can no longer be paid")
    if extra.status == PROPOSED:
        actions = [ExtraItem.status.set(APPROVED), ExtraItem.approved_at.set(iso(now))]
        actions += extras_store.index_unpaid(iso(now), order_id, extra_id)
        try:
            extra = _move(extra, order, actions, "customer", APPROVED, now, event="ExtraApproved")
        except InvalidTransition:  # a concurrent approval (a client's retry) won: pay that one
            extra = _found(order_id, extra_id)
            if extra.status != APPROVED:
                raise
    contact = identity.contact_for(customer_id)
    if contact is None:
        raise NotFound("no such customer")
    return payments.start_payment(
        order_id,
        total_fen=int(extra.amount_fen),
        description=f"{order.service['name']} 补差价",
        openid=contact.openid,
        now=now,
        wechat=payments.client_from_settings(),
        pay_deadline=now + timedelta(minutes=get_settings().extra_pay_minutes),
        part=extra.id,
    )


def reject(customer_id: str, order_id: str, extra_id: str, *, now: datetime) -> Extra:
    """The customer refuses the difference (until it is paid); the worker is told. Twice: the same answer."""
    order = owned_by_customer(store.get(order_id, consistent=True), customer_id)
    extra = _found(order_id, extra_id)
    if extra.status == REJECTED and extra.rejected_by == "customer":
        return to_extra(extra)
    extras_rules.move("reject", extra.status)
    actions = [
        ExtraItem.status.set(REJECTED),
        ExtraItem.rejected_at.set(iso(now)),
        ExtraItem.rejected_by.set("customer"),
        *extras_store.unindex_unpaid(),
    ]
    return to_extra(_move(extra, order, actions, "customer", REJECTED, now, event="ExtraRejected"))


def mark_paid(order_id: str, extra_id: str, *, paid_fen: int, transaction_id: str, now: datetime) -> bool:
    """Payments recorded the difference's payment: it is paid (once; the same notification again: True). False
    when it can no longer take the money (rejected, withdrawn, or its order cancelled or settled): payments
    refunds it from its own trade."""
    for _ in range(PAY_ATTEMPTS):
        extra = extras_store.get(order_id, extra_id)
        if extra is not None and extra.transaction_id == transaction_id:
            return True
        order = store.get(order_id, consistent=True)
        if extra is None or extra.status != APPROVED or order is None:
            return False
        if order.status == rules.CANCELLED or order.settled_at is not None:
            return False
        if paid_fen != int(extra.amount_fen):
            raise RuleViolation("the amount paid is not the price difference's", code="AMOUNT_MISMATCH")
        actions = [
            ExtraItem.status.set(PAID),
            ExtraItem.paid_at.set(iso(now)),
            ExtraItem.transaction_id.set(transaction_id),
            *extras_store.unindex_unpaid(),
        ]
        try:
            _move(extra, order, actions, "customer", PAID, now, event="ExtraPaid")
        except InvalidTransition:
            continue
        return True
    return False


def settle_cancelled(order: OrderItem, *, now: datetime) -> int:
    """A cancelled order's differences: the open ones are withdrawn (a later payment of one is refunded); the
    paid ones are refunded in full from their own trades when the cancellation refunds anything (an operator
    who cancels keeping every fen keeps these too). Safe to repeat. The fen asked back."""
    refunded = 0
    for extra in extras_store.of_order(order.id) if order.extra_count else []:
        if extra.status in OPEN:
            actions = [
                ExtraItem.status.set(REJECTED),
                ExtraItem.rejected_at.set(iso(now)),
                ExtraItem.rejected_by.set("system"),
                *extras_store.unindex_unpaid(),
            ]
            _move(extra, order, actions, "system", REJECTED, now, event="ExtraRejected", quiet=True)
        elif extra.status == PAID and int(order.refund_fen or 0) > 0:
            reason = "订单已取消，补差价原路退回"
            view = payments.refund_part(order.id, extra.id, reason, key=f"extra:{extra.id}", now=now)
            if view is None:  # payments holds nothing of it (never recorded): nothing to give back
                logger.error("paid price difference without its payment", extra={"order_id": order.id})
                continue
            actions = [
                ExtraItem.status.set(REFUNDED),
                ExtraItem.refunded_at.set(iso(now)),
                ExtraItem.out_refund_no.set(view.out_refund_no),
            ]
            _move(extra, order, actions, "system", REFUNDED, now, event="ExtraRefunded", quiet=True)
            refunded += int(extra.amount_fen)
    return refunded


def extras_of(order: OrderItem) -> list[Extra]:
    """An order's differences as its views list them, oldest first (no read when it has none)."""
    return [to_extra(e) for e in extras_store.of_order(order.id)] if order.extra_count else []


def unpaid_extras_due(before: datetime) -> list[UnpaidExtra]:
    """Differences the customer approved at or before ``before`` and has not paid, oldest first: one Query of
    a sparse index (only approved, unpaid ones are in it)."""
    return [
        UnpaidExtra(
            order_id=e.order_id,
            extra_id=e.id,
            amount_fen=int(e.amount_fen),
            approved_at=str(e.approved_at),
            customer_id=e.customer_id,
            worker_id=e.worker_id,
        )
        for e in extras_store.unpaid_before(iso(before))
    ]


def to_extra(item: ExtraItem) -> Extra:
    return Extra(
        id=item.id,
        items=[ExtraLine.model_validate(line) for line in item.items],
        amount_fen=int(item.amount_fen),
        reason=item.reason,
        status=item.status,  # type: ignore[arg-type]
        proposed_at=item.proposed_at,
        approved_at=item.approved_at,
        paid_at=item.paid_at,
        rejected_at=item.rejected_at,
        refunded_at=item.refunded_at,
    )


def _found(order_id: str, extra_id: str) -> ExtraItem:
    extra = extras_store.get(order_id, extra_id)
    if extra is None:
        raise NotFound("no such price difference")
    return extra


def _move(
    extra: ExtraItem,
    order: OrderItem,
    actions: list[Any],
    actor: str,
    to: str,
    now: datetime,
    *,
    event: str,
    quiet: bool = False,
) -> ExtraItem:
    """The difference's move to ``to`` with its timeline entry and event; ``InvalidTransition`` if it moved
    meanwhile (``quiet``: then leave it as it is now, for a repeated compensation)."""
    try:
        return extras_store.change(
            extra,
            extra.status,
            actions,
            order,
            _entry(order, extra, actor, to, now),
            announce=_announce(event, order, extra, actor, to, now),
        )
    except ExtraChanged as exc:
        if quiet:
            return extras_store.get(extra.order_id, extra.id) or extra
        raise InvalidTransition("the price difference changed meanwhile; reload it") from exc


def _entry(order: OrderItem, extra: ExtraItem, actor: str, to: str, now: datetime) -> store.TimelineEntry:
    note = f"price difference {extra.id} (¥{yuan(int(extra.amount_fen))}) {to}"
    return store.entry(iso(now), order.status, actor, note)


def _announce(
    event: str, order: OrderItem, extra: ExtraItem, actor: str, to: str, now: datetime
) -> Callable[[TransactWrite], None]:
    def announce(tx: TransactWrite) -> None:
        add_order_event(
            tx,
            event,
            order,
            actor=actor,
            note=extra.reason,
            now=now,
            cause=f"extra-{extra.id}-{to}",
            extra_id=extra.id,
            amount_fen=int(extra.amount_fen),
            reason=extra.reason,
        )

    return announce
