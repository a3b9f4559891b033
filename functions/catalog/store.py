"""The catalog's items (docs/access-patterns.md): one small partition, read whole by one Query.

- category: CATALOG / CATEGORY#{id}
- service:  CATALOG / SERVICE#{id}
"""

from __future__ import annotations

from typing import Any

from common.db import Item
from pynamodb.attributes import JSONAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import DoesNotExist, PutError

PARTITION = "CATALOG"


class CatalogItem(Item):
    kind = UnicodeAttribute()  # "category" | "service"
    data = JSONAttribute()  # the model's fields, as the API shows them
    version = VersionAttribute()  # optimistic locking: two concurrent edits cannot silently lose one


def put_new(kind: str, item_id: str, data: dict[str, Any]) -> bool:
    """Create an item; False if that id is taken."""
    item = CatalogItem(PARTITION, f"{kind.upper()}#{item_id}", kind=kind, data=data)
    try:
        item.save(condition=CatalogItem.SK.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def load(kind: str, item_id: str) -> CatalogItem | None:
    try:
        return CatalogItem.get(PARTITION, f"{kind.upper()}#{item_id}")
    except DoesNotExist:
        return None


def save_changed(item: CatalogItem) -> bool:
    """Save an item read with ``load``; False if someone changed it since (its version moved)."""
    try:
        item.save()
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def get(kind: str, item_id: str) -> dict[str, Any] | None:
    item = load(kind, item_id)
    return item.data if item else None


def all_items() -> list[CatalogItem]:
    """The whole catalog: categories and services (tens of items, one Query)."""
    return list(CatalogItem.query(PARTITION))
