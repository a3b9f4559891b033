"""The double-entry ledger's language (pure: no I/O, no clock).

Every movement of money is one ``LedgerTransaction`` whose entries sum to zero, so the sum over all accounts is
always zero. Balances are signed integer fen; an account's balance is the sum of its entries.

Accounts (``order:`` and ``worker:`` accounts are per order / per worker, the others are company-wide):

| account | holds |
| --- | --- |
| ``customer_payments`` | money received from customers through WeChat Pay; negative (the source), sharded |
| ``order:{id}`` | a paid order's money held until settlement (托管) |
| ``order:{id}:refunding`` | refunds asked of WeChat Pay whose outcome has not arrived yet |
| ``refunds`` | money returned to customers, sharded |
| ``platform_revenue`` | the platform's commission, sharded |
| ``platform_promotions`` | what the platform pays for discounts (member price, coupons, points): negative (a source), sharded |
| ``worker:{id}:pending`` | a worker's expected earnings of completed orders still in the dispute window (待结算) |
| ``worker:{id}:available`` | settled earnings the worker may withdraw (可提现) |
| ``worker:{id}:withdrawing`` | withdrawals requested, awaiting an operator (提现中) |
| ``worker:{id}:withdrawn`` | withdrawals paid out to the worker (已提现) |

Company-wide accounts are touched by every order, so they are sharded by a suffix (DESIGN.md "Scale"):
a transaction writes to one shard chosen by its id and readers sum all shards.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from common.money import fen, percent_of
from pydantic import BaseModel, ConfigDict, StrictInt, model_validator

CUSTOMER_PAYMENTS = "customer_payments"
REFUNDS = "refunds"
PLATFORM_REVENUE = "platform_revenue"
PLATFORM_PROMOTIONS = "platform_promotions"
SHARDED = frozenset({CUSTOMER_PAYMENTS, REFUNDS, PLATFORM_REVENUE, PLATFORM_PROMOTIONS})
# Only the sources of money (the customers' payments, the platform's own money for discounts) may go below zero;
# every other debit is conditioned on the balance covering it.
MAY_GO_NEGATIVE = frozenset({CUSTOMER_PAYMENTS, PLATFORM_PROMOTIONS})

WorkerAccount = Literal["pending", "available", "withdrawing", "withdrawn"]
WORKER_ACCOUNTS: tuple[WorkerAccount, ...] = ("pending", "available", "withdrawing", "withdrawn")
_ID = re.compile(r"^[0-9A-Za-z_\-]{1,64}$")
_TX_ID = re.compile(r"^[0-9A-Za-z_\-:|*@.]{1,160}$")


def order_account(order_id: str) -> str:
    return f"order:{_checked(order_id)}"


def refunding_account(order_id: str) -> str:
    return f"order:{_checked(order_id)}:refunding"


def worker_account(worker_id: str, which: WorkerAccount) -> str:
    return f"worker:{_checked(worker_id)}:{which}"


def worker_of(account: str) -> tuple[str, str] | None:
    """``worker:{id}:{which}`` → (id, which); None for any other account."""
    parts = account.split(":")
    return (parts[1], parts[2]) if len(parts) == 3 and parts[0] == "worker" else None


def _checked(entity_id: str) -> str:
    if not _ID.match(entity_id):
        raise ValueError(f"not an id usable in an account name: {entity_id!r}")
    return entity_id


def shard_of(tx_id: str, shards: int) -> int:
    """The shard a transaction writes a sharded account to: stable for the id, spread evenly."""
    return zlib.crc32(tx_id.encode()) % shards


def physical_account(account: str, tx_id: str, shards: int) -> str:
    """Where ``tx_id`` writes ``account``: ``platform_revenue#3`` for a sharded account, else the account."""
    return f"{account}#{shard_of(tx_id, shards)}" if account in SHARDED else account


def physical_accounts(account: str, shards: int) -> list[str]:
    """Everything a reader must sum to get ``account``'s balance."""
    return [f"{account}#{n}" for n in range(shards)] if account in SHARDED else [account]


def logical_account(physical: str) -> str:
    name, _, shard = physical.rpartition("#")
    return name if name in SHARDED and shard.isdigit() else physical


class Entry(BaseModel):
    model_config = ConfigDict(frozen=True)
    account: str
    amount_fen: StrictInt  # signed: + into the account, − out of it


