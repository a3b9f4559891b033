"""The ledger's pure rules: balanced transactions, integer fen, the settlement split, sharding."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from functions.payments import ledger
from functions.payments.ledger import Split, split_earning

AT = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_worker_earning_is_paid_total_minus_refunds_minus_commission() -> None:
    assert split_earning(10000, 0, 20) == Split(commission_fen=2000, worker_fen=8000)
    assert split_earning(10000, 3000, 20) == Split(commission_fen=1400, worker_fen=5600)
    assert split_earning(10000, 10000, 20) == Split(commission_fen=0, worker_fen=0)


def test_commission_rounds_half_up_to_a_whole_fen_and_nothing_is_lost() -> None:
    split = split_earning(12345, 0, 15)  # 1851.75 → 1852
    assert split.commission_fen == 1852 and split.commission_fen + split.worker_fen == 12345


def test_a_late_cancellation_fee_goes_to_the_worker_whole() -> None:
    # Paid 10000, cancelled within 2 h of the start: 8000 refunded, the 2000 fee is the worker's.
    assert split_earning(10000, 8000, 20, late_cancellation_fee_fen=2000) == Split(0, 2000, 2000)


@pytest.mark.parametrize(
    "args",
    [(100.0, 0, 20), (10000, 0.5, 20), (10000, 0, 20.0), (True, 0, 20), (10000, -1, 20)],
)
def test_amounts_that_are_not_integer_fen_are_refused(args: tuple) -> None:
    with pytest.raises(TypeError):
        split_earning(*args)


def test_refunds_beyond_the_payment_cannot_be_split() -> None:
    with pytest.raises(ValueError):
        split_earning(10000, 10001, 20)
    with pytest.raises(ValueError):
        split_earning(10000, 9000, 20, late_cancellation_fee_fen=2000)


def test_every_movement_of_the_business_balances() -> None:
    split = split_earning(10000, 3000, 20)
    txs = [
        ledger.customer_payment("o1", 10000, out_trade_no="o1", at=AT),
        ledger.refund_requested("o1", "r1", from_held_fen=600, from_pending_fen=2400, worker_id="w1", at=AT),
        ledger.refund_succeeded("o1", "r1", 3000, at=AT),
        ledger.refund_closed("o1", "r2", from_held_fen=100, from_pending_fen=0, worker_id=None, at=AT),
        ledger.earning_accrued("o1", "w1", 8000, at=AT),
        ledger.settlement("o1", "w1", split, held_fen=1400, pending_fen=5600, at=AT),
        ledger.withdrawal_requested("w1", "wd1", 5000, at=AT),
        ledger.withdrawal_decided("w1", "wd1", 5000, paid=True, at=AT),
        ledger.withdrawal_decided("w1", "wd2", 5000, paid=False, at=AT),
    ]
    for tx in txs:
        assert sum(e.amount_fen for e in tx.entries) == 0
        assert all(type(e.amount_fen) is int for e in tx.entries)


def test_an_unbalanced_or_fractional_transaction_cannot_be_built() -> None:
    with pytest.raises(ValidationError, match="unbalanced"):
        ledger.transaction("t1", "x", AT, [("a", 100), ("b", -99)])
    with pytest.raises(TypeError):
        ledger.transaction("t2", "x", AT, [("a", 1.5), ("b", -1.5)])  # type: ignore[list-item]
    with pytest.raises(ValidationError):
        ledger.transaction("t3", "x", datetime(2026, 1, 1), [("a", 1), ("b", -1)])


def test_a_settlement_must_divide_exactly_what_is_held() -> None:
    with pytest.raises(ValueError):
        ledger.settlement("o1", "w1", Split(2000, 8000), held_fen=9999, pending_fen=0, at=AT)


def test_hot_accounts_are_sharded_stably_and_per_order_accounts_are_not() -> None:
    first = ledger.physical_account(ledger.PLATFORM_REVENUE, "settle:o1", 8)
    assert first == ledger.physical_account(ledger.PLATFORM_REVENUE, "settle:o1", 8)
    assert first.startswith("platform_revenue#") and ledger.logical_account(first) == "platform_revenue"
    shards = {ledger.physical_account(ledger.PLATFORM_REVENUE, f"settle:o{n}", 8) for n in range(200)}
    assert len(shards) == 8
    assert ledger.physical_account("order:o1", "pay:o1", 8) == "order:o1"
    assert ledger.physical_accounts(ledger.CUSTOMER_PAYMENTS, 4) == [
        f"customer_payments#{n}" for n in range(4)
    ]
