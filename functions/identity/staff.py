"""Staff accounts with roles, their login, the staff check every admin call passes, and the audit trail's list.

Passwords are hashed once, in ``common.auth.hash_password`` (scrypt). A staff token carries ``sub`` (the staff
id), ``roles`` (what the console shows) and ``ver`` (the account's token version). The staff check
(``authorize_staff``, called by the one authorizer ``common.api.authorize`` for every operator token) reads the
account with one consistent GetItem on every admin call and judges by what it reads: a disabled account, or a
token from before the last revocation (disabled, password changed), is 401 ``TOKEN_REVOKED`` at once, and the
roles are the account's current ones. Not cached, on purpose: API.md says a disabled account's tokens stop at
once, and a cache of even a few seconds per warm container would let a disabled account keep acting on each of
them; the read is one small item (half a read unit) on operator calls only, which are few next to customers'.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from common import audit
from common.auth import Principal, hash_password, issue_token, verify_password
from common.clock import iso
from common.errors import (
    AccountDisabled,
    Conflict,
    Forbidden,
    NotFound,
    ProtectedAccount,
    RuleViolation,
    TokenRevoked,
    Unauthorized,
    UsernameTaken,
)
from common.pagination import Page, decode_cursor, encode_cursor

from functions.identity import permissions, staff_store
from functions.identity.staff_models import (
    AuditEntry,
    OperatorLoginResponse,
    Staff,
    StaffIn,
    StaffPatch,
)

SEEDED_ADMIN = (
    "admin"  # the bootstrapped account: always enabled, always admin (a way in that cannot be lost)
)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against when the username is unknown, so both cases take the same time.
    Made on first use, not at import: scrypt at import would slow every cold start."""
    return hash_password(secrets.token_urlsafe(16))


def login_operator(username: str, password: str, *, now: datetime) -> OperatorLoginResponse:
    """A staff token for the right password; the same 401 for an unknown user or a wrong password, 401
    ``ACCOUNT_DISABLED`` for the right password of a disabled account."""
    item = staff_store.get(username, consistent=True)
    ok = verify_password(password, item.password_hash if item else _dummy_hash())
    if item is None or not ok:
        raise Unauthorized("wrong username or password", code="BAD_CREDENTIALS")
    if item.disabled:
        raise AccountDisabled()
    roles = staff_store.roles_of(item)
    token = issue_token(item.id, "operator", now=now, roles=roles, token_version=int(item.token_version or 0))
    return OperatorLoginResponse(token=token, roles=roles)  # type: ignore[arg-type]


def ensure_operator(
    username: str, password: str, *, now: datetime, roles: Sequence[str] = ("admin",)
) -> None:
    """Create the account, or reset its password and roles (local seed and deploy-time bootstrap)."""
    existing = staff_store.get(username, consistent=True)
    item = staff_store.new_item(username, hash_password(password), list(roles), iso(now))
    if existing is not None:
        item.created_at = existing.created_at
        # A new password ends the old tokens; the same one again (a restart's seed) keeps them.
        same = verify_password(password, existing.password_hash)
        item.token_version = int(existing.token_version or 0) + (0 if same else 1)
    staff_store.put(item)


def authorize_staff(principal: Principal, method: str, path: str) -> Principal:
    """The staff check of an operator token on ``method path`` (a route template): 401 ``TOKEN_REVOKED`` when
    the account is gone, disabled or revoked the token since; 403 when none of its roles may call the route
    (``functions.identity.permissions``). The principal with the account's current roles."""
    item = staff_store.get_by_id(principal.user_id, consistent=True)
    if item is None or item.disabled or int(item.token_version or 0) != principal.token_version:
        raise TokenRevoked()
    roles = staff_store.roles_of(item)
    if not permissions.may_call(roles, method, path):
        allowed = " or ".join(permissions.roles_allowed(method, path))
        raise Forbidden(f"this needs the {allowed} role")
    return Principal(principal.user_id, principal.role, tuple(roles), principal.token_version)


def to_staff(item: staff_store.StaffItem) -> Staff:
    return Staff(
        id=item.id,
        username=item.username,
        roles=staff_store.roles_of(item),  # type: ignore[arg-type]
        disabled=bool(item.disabled),
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


def create_staff(body: StaffIn, *, by: str, now: datetime) -> Staff:
    """A new staff account (409 ``USERNAME_TAKEN``), recorded in the audit trail with it."""
    item = staff_store.new_item(body.username, hash_password(body.password), list(body.roles), iso(now))
    item.disabled = body.disabled
    if not staff_store.create(item, by=by, now=now):
        raise UsernameTaken()
    return to_staff(item)


def check_change(username: str, *, by_self: bool, roles: list[str] | None, disabled: bool | None) -> None:
    """The seeded ``admin`` stays enabled and admin; nobody disables or demotes themselves (422)."""
    demoted = roles is not None and "admin" not in roles
    if username == SEEDED_ADMIN and (demoted or disabled):
        raise ProtectedAccount("the seeded admin account keeps the admin role and stays enabled")
    if by_self and (demoted or disabled):
        raise ProtectedAccount("you cannot disable yourself or give up your own admin role")


def update_staff(staff_id: str, body: StaffPatch, *, by: str, now: datetime) -> Staff:
    """Change roles, password or ``disabled``; disabling or a new password ends the account's tokens at once."""
    item = staff_store.get_by_id(staff_id, consistent=True)
    if item is None:
        raise NotFound("no such staff account")
    if body.username is not None and body.username != item.username:
        raise RuleViolation("a username never changes", code="USERNAME_IMMUTABLE")
    check_change(item.username, by_self=item.id == by, roles=body.roles, disabled=body.disabled)
    changes: dict[str, Any] = {"updated_at": iso(now)}
    details: dict[str, Any] = {}
    if body.roles is not None:
        changes["roles"] = details["roles"] = list(body.roles)
    if body.disabled is not None:
        changes["disabled"] = details["disabled"] = body.disabled
    if body.password is not None:
        changes["password_hash"] = hash_password(body.password)
        details["password_changed"] = True
    revoke = bool(body.disabled) or body.password is not None
    if not staff_store.update(item, changes, revoke=revoke, details=details, by=by, now=now):
        raise Conflict("the staff account changed meanwhile; reload it", code="STAFF_CHANGED")
    updated = staff_store.get_by_id(staff_id, consistent=True)
    assert updated is not None
    return to_staff(updated)


def list_staff(*, limit: int, cursor: str | None) -> Page[Staff]:
    start = decode_cursor(cursor, expect={"GSI1PK": staff_store.LIST_PARTITION})
    page = staff_store.page(limit, start)
    return Page[Staff](items=[to_staff(i) for i in page.items], next_cursor=encode_cursor(page.last_key))


def list_audit(*, limit: int, cursor: str | None) -> Page[AuditEntry]:
    """The audit trail, newest first."""
    start = decode_cursor(cursor, expect={"PK": audit.PARTITION})
    page = audit.page(limit, start)
    items = [
        AuditEntry(
            id=e.id,
            at=e.at,
            staff=e.staff,
            staff_username=staff_store.username_of(e.staff),
            action=e.action,
            target=e.target,
            details=e.details,
        )
        for e in page.items
    ]
    return Page[AuditEntry](items=items, next_cursor=encode_cursor(page.last_key))
