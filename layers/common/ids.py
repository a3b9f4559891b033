"""Opaque, time-sortable ids (like ULIDs): 10 chars of milliseconds + 16 random, Crockford base32."""

from __future__ import annotations

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
