"""On-site price differences (补差价): when one may be proposed, what it may ask for, its moves, and the trade
numbers that carry its payment."""

from __future__ import annotations

import pytest
from common.errors import Conflict, InvalidTransition, RuleViolation

from functions.booking import extras_rules
from functions.booking.extras_rules import Limits, check_proposal, move
from functions.payments.store import order_of_trade, trade_no

LIMITS = Limits(max_amount_fen=10_000, max_items=3, max_per_order=2)
ORDER = "01kb0000000000000000000000"


def test_a_difference_is_proposed_only_while_the_service_is_under_way() -> None:
    assert check_proposal("in_service", [500, 700], existing=0, limits=LIMITS) == 1200
    for status in ("pending_payment", "pending_acceptance", "accepted", "completed", "cancelled"):
        with pytest.raises(InvalidTransition):
            check_proposal(status, [500], existing=0, limits=LIMITS)


@pytest.mark.parametrize(
    ("amounts", "existing", "code"),
    [
        ([], 0, "INVALID_AMOUNT"),
        ([0], 0, "INVALID_AMOUNT"),
        ([-5], 0, "INVALID_AMOUNT"),
        ([1, 1, 1, 1], 0, "TOO_MANY_ITEMS"),
        ([6000, 4001], 0, "EXTRA_TOO_LARGE"),
        ([100], 2, "TOO_MANY_EXTRAS"),
    ],
)
def test_a_difference_past_a_limit_is_refused(amounts: list[int], existing: int, code: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        check_proposal("in_service", amounts, existing=existing, limits=LIMITS)
    assert refused.value.code == code


def test_the_cap_itself_is_allowed() -> None:
    assert check_proposal("in_service", [6000, 4000], existing=1, limits=LIMITS) == 10_000


def test_a_difference_moves_forward_only_and_a_paid_one_cannot_be_approved_again() -> None:
    assert move("approve", "proposed") == "approved"
    assert move("reject", "proposed") == move("reject", "approved") == "rejected"
    assert move("pay", "approved") == "paid"
    assert move("refund", "paid") == "refunded"
    with pytest.raises(Conflict) as paid:
        move("approve", "paid")
    assert paid.value.code == "ALREADY_PAID"
    for name, status in (
        ("approve", "rejected"),
        ("reject", "paid"),
        ("pay", "proposed"),
        ("refund", "approved"),
    ):
        with pytest.raises(InvalidTransition):
            move(name, status)


def test_a_difference_is_paid_while_its_order_is_in_service_or_completed_and_not_settled() -> None:
    assert extras_rules.payable("in_service", settled=False)
    assert extras_rules.payable("completed", settled=False)
    assert not extras_rules.payable("completed", settled=True)
    assert not extras_rules.payable("cancelled", settled=False)


def test_each_difference_is_its_own_trade_within_wechat_pays_32_characters() -> None:
    number = trade_no(ORDER, extras_rules.extra_id(99))
    assert number == f"{ORDER}-x99" and len(number) <= 32
    assert order_of_trade(number) == (ORDER, "x99")
    assert order_of_trade(trade_no(ORDER, "balance")) == (ORDER, "balance")
    assert trade_no(ORDER, "balance") == f"{ORDER}-b"
    assert order_of_trade(trade_no(ORDER, None)) == (ORDER, None)
