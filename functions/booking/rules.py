"""Pure decisions of booking: time rules, the transition table, the cancellation policy, the workflow's next step.

No I/O and no clock reads: every function takes ``now`` and the facts it decides on (DESIGN.md "Order lifecycle").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from common.errors import InvalidTransition, RuleViolation
from common.money import percent_of

Status = Literal["pending_payment", "pending_acceptance", "accepted", "in_service", "completed", "cancelled"]
PENDING_PAYMENT: Status = "pending_payment"  # 待付款
PENDING_ACCEPTANCE: Status = "pending_acceptance"  # 待接单
ACCEPTED: Status = "accepted"  # 已接单
IN_SERVICE: Status = "in_service"  # 服务中
COMPLETED: Status = "completed"  # 已完成
CANCELLED: Status = "cancelled"  # 已取消
STATUSES: tuple[Status, ...] = (
    PENDING_PAYMENT,
    PENDING_ACCEPTANCE,
    ACCEPTED,
    IN_SERVICE,
    COMPLETED,
    CANCELLED,
)
ACTIVE: frozenset[Status] = frozenset({PENDING_PAYMENT, PENDING_ACCEPTANCE, ACCEPTED, IN_SERVICE})

Actor = Literal["customer", "worker", "operator", "system"]
SLOT_MINUTES = 30  # bookable starts fall on 30-minute boundaries (API.md conventions)

# Every move of an order: from which statuses, to which. A move is applied by a conditional update from the
# status read, so two concurrent moves cannot both succeed.
TRANSITIONS: dict[str, tuple[frozenset[Status], Status]] = {
    "pay": (frozenset({PENDING_PAYMENT}), PENDING_ACCEPTANCE),
    "accept": (frozenset({PENDING_ACCEPTANCE}), ACCEPTED),
    "decline": (frozenset({PENDING_ACCEPTANCE}), PENDING_ACCEPTANCE),  # the worker steps back; re-dispatch
    "acceptance_timeout": (frozenset({PENDING_ACCEPTANCE}), PENDING_ACCEPTANCE),
    "dispatch": (frozenset({PENDING_ACCEPTANCE}), PENDING_ACCEPTANCE),  # the next best match is offered it
    "reassign": (frozenset({PENDING_ACCEPTANCE, ACCEPTED}), PENDING_ACCEPTANCE),  # the new worker must accept
    "no_show": (frozenset({ACCEPTED}), PENDING_ACCEPTANCE),
    "start": (frozenset({ACCEPTED}), IN_SERVICE),
    "complete": (frozenset({IN_SERVICE}), COMPLETED),
    "cancel": (frozenset({PENDING_PAYMENT, PENDING_ACCEPTANCE, ACCEPTED}), CANCELLED),  # customer
    "operator_cancel": (frozenset(ACTIVE), CANCELLED),
    "payment_timeout": (frozenset({PENDING_PAYMENT}), CANCELLED),
    "no_worker": (frozenset({PENDING_ACCEPTANCE}), CANCELLED),
    "abandon": (frozenset({PENDING_PAYMENT}), CANCELLED),  # its workflow could not start
    "balance_timeout": (frozenset({PENDING_ACCEPTANCE, ACCEPTED}), CANCELLED),  # an engagement's 尾款 unpaid
    "confirm": (frozenset({COMPLETED}), COMPLETED),  # 确认完成: the customer's or the automatic confirmation
}

# Progress inside a status (API.md "On-site service"): no new status values.
CONFIRMED = "confirmed"  # 已确认: the customer confirmed the completed order, or the system did after a while


def transition(move: str, status: str) -> Status:
    """The status ``move`` leads to from ``status``; ``InvalidTransition`` if the move is not allowed there."""
    sources, target = TRANSITIONS[move]
    if status not in sources:
        raise InvalidTransition(f"cannot {move.replace('_', ' ')} an order that is {status}")
    return target


# --- time rules ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeRules:
    min_notice: timedelta
    horizon: timedelta
    max_length: timedelta
    start_early: timedelta


def booking_end(start: datetime, units: int, unit_minutes: int, extra_minutes: int = 0) -> datetime:
    """A booking's end: start + units × the service's unit duration + its add-ons' minutes."""
    return start + timedelta(minutes=units * unit_minutes + extra_minutes)


