"""Workers' withdrawals (提现) in the one table (docs/access-patterns.md "payments"); the money moves through
``ledger_store.post`` in the same transaction as the withdrawal's change:

- withdrawal:  ``WITHDRAWAL#{id} / WITHDRAWAL``; GSI1 ``WITHDRAWALS#{status}`` → ``{requested_at}#{id}``,
               GSI2 ``WORKERWD#{worker}`` → ``{requested_at}#{id}``
- open guard:  ``EARNINGS#{worker} / WITHDRAWAL_OPEN``  (one open withdrawal per worker)
"""

from __future__ import annotations

from typing import Any

from common import audit
from common.db import Item
from common.pagination import StorePage
from common.table import GSI1, GSI2
from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from functions.payments import ledger_store
from functions.payments.ledger import LedgerTransaction
from functions.payments.ledger_store import Refused, Write


class WithdrawalItem(Item):
    id = UnicodeAttribute()
    worker_id = UnicodeAttribute()
    amount_fen = NumberAttribute()
    status = UnicodeAttribute()  # requested | paid | rejected
    requested_at = UnicodeAttribute()
    decided_at = UnicodeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    by_status = GSI1()
    by_worker = GSI2()


class WithdrawalOpenItem(Item):
    withdrawal_id = UnicodeAttribute()


def withdrawal_key(withdrawal_id: str) -> tuple[str, str]:
    return f"WITHDRAWAL#{withdrawal_id}", "WITHDRAWAL"


def open_withdrawal_key(worker_id: str) -> tuple[str, str]:
    return f"EARNINGS#{worker_id}", "WITHDRAWAL_OPEN"


def get_withdrawal(withdrawal_id: str) -> WithdrawalItem | None:
    return WithdrawalItem.find(*withdrawal_key(withdrawal_id))


def create_withdrawal(item: WithdrawalItem, tx: LedgerTransaction) -> bool:
    """The withdrawal, its open-guard and the money set aside, together. False if this withdrawal id exists.
    ``Refused(["open"])`` if the worker already has an open withdrawal."""
    guard = WithdrawalOpenItem(*open_withdrawal_key(str(item.worker_id)), withdrawal_id=item.id)
    return ledger_store.post(
        tx,
        also=[
            Write("withdrawal", "save", item, condition=WithdrawalItem.PK.does_not_exist()),
            Write("open", "save", guard, condition=WithdrawalOpenItem.PK.does_not_exist()),
        ],
    )


def decide_withdrawal(
    item: WithdrawalItem,
    status: str,
    *,
    by: str,
    note: str | None,
    at: str,
    tx: LedgerTransaction,
    audit_item: audit.AuditItem | None = None,
) -> bool:
    """requested → paid | rejected with its money movement, closing the open-guard, with the operator's
    ``audit_item`` (``common.audit.item``). False if already decided."""
    actions = [
        WithdrawalItem.status.set(status),
        WithdrawalItem.decided_at.set(at),
        WithdrawalItem.decided_by.set(by),
        WithdrawalItem.GSI1PK.set(f"WITHDRAWALS#{status}"),
    ]
    if note:
        actions.append(WithdrawalItem.note.set(note))
    try:
        return ledger_store.post(
            tx,
            also=[
                Write(
                    "withdrawal",
                    "update",
                    WithdrawalItem(*withdrawal_key(item.id)),
                    tuple(actions),
                    WithdrawalItem.status == "requested",
                ),
                Write(
                    "open",
                    "delete",
                    WithdrawalOpenItem(*open_withdrawal_key(item.worker_id)),
                    condition=WithdrawalOpenItem.withdrawal_id == item.id,
                ),
                *([Write("audit", "save", audit_item, condition=audit.is_new())] if audit_item else []),
            ],
        )
    except Refused:
        return False


def withdrawals_partition(status: str) -> str:
    return f"WITHDRAWALS#{status}"


def worker_withdrawals_partition(worker_id: str) -> str:
    return f"WORKERWD#{worker_id}"


def withdrawals_by_status(status: str, limit: int, start: dict[str, Any] | None) -> StorePage[WithdrawalItem]:
    result = WithdrawalItem.by_status.query(
        withdrawals_partition(status), scan_index_forward=False, limit=limit, last_evaluated_key=start
    )
    return StorePage.of(result)


def withdrawals_of(worker_id: str, limit: int, start: dict[str, Any] | None) -> StorePage[WithdrawalItem]:
    result = WithdrawalItem.by_worker.query(
        worker_withdrawals_partition(worker_id),
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=start,
    )
    return StorePage.of(result)
