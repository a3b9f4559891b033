"""Pure decisions about on-site price differences (补差价): when a worker may propose one, what it may ask for,
and the moves of a difference. No I/O and no clock reads.

A difference moves ``proposed`` → ``approved`` (the customer agreed; it waits for payment) → ``paid`` →
``refunded``; the customer may reject it (``rejected``) until it is paid; a cancelled order withdraws the open ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from common.errors import Conflict, InvalidTransition, RuleViolation

from functions.booking import rules

PROPOSED, APPROVED, PAID, REJECTED, REFUNDED = "proposed", "approved", "paid", "rejected", "refunded"
OPEN = frozenset({PROPOSED, APPROVED})  # not yet paid: the customer may still reject it

# Every move of a difference: from which statuses, to which (applied by a conditional write from the status read).
MOVES: dict[str, tuple[frozenset[str], str]] = {
    "approve": (frozenset({PROPOSED}), APPROVED),
    "reject": (OPEN, REJECTED),
    "withdraw": (OPEN, REJECTED),  # the order was cancelled before it was paid
    "pay": (frozenset({APPROVED}), PAID),
    "refund": (frozenset({PAID}), REFUNDED),
}
# A difference is proposed while the service is under way, and paid while the order is not settled.
PROPOSE_STATUSES = frozenset({rules.IN_SERVICE})
PAYABLE_STATUSES = frozenset({rules.IN_SERVICE, rules.COMPLETED})


@dataclass(frozen=True)
class Limits:
    """``settings.extra_max_amount_fen``, ``extra_max_items``, ``extra_max_per_order``."""

    max_amount_fen: int
    max_items: int
    max_per_order: int


def extra_id(number: int) -> str:
    """The id of an order's ``number``-th difference (1-based): ``x01`` …; its trade is ``{order}-x01``, within
    WeChat Pay's 32 characters."""
    return f"x{number:02d}"


def check_proposal(order_status: str, amounts: list[int], *, existing: int, limits: Limits) -> int:
    """The total of a proposed difference of ``amounts`` (each a positive integer fen), when the order has
    ``existing`` differences. ``InvalidTransition`` (409) unless the service is under way; ``RuleViolation``
    (422) ``TOO_MANY_ITEMS``, ``EXTRA_TOO_LARGE`` or ``TOO_MANY_EXTRAS`` past a limit."""
    if order_status not in PROPOSE_STATUSES:
        raise InvalidTransition(
            f"the order is {order_status}; a price difference is proposed during the service"
        )
    if not amounts or any(type(a) is not int or a < 1 for a in amounts):
        raise RuleViolation("every line needs a positive amount in fen", code="INVALID_AMOUNT")
    if len(amounts) > limits.max_items:
        raise RuleViolation(f"at most {limits.max_items} lines per price difference", code="TOO_MANY_ITEMS")
    total = sum(amounts)
    if total > limits.max_amount_fen:
        raise RuleViolation(
            f"a price difference is at most {limits.max_amount_fen} fen", code="EXTRA_TOO_LARGE"
        )
    if existing >= limits.max_per_order:
        raise RuleViolation(
            f"at most {limits.max_per_order} price differences per order", code="TOO_MANY_EXTRAS"
        )
    return total


def move(name: str, status: str) -> str:
    """The status the move ``name`` leads to from ``status``. A paid difference cannot be approved again
    (``Conflict`` ALREADY_PAID); any other move from the wrong status is ``InvalidTransition`` (409)."""
    sources, target = MOVES[name]
    if status in sources:
        return target
    if name == "approve" and status in (PAID, REFUNDED):
        raise Conflict("this price difference is paid already", code="ALREADY_PAID")
    raise InvalidTransition(f"the price difference is {status}; it cannot be {target} now")


def payable(order_status: str, settled: bool) -> bool:
    """Whether the order can still take a difference's payment (the money joins the order's settlement)."""
    return order_status in PAYABLE_STATUSES and not settled
