"""The ledger's items in the one table (docs/access-patterns.md "payments"):

- transaction guard: ``LEDGERTX#{tx id} / TX``       written with ``attribute_not_exists``: a cause posts once
- balance:           ``LEDGER#{account} / BALANCE``  a counter updated with ADD; GSI1 ``LEDGERACCOUNTS#{n}`` →
                                                     account registers it, so every balance can be read by Query
- entry:             ``LEDGER#{account} / {ts}#{tx}``; worker accounts' entries also on GSI2
                                                     ``WORKERLEDGER#{worker}`` → ``{ts}#{tx}#{which}``

``post`` writes a transaction — guard, balance counters, entries — and whatever the caller passes in ``also``
(the item that caused it: a payment marked paid, a withdrawal created …) in one TransactWriteItems, so money
moves exactly when its cause is recorded, and never twice.
"""

from __future__ import annotations

import json
import random
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any, Literal

from common.clock import iso
from common.db import Item, connection
from common.errors import Conflict, RuleViolation
from common.pagination import StorePage
from common.settings import get_settings
from common.table import GSI1, GSI2
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from functions.payments.ledger import (
    MAY_GO_NEGATIVE,
    LedgerTransaction,
    logical_account,
    physical_account,
    physical_accounts,
    worker_of,
)

REGISTRY_PARTITIONS = 16  # the account registry is spread too, so no single index key takes every new account
_ATTEMPTS = 3


class LedgerTxItem(Item):
    kind = UnicodeAttribute()
    at = UnicodeAttribute()
    entries = UnicodeAttribute()  # JSON [[account, amount], …]: the whole transaction, for audits
    order_id = UnicodeAttribute(null=True)
    worker_id = UnicodeAttribute(null=True)
    withdrawal_id = UnicodeAttribute(null=True)


class LedgerBalanceItem(Item):
    account = UnicodeAttribute(null=True)
    balance = NumberAttribute(null=True)
    registry = GSI1()


class LedgerEntryItem(Item):
    tx_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    account = UnicodeAttribute()  # the logical account (without shard suffix)
    amount_fen = NumberAttribute()
    at = UnicodeAttribute()
    order_id = UnicodeAttribute(null=True)
    worker_id = UnicodeAttribute(null=True)
    withdrawal_id = UnicodeAttribute(null=True)
    memo = UnicodeAttribute(null=True)
    by_worker = GSI2()


@dataclass(frozen=True)
class Write:
    """One more item in a ledger transaction: ``op`` is save, update, delete or check (a condition only)."""

    label: str
    op: Literal["save", "update", "delete", "check"]
    model: Any
    actions: tuple[Any, ...] = ()
    condition: Any = None


class Refused(Exception):
    """A caller's item in the transaction failed its condition (``labels`` says which)."""

    def __init__(self, labels: list[str]) -> None:
        super().__init__(f"refused: {', '.join(labels)}")
        self.labels = labels


def _sortable(tx: LedgerTransaction) -> str:
    return tx.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _registry_key(physical: str) -> str:
    return f"LEDGERACCOUNTS#{zlib.crc32(physical.encode()) % REGISTRY_PARTITIONS}"


def post(tx: LedgerTransaction, *, also: Sequence[Write] = ()) -> bool:
    """Write ``tx`` and the caller's items atomically. True if written now; False if this transaction id was
    already posted (a duplicate cause: nothing is written, whatever ``also`` holds).

    Raises ``RuleViolation`` (INSUFFICIENT_BALANCE) if a debit would take an account below zero, and ``Refused``
    if one of the caller's items fails its condition; nothing is written then either."""
    writes = [*_ledger_writes(tx), *also]
    # pynamodb sends condition checks, deletes, puts, then updates; cancellation reasons come in that order.
    order = {"check": 0, "delete": 1, "save": 2, "update": 3}
    labels = [w.label for w in sorted(writes, key=lambda w: order[w.op])]
    for attempt in range(_ATTEMPTS):
        try:
            with TransactWrite(connection=connection()) as t:
                for w in writes:
                    _add(t, w)
            return True
        except TransactWriteError as exc:
            if exc.cause_response_code != "TransactionCanceledException":
                raise
            failed = _failed(exc, labels)
            if "TransactionConflict" in failed.values() and attempt + 1 < _ATTEMPTS:
                # Another transaction held one of these items for a moment: back off a little, try again.
                time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
                continue
            if failed.get("guard") == "ConditionalCheckFailed":
                return False
            short = [label for label in failed if label.startswith("balance:")]
            if short:
                raise RuleViolation(
                    f"not enough money in {short[0].removeprefix('balance:')}", code="INSUFFICIENT_BALANCE"
                ) from exc
            refused = [label for label, code in failed.items() if code == "ConditionalCheckFailed"]
            if refused:
                raise Refused(refused) from exc
            raise Conflict("the ledger is busy, try again", code="LEDGER_BUSY") from exc
    raise AssertionError("unreachable")


