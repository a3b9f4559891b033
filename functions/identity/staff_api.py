"""Staff routes: accounts with roles and the audit trail (API.md "Operators: staff, roles, audit"). Who may call
each is the permission table's (``functions.identity.permissions``): these are ``admin``'s alone."""

from __future__ import annotations

from chalice import Blueprint
from common.api import Call, route
from common.pagination import Page, PageQuery

from functions.identity import staff
from functions.identity.staff_models import AuditEntry, Staff, StaffIn, StaffPatch

bp = Blueprint(__name__)


@route(bp, "/v1/admin/staff", "POST", body=StaffIn, response=Staff, status=201, errors=(409,))
def create_staff(call: Call) -> Staff:
    """Create a staff account.

    `username` (lower-case letters, digits, `.`, `-`, `_`; never changes), `password` (at least 8 characters)
    and `roles`: `dispatcher` (orders, workers, complaints), `finance` (refunds, withdrawals, finance,
    exports), `support` (complaints, customers, reviews), `marketing` (coupons, rewards, statistics), `admin`
    (everything, and staff). A taken username is 409 `USERNAME_TAKEN`. Recorded in the audit trail.
    """
    return staff.create_staff(call.body, by=call.user_id, now=call.now)


@route(bp, "/v1/admin/staff", "GET", query=PageQuery, response=Page[Staff])
def list_staff(call: Call) -> Page[Staff]:
    """The staff accounts, by username.

    Roles and whether each is disabled; never a password. Paginated with `limit` and `cursor`.
    """
    return staff.list_staff(limit=call.query.limit, cursor=call.query.cursor)


@route(bp, "/v1/admin/staff/{staff_id}", "PATCH", body=StaffPatch, response=Staff)
def update_staff(call: Call, staff_id: str) -> Staff:
    """Change a staff account's roles, password or `disabled`.

    Only the fields sent change (`username`, if sent, must be the account's: 422 `USERNAME_IMMUTABLE`).
    Disabling the account or changing its password ends its tokens at once (401 `TOKEN_REVOKED` on their next
    call); a change of roles applies to its next call. The seeded `admin` keeps the admin role and stays
    enabled, and nobody disables or demotes themselves (422 `PROTECTED_ACCOUNT`). 404 for no such account.
    Recorded in the audit trail.
    """
    return staff.update_staff(staff_id, call.body, by=call.user_id, now=call.now)


@route(bp, "/v1/admin/audit", "GET", query=PageQuery, response=Page[AuditEntry])
def list_audit(call: Call) -> Page[AuditEntry]:
    """Every operator action, newest first.

    Each entry: `at`, `staff` (the staff id; `staff_username` beside it), `action` (e.g. `order.cancel`,
    `worker.approve`, `withdrawal.approve`, `staff.update`), `target` (`{kind}:{id}`) and `details`. Written in
    the same transaction as the action, so a refused action leaves none. Paginated with `limit` and `cursor`.
    """
    return staff.list_audit(limit=call.query.limit, cursor=call.query.cursor)
