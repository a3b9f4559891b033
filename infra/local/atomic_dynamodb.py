"""Makes moto's DynamoDB atomic under concurrent requests, as DynamoDB is.

moto applies a TransactWriteItems by checking each condition, writing, and on failure restoring a deep copy of the
table taken at the start; two transactions on different threads (a workflow's Lambda task and an API call, or
fifty customers racing for one slot) can interleave between check and write, and a rollback can put back a copy
that predates the other's write. DynamoDB itself serializes them. This module serializes moto's DynamoDB
backend operations with one re-entrant lock, so the local stack and the tests see DynamoDB's guarantees
(moto is pinned; these are its backend's method names).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb.models import DynamoDBBackend

_lock = threading.RLock()
_OPERATIONS = (
    "put_item",
    "update_item",
    "delete_item",
    "get_item",
    "query",
    "scan",
    "batch_get_item",
    "batch_write_item",
    "transact_write_items",
    "transact_get_items",
)
_installed = False


def _serialized(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def run(*args: Any, **kwargs: Any) -> Any:
        with _lock:
            return method(*args, **kwargs)

    return run


def serialize_if_atomic(method: Callable[..., Any]) -> Callable[..., Any]:
    """``method`` under the lock when this module is installed (for patches installed after it), else as is."""
    return _serialized(method) if _installed else method


def make_dynamodb_atomic() -> None:
    """Serialize moto's DynamoDB operations in this process (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        for name in _OPERATIONS:
            setattr(DynamoDBBackend, name, _serialized(getattr(DynamoDBBackend, name)))
        _installed = True