class LedgerTransaction(BaseModel):
    """One balanced movement. ``id`` is derived from its cause (``pay:{out_trade_no}``, ``settle:{order}``…), so
    the same cause can never be posted twice."""

    model_config = ConfigDict(frozen=True)
    id: str
    kind: str
    at: datetime
    entries: tuple[Entry, ...]
    order_id: str | None = None
    worker_id: str | None = None
    withdrawal_id: str | None = None
    memo: str | None = None

    @model_validator(mode="after")
    def _balanced(self) -> LedgerTransaction:
        if not _TX_ID.match(self.id):
            raise ValueError(f"bad transaction id {self.id!r}")
        if self.at.tzinfo is None:
            raise ValueError("the time of a transaction must be timezone-aware")
        accounts = [e.account for e in self.entries]
        if len(accounts) < 2 or len(set(accounts)) != len(accounts):
            raise ValueError("a transaction moves money between at least two distinct accounts")
        if any(e.amount_fen == 0 for e in self.entries):
            raise ValueError("an entry of zero is not a movement")
        if sum(e.amount_fen for e in self.entries) != 0:
            raise ValueError(
                f"unbalanced transaction {self.id}: entries sum to {sum(e.amount_fen for e in self.entries)}"
            )
        return self


def transaction(
    tx_id: str, kind: str, at: datetime, movements: list[tuple[str, int]], **refs: str | None
) -> LedgerTransaction:
    """Build a transaction from (account, amount) movements: amounts on the same account are merged and zero
    movements dropped, so callers can state a rule plainly (``held −x, pending −y``) without special cases."""
    merged: dict[str, int] = {}
    for account, amount in movements:
        fen(amount, minimum=None, what=f"the movement on {account}")
        merged[account] = merged.get(account, 0) + amount
    entries = tuple(Entry(account=a, amount_fen=v) for a, v in merged.items() if v != 0)
    return LedgerTransaction(id=tx_id, kind=kind, at=at, entries=entries, **refs)


# -- the movements of the business ----------------------------------------------------------------------------


def customer_payment(order_id: str, amount_fen: int, *, out_trade_no: str, at: datetime) -> LedgerTransaction:
    """A verified payment: the customer's money is held for the order."""
    return transaction(
        f"pay:{out_trade_no}",
        "customer_payment",
        at,
        [(CUSTOMER_PAYMENTS, -amount_fen), (order_account(order_id), amount_fen)],
        order_id=order_id,
    )


def refund_requested(
    order_id: str,
    out_refund_no: str,
    *,
    from_held_fen: int,
    from_pending_fen: int,
    worker_id: str | None,
    at: datetime,
) -> LedgerTransaction:
    """A refund asked of WeChat Pay: set aside from the order's held money (and, after completion, from the
    worker's pending earning of this order) until WeChat Pay reports the outcome."""
    amount = from_held_fen + from_pending_fen
    moves = [(order_account(order_id), -from_held_fen), (refunding_account(order_id), amount)]
    if from_pending_fen:
        assert worker_id is not None, "a refund from pending earnings needs the worker"
        moves.append((worker_account(worker_id, "pending"), -from_pending_fen))
    return transaction(
        f"refund:{out_refund_no}", "refund_requested", at, moves, order_id=order_id, worker_id=worker_id
    )


def refund_succeeded(
    order_id: str, out_refund_no: str, amount_fen: int, *, at: datetime
) -> LedgerTransaction:
    """WeChat Pay returned the money to the customer."""
    return transaction(
        f"refund-done:{out_refund_no}",
        "customer_refund",
        at,
        [(refunding_account(order_id), -amount_fen), (REFUNDS, amount_fen)],
        order_id=order_id,
    )


def refund_closed(
    order_id: str,
    out_refund_no: str,
    *,
    from_held_fen: int,
    from_pending_fen: int,
    worker_id: str | None,
    at: datetime,
) -> LedgerTransaction:
    """WeChat Pay closed the refund without paying it: the money goes back where it was set aside from."""
    moves = [
        (refunding_account(order_id), -(from_held_fen + from_pending_fen)),
        (order_account(order_id), from_held_fen),
    ]
    if from_pending_fen:
        assert worker_id is not None
        moves.append((worker_account(worker_id, "pending"), from_pending_fen))
    return transaction(
        f"refund-done:{out_refund_no}", "refund_closed", at, moves, order_id=order_id, worker_id=worker_id
    )


@dataclass(frozen=True)
class Split:
    """How a settled order's remaining money divides. ``worker_fen`` includes a late-cancellation fee."""

    commission_fen: int
    worker_fen: int
    late_cancellation_fee_fen: int = 0


def split_earning(
    paid_fen: int, refunded_fen: int, commission_percent: int, late_cancellation_fee_fen: int = 0
) -> Split:
    """Worker earning = paid total − refunds − platform commission (DESIGN.md "Money").

    The commission is ``commission_percent`` (the order's snapshot) of what remains after refunds, rounded half up
    to a whole fen. A late-cancellation fee (part of what remains, kept when the customer cancelled late) goes to
    the worker whole, without commission, as the cancellation policy promises the fee to the worker."""
    for name, value in (
        ("paid_fen", paid_fen),
        ("refunded_fen", refunded_fen),
        ("commission_percent", commission_percent),
        ("late_cancellation_fee_fen", late_cancellation_fee_fen),
    ):
        fen(value, what=name)
    remaining = paid_fen - refunded_fen
    if remaining < 0 or late_cancellation_fee_fen > remaining or commission_percent > 100:
        raise ValueError("refunds exceed the payment, or the fee exceeds what remains")
    commission = percent_of(remaining - late_cancellation_fee_fen, commission_percent)
    return Split(commission, remaining - commission, late_cancellation_fee_fen)


