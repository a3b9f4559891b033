"""A worker's earnings and withdrawals (提现): the statement, asking for a withdrawal, an operator's decision."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from common.clock import iso
from common.errors import Conflict, NotFound, RuleViolation
from common.pagination import Page, decode_cursor, encode_cursor
from common.settings import get_settings

from functions.payments import ledger, ledger_store, store
from functions.payments.models import Earnings, LedgerLine, Withdrawal


def earnings(worker_id: str, *, limit: int, cursor: str | None) -> Earnings:
    """The worker's balances and their statement across their accounts, newest first."""
    accounts = {which: ledger.worker_account(worker_id, which) for which in ledger.WORKER_ACCOUNTS}
    totals = ledger_store.balances(list(accounts.values()))
    start = decode_cursor(cursor, expect={"GSI2PK": f"WORKERLEDGER#{worker_id}"})
    items, last = ledger_store.worker_entries(worker_id, limit, start)
    lines = [
        LedgerLine(
            tx_id=e.tx_id,
            at=e.at,
            kind=e.kind,
            account=e.account.rsplit(":", 1)[1],  # type: ignore[arg-type]
            amount_fen=int(e.amount_fen),
            order_id=e.order_id,
            withdrawal_id=e.withdrawal_id,
            memo=e.memo,
        )
        for e in items
    ]
    return Earnings(
        balance_fen=totals[accounts["available"]],
        pending_fen=totals[accounts["pending"]],
        withdrawing_fen=totals[accounts["withdrawing"]],
        withdrawn_fen=totals[accounts["withdrawn"]],
        items=lines,
        next_cursor=encode_cursor(last),
    )


def _withdrawal(item: store.WithdrawalItem) -> Withdrawal:
    return Withdrawal.model_validate(item.attribute_values)


def _idempotent_id(worker_id: str, key: str) -> str:
    # The same worker and Idempotency-Key always name the same withdrawal, so a retry finds the first one.
    return "wd" + hashlib.sha256(f"{worker_id}\n{key}".encode()).hexdigest()[:24]


def request_withdrawal(
    worker_id: str,
    amount_fen: int,
    *,
    now: datetime,
    new_id: Callable[[], str],
    idempotency_key: str | None = None,
) -> Withdrawal:
    """Ask to withdraw ``amount_fen`` of the available balance: at least the minimum, at most the balance, one
    open withdrawal at a time. The money moves to withdrawing at once. A retry with the same Idempotency-Key and
    amount returns the first withdrawal; with another amount it is refused."""
    if type(amount_fen) is not int or amount_fen <= 0:
        raise TypeError(f"amounts are positive integer fen, got {amount_fen!r}")
    minimum = get_settings().withdrawal_min_fen
    if amount_fen < minimum:
        raise RuleViolation(f"the least you can withdraw is {minimum} fen", code="BELOW_MINIMUM")
    withdrawal_id = _idempotent_id(worker_id, idempotency_key) if idempotency_key else f"wd{new_id()}"
    if idempotency_key and (earlier := _replay(withdrawal_id, worker_id, amount_fen)) is not None:
        return earlier
    item = store.WithdrawalItem(
        *store.withdrawal_key(withdrawal_id),
        id=withdrawal_id,
        worker_id=worker_id,
        amount_fen=amount_fen,
        status="requested",
        requested_at=iso(now),
        GSI1PK="WITHDRAWALS#requested",
        GSI1SK=f"{iso(now)}#{withdrawal_id}",
        GSI2PK=f"WORKERWD#{worker_id}",
        GSI2SK=f"{iso(now)}#{withdrawal_id}",
    )
    tx = ledger.withdrawal_requested(worker_id, withdrawal_id, amount_fen, at=now)
    try:
        created = store.create_withdrawal(item, tx)
    except RuleViolation as exc:
        if exc.code == "INSUFFICIENT_BALANCE":
            raise RuleViolation(
                "the amount exceeds your available balance", code="INSUFFICIENT_BALANCE"
            ) from exc
        raise
    except ledger_store.Refused as exc:
        if "open" in exc.labels:
            raise Conflict(
                "a withdrawal is already open; wait for its decision", code="WITHDRAWAL_OPEN"
            ) from exc
        created = False
    if not created:  # a concurrent retry with the same key won
        earlier = _replay(withdrawal_id, worker_id, amount_fen)
        if earlier is None:
            raise Conflict("the withdrawal changed meanwhile, try again", code="WITHDRAWAL_CHANGED")
        return earlier
    return _withdrawal(item)


def _replay(withdrawal_id: str, worker_id: str, amount_fen: int) -> Withdrawal | None:
    earlier = store.get_withdrawal(withdrawal_id)
    if earlier is None:
        return None
    if earlier.worker_id != worker_id or int(earlier.amount_fen) != amount_fen:
        raise Conflict("this Idempotency-Key was used for another request", code="IDEMPOTENCY_KEY_REUSED")
    return _withdrawal(earlier)


def decide_withdrawal(
    withdrawal_id: str, *, approve: bool, operator_id: str, note: str | None, now: datetime
) -> Withdrawal:
    """An operator pays a requested withdrawal out (paid) or rejects it (rejected: the money returns to the
    worker's available balance). Repeating the same decision returns it; the other decision is refused."""
    item = store.get_withdrawal(withdrawal_id)
    if item is None:
        raise NotFound("no such withdrawal")
    target = "paid" if approve else "rejected"
    if item.status == "requested":
        tx = ledger.withdrawal_decided(item.worker_id, item.id, int(item.amount_fen), paid=approve, at=now)
        store.decide_withdrawal(item, target, by=operator_id, note=note, at=iso(now), tx=tx)
        item = store.get_withdrawal(withdrawal_id) or item
    if item.status != target:
        raise Conflict(f"the withdrawal was already {item.status}", code="WITHDRAWAL_DECIDED")
    return _withdrawal(item)


def list_withdrawals(status: str, *, limit: int, cursor: str | None) -> Page[Withdrawal]:
    """Withdrawals in one status, newest first (operators)."""
    start = decode_cursor(cursor, expect={"GSI1PK": f"WITHDRAWALS#{status}"})
    items, last = store.withdrawals_by_status(status, limit, start)
    return Page[Withdrawal](items=[_withdrawal(i) for i in items], next_cursor=encode_cursor(last))


def worker_withdrawals(worker_id: str, *, limit: int, cursor: str | None) -> Page[Withdrawal]:
    """A worker's own withdrawals, newest first."""
    start = decode_cursor(cursor, expect={"GSI2PK": f"WORKERWD#{worker_id}"})
    items, last = store.withdrawals_of(worker_id, limit, start)
    return Page[Withdrawal](items=[_withdrawal(i) for i in items], next_cursor=encode_cursor(last))
