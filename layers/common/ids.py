"""Opaque, time-sortable ids (like ULIDs): 10 chars of milliseconds + 16 random, Crockford base32."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def _b32(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, rem = divmod(value, 32)
        chars.append(_ALPHABET[rem])
    return "".join(reversed(chars))


def new_id(now: datetime | None = None) -> str:
    """A new id; ids made later sort after ids made earlier (to the millisecond)."""
    millis = int((now or datetime.now()).timestamp() * 1000)
    return _b32(millis, 10) + _b32(secrets.randbits(80), 16)


def derived_id(at: datetime, key: str) -> str:
    """A deterministic id in the same shape as ``new_id``: the same ``at`` and ``key`` always give the same id,
    so a retried write of the same thing lands on the same item (idempotent by key)."""
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:10], "big")
    return _b32(int(at.timestamp() * 1000), 10) + _b32(digest, 16)