def _ledger_writes(tx: LedgerTransaction) -> list[Write]:
    """The guard, one ADD per account's balance (debits conditioned on the balance covering them), one entry each."""
    shards = get_settings().ledger_shards
    ts = _sortable(tx)
    guard = LedgerTxItem(
        f"LEDGERTX#{tx.id}",
        "TX",
        kind=tx.kind,
        at=iso(tx.at),
        entries=json.dumps([[e.account, e.amount_fen] for e in tx.entries]),
        order_id=tx.order_id,
        worker_id=tx.worker_id,
        withdrawal_id=tx.withdrawal_id,
    )
    writes = [Write("guard", "save", guard, condition=LedgerTxItem.PK.does_not_exist())]
    for e in tx.entries:
        phys = physical_account(e.account, tx.id, shards)
        covered = None
        if e.amount_fen < 0 and e.account not in MAY_GO_NEGATIVE:
            covered = LedgerBalanceItem.balance >= -e.amount_fen
        actions = (
            LedgerBalanceItem.balance.add(e.amount_fen),
            LedgerBalanceItem.account.set(phys),
            LedgerBalanceItem.GSI1PK.set(_registry_key(phys)),
            LedgerBalanceItem.GSI1SK.set(phys),
        )
        writes.append(
            Write(
                f"balance:{e.account}",
                "update",
                LedgerBalanceItem(f"LEDGER#{phys}", "BALANCE"),
                actions,
                covered,
            )
        )
        worker = worker_of(e.account)
        entry = LedgerEntryItem(
            f"LEDGER#{phys}",
            f"{ts}#{tx.id}",
            tx_id=tx.id,
            kind=tx.kind,
            account=e.account,
            amount_fen=e.amount_fen,
            at=iso(tx.at),
            order_id=tx.order_id,
            worker_id=tx.worker_id,
            withdrawal_id=tx.withdrawal_id,
            memo=tx.memo,
            GSI2PK=f"WORKERLEDGER#{worker[0]}" if worker else None,
            GSI2SK=f"{ts}#{tx.id}#{worker[1]}" if worker else None,
        )
        writes.append(Write(f"entry:{e.account}", "save", entry))
    return writes


def _add(t: TransactWrite, w: Write) -> None:
    if w.op == "save":
        t.save(w.model, condition=w.condition)
    elif w.op == "update":
        t.update(w.model, actions=list(w.actions), condition=w.condition)
    elif w.op == "delete":
        t.delete(w.model, condition=w.condition)
    else:
        t.condition_check(type(w.model), w.model.PK, w.model.SK, condition=w.condition)


def _failed(exc: TransactWriteError, labels: list[str]) -> dict[str, str]:
    reasons = exc.cancellation_reasons or []
    return {
        label: r.code for label, r in zip(labels, reasons, strict=False) if r is not None and r.code != "None"
    }


# -- reading ----------------------------------------------------------------------------------------------------


def balances(accounts: Sequence[str]) -> dict[str, int]:
    """Current balances of logical accounts (sharded ones summed over their shards); strongly consistent."""
    shards = get_settings().ledger_shards
    wanted = {phys: account for account in accounts for phys in physical_accounts(account, shards)}
    totals = dict.fromkeys(accounts, 0)
    keys = [(f"LEDGER#{phys}", "BALANCE") for phys in wanted]
    for item in LedgerBalanceItem.batch_get(keys, consistent_read=True):
        totals[wanted[item.PK.removeprefix("LEDGER#")]] += int(item.balance or 0)
    return totals


def balance(account: str) -> int:
    return balances([account])[account]


def account_balances() -> dict[str, int]:
    """Every account's balance by physical account, read through the registry (a Query per registry partition)."""
    result: dict[str, int] = {}
    for n in range(REGISTRY_PARTITIONS):
        for item in LedgerBalanceItem.registry.query(f"LEDGERACCOUNTS#{n}"):
            result[item.GSI1SK or ""] = int(item.balance or 0)
    return result


def ledger_sum() -> int:
    """The sum over all accounts: zero, always, if every transaction was balanced and written whole."""
    return sum(account_balances().values())


def audit() -> list[str]:
    """Problems found (empty when healthy): a balance that differs from the sum of its entries, or a sum over
    all accounts that is not zero. Reads every account's partition: for tests and an operator's audit job."""
    problems: list[str] = []
    balances_by_account = account_balances()
    for phys, bal in sorted(balances_by_account.items()):
        total = sum(
            int(e.amount_fen) for e in LedgerEntryItem.query(f"LEDGER#{phys}", LedgerEntryItem.SK < "BALANCE")
        )
        if total != bal:
            problems.append(f"{phys}: balance {bal} but entries sum to {total}")
    if (total := sum(balances_by_account.values())) != 0:
        problems.append(f"the ledger sums to {total}, not 0")
    return problems


def worker_ledger_partition(worker_id: str) -> str:
    return f"WORKERLEDGER#{worker_id}"


def worker_entries(worker_id: str, limit: int, start: dict[str, Any] | None) -> StorePage[LedgerEntryItem]:
    """A worker's statement across their accounts, newest first."""
    result = LedgerEntryItem.by_worker.query(
        worker_ledger_partition(worker_id), scan_index_forward=False, limit=limit, last_evaluated_key=start
    )
    return StorePage.of(result)


__all__ = ["Refused", "Write", "audit", "balance", "balances", "ledger_sum", "logical_account", "post"]
