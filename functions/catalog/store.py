"""The catalog's items (docs/access-patterns.md): one small partition, read whole by one Query.

- category: CATALOG / CATEGORY#{id}
- service:  CATALOG / SERVICE#{id}
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from common.db import Item, connection
from pynamodb.attributes import JSONAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

Also = Callable[[TransactWrite], None] | None  # more of the same transaction (an operator's audit item)

PARTITION = "CATALOG"


class CatalogItem(Item):
    kind = UnicodeAttribute()  # "category" | "service"
    data = JSONAttribute()  # the model's fields, as the API shows them
    version = VersionAttribute()  # optimistic locking: two concurrent edits cannot silently lose one


def _save(item: CatalogItem, condition: Any, also: Also) -> bool:
    """One write of ``item`` (with what ``also`` adds, in one transaction); False if its condition failed."""
    try:
        if also is None:
            item.save(condition=condition)
            return True
        with TransactWrite(connection=connection()) as tx:
            tx.save(item, condition=condition)
            also(tx)
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    except TransactWriteError as exc:
        if exc.cause_response_code == "TransactionCanceledException":
            return False
        raise
    return True


def put_new(kind: str, item_id: str, data: dict[str, Any], *, also: Also = None) -> bool:
    """Create an item; False if that id is taken."""
    item = CatalogItem(PARTITION, f"{kind.upper()}#{item_id}", kind=kind, data=data)
    return _save(item, CatalogItem.SK.does_not_exist(), also)


def load(kind: str, item_id: str) -> CatalogItem | None:
    try:
        return CatalogItem.get(PARTITION, f"{kind.upper()}#{item_id}")
    except DoesNotExist:
        return None


def save_changed(item: CatalogItem, *, also: Also = None) -> bool:
    """Save an item read with ``load``; False if someone changed it since (its version moved)."""
    return _save(item, None, also)


def get(kind: str, item_id: str) -> dict[str, Any] | None:
    item = load(kind, item_id)
    return item.data if item else None


def all_items() -> list[CatalogItem]:
    """The whole catalog: categories and services (tens of items, one Query)."""
    return list(CatalogItem.query(PARTITION))
