"""Lists: ``?limit=&cursor=`` in, ``{"items", "next_cursor"}`` out (API.md conventions).

A cursor is the query's last evaluated key, base64url-encoded JSON. It is checked against the partition the
caller is allowed to read, so a crafted cursor cannot page into someone else's items.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from common.errors import MalformedRequest
from common.settings import get_settings

T = TypeVar("T")
I = TypeVar("I")  # noqa: E741


class Page(BaseModel, Generic[T]):
    """What every list answers: ``{"items", "next_cursor"}``."""

    items: list[T]
    next_cursor: str | None = None


class PageQuery(BaseModel):
    """``?limit=&cursor=`` of every list (``settings.page_default``, at most ``settings.page_max``); a list with
    filters derives from it."""

    limit: int = Field(default_factory=lambda: get_settings().page_default, ge=1, le=get_settings().page_max)
    cursor: str | None = None


@dataclass
class StorePage(Generic[I]):
    """What every store's list query returns: the items of one page and the key to continue from."""

    items: list[I] = field(default_factory=list)
    last_key: dict[str, Any] | None = None

    @classmethod
    def of(cls, result: Any) -> StorePage[Any]:
        """A PynamoDB query's result iterator, read to its page's end."""
        items = list(result)
        return cls(items, result.last_evaluated_key)


def encode_cursor(last_evaluated_key: dict[str, Any] | None) -> str | None:
    if not last_evaluated_key:
        return None
    raw = json.dumps(last_evaluated_key, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, *, expect: dict[str, str] | None = None) -> dict[str, Any] | None:
    """The last evaluated key in a cursor; ``expect`` maps key attributes to the values they must hold."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise MalformedRequest("the cursor is not one this API gave out", code="INVALID_CURSOR") from exc
    if not isinstance(key, dict) or not all(isinstance(v, dict) and len(v) == 1 for v in key.values()):
        raise MalformedRequest("the cursor is not one this API gave out", code="INVALID_CURSOR")
    for attr, value in (expect or {}).items():
        if key.get(attr) != {"S": value}:
            raise MalformedRequest("the cursor is not one this API gave out", code="INVALID_CURSOR")
    return key