def check_booking_time(
    start: datetime, end: datetime, *, now: datetime, tz: ZoneInfo, rules: TimeRules
) -> None:
    """A customer may book ``start``..``end``: a 30-minute start, with the minimum notice, within the horizon,
    not longer than one order may hold. ``RuleViolation`` says which rule is broken."""
    if start.tzinfo is None:
        raise RuleViolation("start needs a time zone offset", code="START_WITHOUT_OFFSET")
    local = start.astimezone(tz)
    if local.minute % SLOT_MINUTES or local.second or local.microsecond:
        raise RuleViolation("a booking starts on the hour or the half hour", code="START_NOT_ON_SLOT")
    if start < now + rules.min_notice:
        hours = rules.min_notice.total_seconds() / 3600
        raise RuleViolation(f"book at least {hours:g} hours ahead", code="TOO_SHORT_NOTICE")
    if start > now + rules.horizon:
        raise RuleViolation(f"book at most {rules.horizon.days} days ahead", code="BEYOND_HORIZON")
    if end - start > rules.max_length:
        hours = rules.max_length.total_seconds() / 3600
        raise RuleViolation(f"one order covers at most {hours:g} hours", code="BOOKING_TOO_LONG")


def check_can_start(start: datetime, *, now: datetime, rules: TimeRules) -> None:
    """A worker may start from ``start_early`` before the scheduled start."""
    if now < start - rules.start_early:
        minutes = int(rules.start_early.total_seconds() // 60)
        raise RuleViolation(f"the service can be started {minutes} minutes before its time", code="TOO_EARLY")


# --- cancellation policy -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CancelPolicy:
    fee_window: timedelta
    fee_percent: int


@dataclass(frozen=True)
class Refund:
    refund_fen: int
    fee_fen: int  # kept from the customer, to the worker


def customer_cancellation(
    status: str, start: datetime, paid_fen: int, *, now: datetime, policy: CancelPolicy
) -> Refund:
    """What a customer's cancellation refunds (DESIGN.md): everything before acceptance, and after acceptance
    while more than the fee window is left before the start; inside that window a fee goes to the worker;
    after the start only an operator may cancel."""
    if status == IN_SERVICE:
        raise InvalidTransition("the service has started; ask customer service to cancel it")
    transition("cancel", status)
    if status == ACCEPTED and start - now <= policy.fee_window:
        fee = percent_of(paid_fen, policy.fee_percent)
        return Refund(refund_fen=paid_fen - fee, fee_fen=fee)
    return Refund(refund_fen=paid_fen, fee_fen=0)


def operator_cancellation(status: str, paid_fen: int, refund_fen: int | None) -> Refund:
    """An operator cancels in any active state and chooses the refund (default: all that was paid)."""
    transition("operator_cancel", status)
    amount = paid_fen if refund_fen is None else refund_fen
    if amount > paid_fen:
        raise RuleViolation(f"at most {paid_fen} fen was paid", code="REFUND_TOO_LARGE")
    return Refund(refund_fen=amount, fee_fen=0)


# --- the workflow's next step --------------------------------------------------------------------------------

Step = Literal[
    "await_payment",
    "await_acceptance",
    "dispatch",
    "await_start",
    "await_completion",
    "dispute_window",
    "compensate",
    "done",
    "await_balance",
    "await_confirmation",
]
# Which wait each arming stage belongs to: a wait is armed only while the order is still in that step.
STAGE_STEP: dict[str, Step] = {
    "payment": "await_payment",
    "acceptance": "await_acceptance",
    "start": "await_start",
    "completion": "await_completion",
    "balance": "await_balance",  # an engagement's 尾款, after acceptance
    "confirmation": "await_confirmation",  # a completed order, until the customer confirms (or it times out)
}


def next_step(
    status: str,
    worker_id: str | None,
    settled: bool,
    balance_unpaid: bool = False,
    confirmed: bool = False,
) -> Step:
    """What the order's workflow does next, read from the order alone (so a late, duplicate or lost callback
    never leads it astray: it always re-reads the order and continues from what is true). An accepted
    engagement whose balance is unpaid waits for the balance before its start; a completed order waits for
    its confirmation, and the dispute window runs from there."""
    if status == PENDING_PAYMENT:
        return "await_payment"
    if status == PENDING_ACCEPTANCE:
        return "await_acceptance" if worker_id else "dispatch"
    if status == ACCEPTED:
        return "await_balance" if balance_unpaid else "await_start"
    if status == IN_SERVICE:
        return "await_completion"
    if status == COMPLETED:
        if settled:
            return "done"
        return "dispute_window" if confirmed else "await_confirmation"
    if status == CANCELLED:
        return "compensate"
    raise ValueError(f"unknown order status {status!r}")


def wait_seconds(until: datetime, *, now: datetime, cap_seconds: int) -> int:
    """Seconds from ``now`` to ``until``: at least 1 (a timeout must be positive), at most the cap if one is set."""
    seconds = max(1, int((until - now).total_seconds()))
    return min(seconds, cap_seconds) if cap_seconds > 0 else seconds


def dispatch_exhausted(tried: int, max_tries: int) -> bool:
    """Every worker the order may be offered to has had it."""
    return tried >= max_tries
