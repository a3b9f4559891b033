"""A worker's earnings and withdrawals (提现): the statement, asking for a withdrawal, an operator's decision."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from common import audit
from common.clock import iso
from common.errors import Conflict, NotFound, RuleViolation
from common.money import fen
from common.pagination import Page, decode_cursor, encode_cursor
from common.settings import get_settings

from functions.payments import ledger, ledger_store, withdrawal_store
from functions.payments.models import Earnings, LedgerLine, Withdrawal


def earnings(worker_id: str, *, limit: int, cursor: str | None) -> Earnings:
    """The worker's balances and their statement across their accounts, newest first."""
    accounts = {which: ledger.worker_account(worker_id, which) for which in ledger.WORKER_ACCOUNTS}
    totals = ledger_store.balances(list(accounts.values()))
    start = decode_cursor(cursor, expect={"GSI2PK": ledger_store.worker_ledger_partition(worker_id)})
    page = ledger_store.worker_entries(worker_id, limit, start)
    items, last = page.items, page.last_key
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


def _withdrawal(item: withdrawal_store.WithdrawalItem) -> Withdrawal:
    return Withdrawal.model_validate(item.attribute_values)


def request_withdrawal(
    worker_id: str,
    amount_fen: int,
    *,
    now: datetime,
    new_id: Callable[[], str],
) -> Withdrawal:
    """Ask to withdraw ``amount_fen`` of the available balance: at least the minimum, at most the balance, one
    open withdrawal at a time (``settings.withdrawal_min_fen``). The money moves to withdrawing at once. (Retries
    are told apart by the route's Idempotency-Key wrapper.)"""
    fen(amount_fen, minimum=1)
    minimum = get_settings().withdrawal_min_fen
    if amount_fen < minimum:
        raise RuleViolation(f"the least you can withdraw is {minimum} fen", code="BELOW_MINIMUM")
    withdrawal_id = f"wd{new_id()}"
    item = withdrawal_store.WithdrawalItem(
        *withdrawal_store.withdrawal_key(withdrawal_id),
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
        created = withdrawal_store.create_withdrawal(item, tx)
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
    if not created:
        raise Conflict("the withdrawal changed meanwhile, try again", code="WITHDRAWAL_CHANGED")
    return _withdrawal(item)


def decide_withdrawal(
    withdrawal_id: str, *, approve: bool, operator_id: str, note: str | None, now: datetime
) -> Withdrawal:
    """An operator pays a requested withdrawal out (paid) or rejects it (rejected: the money returns to the
    worker's available balance). Repeating the same decision returns it; the other decision is refused."""
    item = withdrawal_store.get_withdrawal(withdrawal_id)
    if item is None:
        raise NotFound("no such withdrawal")
    target = "paid" if approve else "rejected"
    if item.status == "requested":
        tx = ledger.withdrawal_decided(item.worker_id, item.id, int(item.amount_fen), paid=approve, at=now)
        action, details = f"withdrawal.{'approve' if approve else 'reject'}", {"note": note}
        details.update(worker_id=item.worker_id, amount_fen=int(item.amount_fen))
        record = audit.item(operator_id, action, f"withdrawal:{item.id}", details, now)
        withdrawal_store.decide_withdrawal(
            item, target, by=operator_id, note=note, at=iso(now), tx=tx, audit_item=record
        )
        item = withdrawal_store.get_withdrawal(withdrawal_id) or item
    if item.status != target:
        raise Conflict(f"the withdrawal was already {item.status}", code="WITHDRAWAL_DECIDED")
    return _withdrawal(item)


def list_withdrawals(status: str, *, limit: int, cursor: str | None) -> Page[Withdrawal]:
    """Withdrawals in one status, newest first (operators)."""
    start = decode_cursor(cursor, expect={"GSI1PK": withdrawal_store.withdrawals_partition(status)})
    page = withdrawal_store.withdrawals_by_status(status, limit, start)
    return Page[Withdrawal](
        items=[_withdrawal(i) for i in page.items], next_cursor=encode_cursor(page.last_key)
    )


def worker_withdrawals(worker_id: str, *, limit: int, cursor: str | None) -> Page[Withdrawal]:
    """A worker's own withdrawals, newest first."""
    start = decode_cursor(cursor, expect={"GSI2PK": withdrawal_store.worker_withdrawals_partition(worker_id)})
    page = withdrawal_store.withdrawals_of(worker_id, limit, start)
    return Page[Withdrawal](
        items=[_withdrawal(i) for i in page.items], next_cursor=encode_cursor(page.last_key)
    )