def promotion_subsidy(order_id: str, amount_fen: int, *, at: datetime) -> LedgerTransaction:
    """The platform bears an order's discounts (DESIGN.md "Marketing"): at settlement it puts the discount on
    what remains of the order into the order's held money, so the worker's earning and the commission are
    computed on the undiscounted price."""
    return transaction(
        f"subsidy:{order_id}",
        "promotion_subsidy",
        at,
        [(PLATFORM_PROMOTIONS, -amount_fen), (order_account(order_id), amount_fen)],
        order_id=order_id,
    )


def subsidy_for(discount_fen: int, paid_fen: int, refunded_fen: int) -> int:
    """The platform's share of a settled order's discount: all of it when nothing was refunded, in proportion
    to what remains after refunds otherwise (a fully refunded order gets none), rounded down."""
    if discount_fen <= 0 or paid_fen <= 0 or refunded_fen >= paid_fen:
        return 0
    return discount_fen * (paid_fen - refunded_fen) // paid_fen


def earning_accrued(
    order_id: str, worker_id: str, expected_worker_fen: int, *, at: datetime
) -> LedgerTransaction:
    """An order completed: the worker's expected share moves to their pending earnings for the dispute window."""
    return transaction(
        f"accrue:{order_id}",
        "earning_pending",
        at,
        [
            (order_account(order_id), -expected_worker_fen),
            (worker_account(worker_id, "pending"), expected_worker_fen),
        ],
        order_id=order_id,
        worker_id=worker_id,
    )


def shares_by_days(worker_fen: int, worker_days: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A worker earning divided by days served (an engagement whose worker was replaced): each worker's share
    rounded down, the last worker's taking what rounding left, so the shares sum to ``worker_fen``."""
    total_days = sum(d for _, d in worker_days)
    if total_days <= 0:
        raise ValueError("no days served")
    shares = [(w, worker_fen * d // total_days) for w, d in worker_days]
    last, share = shares[-1]
    shares[-1] = (last, share + worker_fen - sum(v for _, v in shares))
    return shares


def settlement(
    order_id: str,
    worker_id: str,
    split: Split,
    *,
    held_fen: int,
    pending_fen: int,
    at: datetime,
    shares: list[tuple[str, int]] | None = None,
) -> LedgerTransaction:
    """After the dispute window: everything still held for the order and the worker's pending earning of it become
    the platform's commission and the worker's available earning (or, with ``shares``, each worker's share of
    it: an engagement's workers by days served)."""
    if held_fen + pending_fen != split.commission_fen + split.worker_fen:
        raise ValueError("what is held for the order does not match the split")
    shares = shares or [(worker_id, split.worker_fen)]
    if sum(v for _, v in shares) != split.worker_fen:
        raise ValueError("the workers' shares do not add up to the worker earning")
    return transaction(
        f"settle:{order_id}",
        "settlement",
        at,
        [
            (order_account(order_id), -held_fen),
            (worker_account(worker_id, "pending"), -pending_fen),
            (PLATFORM_REVENUE, split.commission_fen),
            *[(worker_account(w, "available"), v) for w, v in shares],
        ],
        order_id=order_id,
        worker_id=worker_id,
        memo=f"late cancellation fee {split.late_cancellation_fee_fen}"
        if split.late_cancellation_fee_fen
        else None,
    )


def withdrawal_requested(
    worker_id: str, withdrawal_id: str, amount_fen: int, *, at: datetime
) -> LedgerTransaction:
    return transaction(
        f"wd:{withdrawal_id}",
        "withdrawal_requested",
        at,
        [
            (worker_account(worker_id, "available"), -amount_fen),
            (worker_account(worker_id, "withdrawing"), amount_fen),
        ],
        worker_id=worker_id,
        withdrawal_id=withdrawal_id,
    )


def withdrawal_decided(
    worker_id: str, withdrawal_id: str, amount_fen: int, *, paid: bool, at: datetime
) -> LedgerTransaction:
    """An operator paid the withdrawal out, or rejected it and the money returns to the available balance."""
    target = worker_account(worker_id, "withdrawn" if paid else "available")
    return transaction(
        f"wd-done:{withdrawal_id}",
        "withdrawal_paid" if paid else "withdrawal_rejected",
        at,
        [(worker_account(worker_id, "withdrawing"), -amount_fen), (target, amount_fen)],
        worker_id=worker_id,
        withdrawal_id=withdrawal_id,
    )
