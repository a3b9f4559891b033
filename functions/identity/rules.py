"""Identity's pure decisions: mainland phone numbers, SMS verification codes, the service area."""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from common.geo import haversine_km

_SEPARATORS = re.compile(r"[\s\-()]")
_MAINLAND = re.compile(r"1\d{10}")
CODE_DIGITS = 6


def mainland_phone(raw: str) -> str | None:
    """The 11-digit mainland mobile number (starting with 1) in ``raw``, with an optional +86/86 prefix and
    spaces or dashes; None for anything else (landlines, other countries)."""
    digits = _SEPARATORS.sub("", raw)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if _MAINLAND.fullmatch(digits) else None


def new_code(randbelow: Callable[[int], int]) -> str:
    """A fresh ``CODE_DIGITS``-digit code (leading zeros kept), from a CSPRNG's ``randbelow``."""
    return f"{randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hash(secret: str, phone: str, user_id: str, code: str) -> str:
    """What is stored instead of the code: HMAC-SHA256 under a server secret, bound to the phone and the user who
    asked, so a leaked table neither reveals codes nor lets a code serve another account. (A 6-digit code has a
    million values: a slow hash without a secret would not protect it; the secret does.)"""
    return hmac.new(secret.encode(), f"{phone}|{user_id}|{code}".encode(), hashlib.sha256).hexdigest()


def code_matches(secret: str, phone: str, user_id: str, code: str, stored: str) -> bool:
    return hmac.compare_digest(code_hash(secret, phone, user_id, code), stored)


@dataclass(frozen=True)
class CodeRules:
    ttl_seconds: int
    max_tries: int
    resend_seconds: int
    daily_per_phone: int
    daily_per_ip: int


def resend_wait_seconds(last_sent: datetime | None, now: datetime, resend_seconds: int) -> int:
    """Seconds until another code may go to this phone (0: now)."""
    if last_sent is None:
        return 0
    return max(0, math.ceil((last_sent + timedelta(seconds=resend_seconds) - now).total_seconds()))


def seconds_until_next_day(now: datetime) -> int:
    """Seconds until midnight of ``now``'s (business) day, when the daily caps start again."""
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, math.ceil((midnight - now).total_seconds()))


def in_service_area(lat: float, lng: float, center: tuple[float, float], radius_km: float) -> bool:
    """Is the point (GCJ-02) within ``radius_km`` of the service area's centre?"""
    return haversine_km(lat, lng, center[0], center[1]) <= radius_km
