"""Interviews' items in the one table (docs/access-patterns.md "interviews"). Nothing else writes them.

- interview: INTERVIEW#{id} / INTERVIEW
    GSI1  CUSTOMER#{customer} / INTERVIEW#{created}#{id}   a customer's interviews, newest first
    GSI2  WORKER#{worker} / INTERVIEW#{at}#{id}             a worker's interviews, latest first
  (booking's orders share those partitions under ``ORDER#``: each reads only its own prefix)
"""

from __future__ import annotations

from collections.abc import Callable

from common.db import Item, connection, retry_conflicts
from common.pagination import StorePage
from common.table import GSI1, GSI2
from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite


class InterviewItem(Item):
    by_customer = GSI1()
    by_worker = GSI2()

    id = UnicodeAttribute()
    status = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    worker_id = UnicodeAttribute()
    worker_name = UnicodeAttribute(null=True)
    service_id = UnicodeAttribute()
    service_name = UnicodeAttribute()
    at = UnicodeAttribute()
    mode = UnicodeAttribute()
    created_at = UnicodeAttribute()
    decided_at = UnicodeAttribute(null=True)


def key(interview_id: str) -> tuple[str, str]:
    return f"INTERVIEW#{interview_id}", "INTERVIEW"


def customer_partition(customer_id: str) -> str:
    return f"CUSTOMER#{customer_id}"


def worker_partition(worker_id: str) -> str:
    return f"WORKER#{worker_id}"


def new(**fields: str | None) -> InterviewItem:
    item = InterviewItem(*key(str(fields["id"])), **fields)
    item.GSI1PK, item.GSI1SK = customer_partition(item.customer_id), f"INTERVIEW#{item.created_at}#{item.id}"
    item.GSI2PK, item.GSI2SK = worker_partition(item.worker_id), f"INTERVIEW#{item.at}#{item.id}"
    return item


def get(interview_id: str) -> InterviewItem | None:
    try:
        return InterviewItem.get(*key(interview_id), consistent_read=True)
    except DoesNotExist:
        return None


def write(item: InterviewItem, also: Callable[[TransactWrite], None]) -> None:
    """The new interview with what ``also`` adds (its notices), in one transaction."""

    def attempt() -> None:
        with TransactWrite(connection=connection()) as tx:
            tx.save(item, condition=InterviewItem.PK.does_not_exist())
            also(tx)

    retry_conflicts(attempt)


def decide(item: InterviewItem, status: str, at: str, also: Callable[[TransactWrite], None]) -> bool:
    """requested → ``status`` with its notices, once; False if it was decided meanwhile."""

    def attempt() -> None:
        with TransactWrite(connection=connection()) as tx:
            tx.update(
                item,
                actions=[InterviewItem.status.set(status), InterviewItem.decided_at.set(at)],
                condition=InterviewItem.status == "requested",
            )
            also(tx)

    try:
        retry_conflicts(attempt)
    except TransactWriteError as exc:
        if exc.cause_response_code == "TransactionCanceledException":
            return False
        raise
    return True


def of_customer(customer_id: str, limit: int, start: dict | None) -> StorePage:
    return StorePage.of(
        InterviewItem.by_customer.query(
            customer_partition(customer_id),
            InterviewItem.GSI1SK.startswith("INTERVIEW#"),
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=start,
        )
    )


def of_worker(worker_id: str, limit: int, start: dict | None) -> StorePage:
    return StorePage.of(
        InterviewItem.by_worker.query(
            worker_partition(worker_id),
            InterviewItem.GSI2SK.startswith("INTERVIEW#"),
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=start,
        )
    )
