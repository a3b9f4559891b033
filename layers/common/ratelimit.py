"""Abuse limits (API.md "Rate limits"): one mechanism, one declarative table, applied by ``common.api.handle``.

A limit counts requests per (scope, key, fixed window) in one TTL'd counter item, incremented with ADD under the
condition ``attribute_not_exists(n) OR n < :limit``; the request that finds the window full is refused with 429
``RATE_LIMITED`` and ``Retry-After`` (seconds until the window ends). Keys are hashed: a counter item never holds
an IP address, a phone number or a username in the clear.

``RATE_LIMITS`` maps a route ``(path, method)`` to its limits; each names a setting in ``Settings.rate_limits``
(``(requests, window seconds)``) and what it counts per: the client IP (API Gateway's ``identity.sourceIp``), the
caller's account (the token's user id) or a field of the request body (a login's username, an SMS code's phone).
A route named here that does not exist (yet) costs nothing.

``LOCKOUTS``: failed logins (a 401 answer) per value of a body field; ``operator_lockout_failures`` of them within
``operator_lockout_window_seconds`` lock that value for ``operator_lockout_seconds``, during which the route answers
429 with ``Retry-After`` whatever the password — the same for a username that does not exist (no enumeration).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.attributes import NumberAttribute
from pynamodb.exceptions import UpdateError

from common.db import Item
from common.errors import RateLimited
from common.settings import get_settings

IP = "ip"
ACCOUNT = "account"


def body_field(name: str) -> str:
    """Count per the value of this field of the request body."""
    return f"body:{name}"


@dataclass(frozen=True)
class Limit:
    setting: str  # key of Settings.rate_limits: (requests, window seconds)
    per: str  # IP, ACCOUNT or body_field(name)


@dataclass(frozen=True)
class Lockout:
    field: str  # the body field whose failed logins are counted (the username)
    scope: str = "operator-login"


# The one table: which routes are limited, per what. Adding a limited route is one line.
RATE_LIMITS: dict[tuple[str, str], tuple[Limit, ...]] = {
    ("/v1/auth/wechat", "POST"): (Limit("login_ip", IP),),
    ("/v1/auth/operator", "POST"): (Limit("login_ip", IP), Limit("login_account", body_field("username"))),
    ("/v1/auth/sms-code", "POST"): (Limit("sms_code_ip", IP), Limit("sms_code_phone", body_field("phone"))),
    ("/v1/orders/{order_id}/pay", "POST"): (Limit("pay_ip", IP), Limit("pay_account", ACCOUNT)),
    ("/v1/me/sign-in", "POST"): (Limit("sign_in_ip", IP), Limit("sign_in_account", ACCOUNT)),
    ("/v1/me/shares", "POST"): (Limit("shares_ip", IP), Limit("shares_account", ACCOUNT)),
}
LOCKOUTS: dict[tuple[str, str], Lockout] = {
    ("/v1/auth/operator", "POST"): Lockout(field="username"),
}


class RateCounter(Item):
    """``RATE#{scope}#{hashed key}`` / ``W#{window start}``: requests in one window; ``LOCKF``: failed logins since
    ``started``; ``LOCK``: locked until ``until``. Every one expires (TTL ``expires_at``)."""

    class Meta(Item.Meta):
        pass

    n = NumberAttribute(null=True)
    started = NumberAttribute(null=True)
    until = NumberAttribute(null=True)
    expires_at = NumberAttribute(null=True)


def _pk(scope: str, key: str) -> str:
    digest = hashlib.sha256(f"{scope}\x00{key}".encode()).hexdigest()[:32]
    return f"RATE#{scope}#{digest}"


def _retry_after(seconds: float) -> int:
    return max(1, math.ceil(seconds))


class Limited(RateLimited):
    """429 with the seconds to wait; ``common.api`` puts them in ``Retry-After``."""

    def __init__(self, retry_after: int, message: str = "too many requests, try again later") -> None:
        super().__init__(message, details={"retry_after_seconds": retry_after})
        self.retry_after = retry_after


def hit(scope: str, key: str, *, limit: int, window_seconds: int, now: datetime) -> None:
    """Count one request of ``key`` in the current window of ``scope``; raise ``Limited`` if it is full."""
    epoch = now.timestamp()
    start = int(epoch // window_seconds) * window_seconds
    counter = RateCounter(_pk(scope, key), f"W#{start}")
    try:
        counter.update(
            actions=[RateCounter.n.add(1), RateCounter.expires_at.set(start + 2 * window_seconds)],
            condition=RateCounter.n.does_not_exist() | (RateCounter.n < limit),
        )
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        raise Limited(_retry_after(start + window_seconds - epoch)) from exc


def _limit_key(limit: Limit, *, ip: str, user_id: str | None, body: Any) -> str | None:
    if limit.per == IP:
        return ip or None
    if limit.per == ACCOUNT:
        return user_id
    if limit.per.startswith("body:"):
        value = getattr(body, limit.per[5:], None) if body is not None else None
        return str(value).strip().lower() if value else None
    raise ValueError(f"unknown rate-limit key {limit.per!r}")


def enforce(
    path: str, method: str, *, ip: str, user_id: str | None, body: Any, now: datetime, before_body: bool
) -> None:
    """Apply the route's limits: those per IP and account ``before_body`` (bad requests count too), those per a
    body field once the body is parsed."""
    settings = get_settings()
    if not settings.rate_limits_enabled:
        return
    for limit in RATE_LIMITS.get((path, method), ()):
        if limit.per.startswith("body:") == before_body:
            continue
        key = _limit_key(limit, ip=ip, user_id=user_id, body=body)
        if key is None:
            continue
        requests, window = settings.rate_limits[limit.setting]
        hit(limit.setting, key, limit=requests, window_seconds=window, now=now)


# --- Lockout after failed logins ---


def lockout_key(path: str, method: str, body: Any) -> tuple[Lockout, str] | None:
    lockout = LOCKOUTS.get((path, method))
    if lockout is None or body is None:
        return None
    value = getattr(body, lockout.field, None)
    return (lockout, str(value).strip().lower()) if value else None


def check_locked(lockout: Lockout, key: str, *, now: datetime) -> None:
    """Raise ``Limited`` while ``key`` is locked."""
    try:
        lock = RateCounter.get(_pk(lockout.scope, key), "LOCK", consistent_read=True)
    except RateCounter.DoesNotExist:
        return
    if lock.until is not None and lock.until > now.timestamp():
        raise Limited(_retry_after(lock.until - now.timestamp()), "too many failed logins, try again later")


def record_failure(lockout: Lockout, key: str, *, now: datetime) -> None:
    """Count a failed login; the one that reaches the limit within the window locks ``key``."""
    settings = get_settings()
    epoch = now.timestamp()
    window = settings.operator_lockout_window_seconds
    pk = _pk(lockout.scope, key)
    failures = RateCounter(pk, "LOCKF")
    try:
        failures.update(
            actions=[RateCounter.n.add(1), RateCounter.expires_at.set(int(epoch) + 2 * window)],
            condition=RateCounter.started > epoch - window,
        )
        count = int(failures.n or 0)
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        # No failures yet, or the window of the first one has passed: this failure starts a new window.
        RateCounter(pk, "LOCKF", n=1, started=epoch, expires_at=int(epoch) + 2 * window).save()
        count = 1
    if count >= settings.operator_lockout_failures:
        until = epoch + settings.operator_lockout_seconds
        RateCounter(pk, "LOCK", until=until, expires_at=math.ceil(until) + window).save()
        RateCounter(pk, "LOCKF").delete()


def clear_failures(lockout: Lockout, key: str) -> None:
    """A successful login forgets the earlier failures."""
    RateCounter(_pk(lockout.scope, key), "LOCKF").delete()  # no such item: nothing happens
