"""An engagement's two payments: the deposit (定金), paid like any order's payment (it moves the order from
pending_payment on), and the balance (尾款), due ``engagement_balance_due_hours`` before the first day.

The balance is its own WeChat Pay trade (payments' ``{order}-b``). Its payment adds to what the order has paid and
may refund, bumps the order's version (so a balance wait that times out after it changes nothing) and wakes the
workflow's wait; the workflow waits for it after acceptance and cancels by the cancellation policy when it is not
paid in time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from common.clock import iso
from common.errors import InvalidTransition, NotAnEngagement, NothingDue, RuleViolation

from functions.booking import rules, store, workflow
from functions.booking.order_events import add_order_event
from functions.booking.store import OrderItem

Part = Literal["deposit", "balance"]
BALANCE_STATUSES = frozenset({rules.PENDING_ACCEPTANCE, rules.ACCEPTED})  # when the balance may be paid


@dataclass(frozen=True)
class Due:
    """A payment due of an order: which trade (``None``: the order's first), how much, by when."""

    part: str | None
    amount_fen: int
    deadline: datetime


def balance_unpaid(item: OrderItem) -> bool:
    """An engagement whose balance is still to be paid."""
    e = item.engagement
    return bool(e) and int(e.get("balance_fen") or 0) > 0 and not int(e.get("balance_paid_fen") or 0)


def due(item: OrderItem, part: Part | None) -> Due:
    """What ``POST /pay`` takes: for an hourly order its total (``part`` left out); for an engagement the
    deposit while pending payment, then the balance (``part`` left out: what is due next). ``NotAnEngagement``
    (422) for a part of an hourly order; ``NothingDue`` (409) when that part cannot be paid now."""
    e = item.engagement
    if not e:
        if part is not None:
            raise NotAnEngagement("an hourly order is paid in one payment; leave out part")
        return _first(item, int(item.price["total_fen"]))
    wanted = part or ("deposit" if item.status == rules.PENDING_PAYMENT else "balance")
    if wanted == "deposit":
        return _first(item, int(e["deposit_fen"]))
    if item.status not in BALANCE_STATUSES or not balance_unpaid(item):
        if item.status == rules.PENDING_PAYMENT:
            raise NothingDue("pay the deposit (定金) first")
        raise NothingDue(f"the order is {item.status}; its balance is not due")
    return Due("balance", int(e["balance_fen"]), datetime.fromisoformat(e["balance_due"]))


def _first(item: OrderItem, amount: int) -> Due:
    if item.status != rules.PENDING_PAYMENT:
        raise InvalidTransition(f"the order is {item.status}, not waiting for payment")
    return Due(None, amount, datetime.fromisoformat(item.pay_deadline))


def first_payment_fen(item: OrderItem) -> int:
    """What the order's first payment must be: an engagement's deposit, else the total."""
    return int(item.engagement["deposit_fen"]) if item.engagement else int(item.price["total_fen"])


def mark_balance_paid(item: OrderItem, *, paid_fen: int, transaction_id: str, now: datetime) -> bool:
    """Payments saw the balance paid: the order has paid it (and may refund it), the workflow's wait wakes.
    False when the order can no longer take it (cancelled or completed: payments refunds it). Twice is harmless.
    ``InvalidTransition`` when the order moved meanwhile (the caller reads it again)."""
    e = dict(item.engagement or {})
    if e.get("balance_transaction_id") == transaction_id:
        return True
    if item.status not in BALANCE_STATUSES or not balance_unpaid(item):
        return False
    if paid_fen != int(e["balance_fen"]):
        raise RuleViolation("the amount paid is not the order's balance", code="AMOUNT_MISMATCH")
    e.update(balance_paid_fen=paid_fen, balance_transaction_id=transaction_id, balance_paid_at=iso(now))
    entry = store.entry(iso(now), item.status, "customer", "balance (尾款) paid")
    actions: list[Any] = [
        OrderItem.engagement.set(e),
        OrderItem.paid_fen.add(paid_fen),
        OrderItem.refundable_fen.add(paid_fen),
        OrderItem.version.add(1),
        OrderItem.timeline.set(OrderItem.timeline.append([entry])),
    ]

    def announce(tx: Any) -> None:
        note = "balance paid"
        add_order_event(tx, "OrderBalancePaid", item, actor="customer", note=note, now=now, paid_fen=paid_fen)

    item = store.apply(item, actions, store.expected(item), also=announce)
    workflow.resume(item.task_token, item.id)
    return True
