"""Tokens and passwords.

Tokens are HS256 JWTs (``sub`` = user id, ``role``, ``exp``), short-lived, signed with the secret from settings.
An operator's token also carries the staff member's ``roles`` (what the console shows) and ``ver``, the account's
token version when it was issued (identity's staff check refuses a token whose version is no longer the account's).
Operator passwords are stored as scrypt hashes with a per-password salt (a slow, memory-hard hash).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import jwt

from common.errors import Unauthorized
from common.settings import get_settings

Role = Literal["customer", "worker", "operator"]
ROLES: tuple[Role, ...] = ("customer", "worker", "operator")


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's subject and role; for an operator, the staff roles and token version the
    token was issued with (the staff check reads the account's current ones)."""

    user_id: str
    role: Role
    roles: tuple[str, ...] = ()
    token_version: int = 0


def issue_token(
    user_id: str, role: Role, *, now: datetime, roles: Sequence[str] = (), token_version: int | None = None
) -> str:
    settings = get_settings()
    claims: dict[str, object] = {
        "sub": user_id,
        "role": role,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=settings.token_ttl_minutes)).timestamp()),
    }
    if role == "operator":
        claims["roles"] = list(roles)
        claims["ver"] = int(token_version or 0)
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")


def verify_token(token: str, *, now: datetime) -> Principal:
    """The principal of a valid, unexpired token; ``Unauthorized`` for anything else."""
    settings = get_settings()
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret.get_secret_value(),
            algorithms=["HS256"],
            # Expiry is judged against the business clock below, not the wall clock, and iat is not judged: a
            # token issued while the local stack's clock is moved ahead must still verify.
            options={"require": ["sub", "role", "exp"], "verify_exp": False, "verify_iat": False},
        )
    except jwt.PyJWTError as exc:
        raise Unauthorized("the token is invalid") from exc
    # Expiry is checked against the business clock, so the local stack's clock moves it too.
    if int(claims["exp"]) <= int(now.timestamp()):
        raise Unauthorized("the token has expired", code="TOKEN_EXPIRED")
    if claims["role"] not in ROLES or not isinstance(claims["sub"], str):
        raise Unauthorized("the token is invalid")
    roles, version = claims.get("roles", []), claims.get("ver", 0)
    if (
        not isinstance(roles, list)
        or not all(isinstance(r, str) for r in roles)
        or not isinstance(version, int)
    ):
        raise Unauthorized("the token is invalid")
    return Principal(user_id=claims["sub"], role=claims["role"], roles=tuple(roles), token_version=version)


def bearer_principal(authorization: str | None, *, now: datetime) -> Principal:
    if not authorization:
        raise Unauthorized()
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("use 'Authorization: Bearer <token>'")
    return verify_token(token.strip(), now=now)


# scrypt parameters: ~16 MiB and ~50 ms per check on a small core; stored with the hash so they can rise later.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        salt, expected = base64.b64decode(salt_b64), base64.b64decode(digest_b64)
        actual = hashlib.scrypt(
            password.encode(), salt=salt, n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)
