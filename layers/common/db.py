"""PynamoDB base for every item in the one table.

Each capability subclasses ``Item`` for its own entities in its ``store.py``. An entity that appears in an index
declares its own index instance (``by_customer = GSI1()``): PynamoDB binds an index to one model class, so the
instances must not be shared through the base class.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Self, TypeVar

from pynamodb.attributes import UnicodeAttribute
from pynamodb.connection import Connection, TableConnection
from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from common.settings import get_settings
from common.snapshot import on_restore

T = TypeVar("T")


class Item(Model):
    class Meta:
        table_name = get_settings().table_name
        # The SDK's retries of throttling and 5xx answers, as every client has them (common.aws).
        max_retry_attempts = get_settings().aws_max_attempts - 1
        connect_timeout_seconds = get_settings().aws_connect_timeout_seconds
        read_timeout_seconds = get_settings().aws_read_timeout_seconds

    PK = UnicodeAttribute(hash_key=True)
    SK = UnicodeAttribute(range_key=True)
    GSI1PK = UnicodeAttribute(null=True)
    GSI1SK = UnicodeAttribute(null=True)
    GSI2PK = UnicodeAttribute(null=True)
    GSI2SK = UnicodeAttribute(null=True)
    GSI3PK = UnicodeAttribute(null=True)
    GSI3SK = UnicodeAttribute(null=True)
    GSI4PK = UnicodeAttribute(null=True)
    GSI4SK = UnicodeAttribute(null=True)

    @classmethod
    def find(cls, pk: str, sk: str, *, consistent: bool = True) -> Self | None:
        """The item at ``pk``/``sk``, or None (one GetItem; consistent unless asked otherwise)."""
        try:
            return cls.get(pk, sk, consistent_read=consistent)
        except DoesNotExist:
            return None

    @classmethod
    def _get_connection(cls) -> TableConnection:
        """PynamoDB's connection for this model (its table schema, with this model's indexes), on the one
        botocore client of ``connection()``. Left alone, PynamoDB gives each model class a connection with a
        botocore session of its own, so the first call of each of the ~70 models built a session and a client
        (about 120 ms: endpoints and the DynamoDB model parsed again) — in a Lambda, on its first requests."""
        table = super()._get_connection()
        if table.connection._client is None:
            table.connection._client = connection().client
        return table


class _Connection(Connection):
    """PynamoDB's connection, whose TransactWriteItems is sent again while DynamoDB cancels it only for conflicts
    with other transactions or throttled items (``retry_conflicts``): a cancelled transaction wrote nothing, and
    its conditions are checked afresh. So every transaction of every capability rides out a conflict, not only
    those built through ``transact``; a cancellation for a failed condition is raised at once."""

    def transact_write_items(self, *args: Any, **kwargs: Any) -> Any:
        return retry_conflicts(lambda: super(_Connection, self).transact_write_items(*args, **kwargs))


@lru_cache(maxsize=1)
def connection() -> Connection:
    """A PynamoDB connection for ``TransactWrite``/``TransactGet`` (they need one explicitly). One per process:
    each new one builds a botocore client, which costs more than the transaction itself. Callers take it from
    here each time rather than keep their own: a SnapStart restore (or a test) drops it."""
    # Not Item._get_connection(): that caches a connection on the base class, which every model that has not
    # connected yet then inherits, with a schema that lacks its indexes ("Table … has no index: GSI1").
    meta = Item.Meta
    return _Connection(
        region=meta.region,
        max_retry_attempts=meta.max_retry_attempts,
        connect_timeout_seconds=meta.connect_timeout_seconds,
        read_timeout_seconds=meta.read_timeout_seconds,
    )


@on_restore
def _drop_connections() -> None:
    """SnapStart: every model (and the transactions' connection) connects afresh after a restore."""
    connection.cache_clear()
    pending = [Item]
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if "_connection" in vars(model):
            model._connection = None


# --- transactions and conditions: one way to say each -------------------------------------------------------


def cancellation_reasons(exc: BaseException) -> list[str | None]:
    """The per-operation reasons of a cancelled transaction, in the order the operations were added (None where
    that operation was fine); empty for anything but a cancelled transaction."""
    if getattr(exc, "cause_response_code", None) != "TransactionCanceledException":
        return []
    reasons = getattr(exc, "cancellation_reasons", None) or []
    codes = [getattr(r, "code", None) if r is not None else None for r in reasons]
    return [None if code in (None, "None") else code for code in codes]


# Why DynamoDB cancels a transaction that may well go through when sent again.
TRANSIENT_REASONS = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})


def only_conflicts(exc: BaseException) -> bool:
    """A transaction cancelled only because another transaction held one of its items (or an item was
    throttled): worth trying again."""
    failed = [r for r in cancellation_reasons(exc) if r is not None]
    return bool(failed) and all(r in TRANSIENT_REASONS for r in failed)


def retry_conflicts(attempt: Callable[[], T], *, retries: int | None = None) -> T:
    """Run ``attempt`` again, after a short jittered backoff, while it fails only on transaction conflicts
    (``settings.transaction_conflict_retries`` times); anything else, and the last conflict, is raised."""
    limit = get_settings().transaction_conflict_retries if retries is None else retries
    for tries in range(limit + 1):
        try:
            return attempt()
        except TransactWriteError as exc:
            if tries == limit or not only_conflicts(exc):
                raise
            time.sleep(random.uniform(0, 0.02 * 2**tries))  # full jitter, doubling
    raise AssertionError("unreachable")


def transact(build: Callable[[TransactWrite], None], *, retries: int | None = None) -> None:
    """One TransactWriteItems of what ``build`` adds, retried on conflicts (``retry_conflicts``)."""

    def attempt() -> None:
        with TransactWrite(connection=connection()) as tx:
            build(tx)

    retry_conflicts(attempt, retries=retries)


def condition_failed(exc: BaseException) -> bool:
    """A single-item write (put, update, delete) refused by its condition."""
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


@contextmanager
def refused_as(error: Exception) -> Iterator[None]:
    """Inside, a single-item write refused by its condition raises the domain ``error`` instead."""
    try:
        yield
    except (PutError, UpdateError, DeleteError) as exc:
        if condition_failed(exc):
            raise error from exc
        raise
