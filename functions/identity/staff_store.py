"""Staff accounts (operators) in the one table (docs/access-patterns.md):

- staff account:  OPERATOR#{username} / PROFILE, in GSI1 ``STAFF`` → ``{username}`` (the staff list, by name).
  Its id is ``op_{username}`` (usernames never change), so a token's ``sub`` and a path's id name the item
  without a lookup. ``roles``, ``disabled`` and ``token_version`` (ADD 1 whenever tokens must stop working:
  disabled, password changed) are what the staff check reads on every admin call.

An account written before roles existed has no ``roles``: it was the bootstrapped operator, who could do
everything, so it reads as ``admin``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from common import audit
from common.db import Item, connection
from common.pagination import StorePage
from common.table import GSI1
from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

ID_PREFIX = "op_"
LIST_PARTITION = "STAFF"


class StaffItem(Item):
    by_list = GSI1()

    id = UnicodeAttribute()
    username = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)
    roles = ListAttribute(of=UnicodeAttribute, null=True)
    disabled = BooleanAttribute(null=True)
    token_version = NumberAttribute(null=True)


def staff_key(username: str) -> tuple[str, str]:
    return f"OPERATOR#{username}", "PROFILE"


def staff_id(username: str) -> str:
    return f"{ID_PREFIX}{username}"


def username_of(staff_id_: str) -> str | None:
    """The username a staff id names (None: not a staff id)."""
    return staff_id_.removeprefix(ID_PREFIX) if staff_id_.startswith(ID_PREFIX) else None


def roles_of(item: StaffItem) -> list[str]:
    return list(item.roles) if item.roles is not None else ["admin"]


def new_item(username: str, password_hash: str, roles: list[str], at: str) -> StaffItem:
    return StaffItem(
        *staff_key(username),
        id=staff_id(username),
        username=username,
        password_hash=password_hash,
        roles=roles,
        disabled=False,
        token_version=0,
        created_at=at,
        updated_at=at,
        GSI1PK=LIST_PARTITION,
        GSI1SK=username,
    )


def get(username: str, *, consistent: bool = False) -> StaffItem | None:
    try:
        return StaffItem.get(*staff_key(username), consistent_read=consistent)
    except DoesNotExist:
        return None


def get_by_id(staff_id_: str, *, consistent: bool = False) -> StaffItem | None:
    username = username_of(staff_id_)
    return get(username, consistent=consistent) if username else None


def put(item: StaffItem) -> None:
    """Create or replace an account (the local stack's seed and the deploy-time bootstrap)."""
    item.save()


def create(item: StaffItem, *, by: str, now: datetime) -> bool:
    """A new account with its audit item; False when the username is taken."""
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(item, condition=StaffItem.PK.does_not_exist())
            audit.add(
                tx,
                by,
                "staff.create",
                f"staff:{item.id}",
                {"username": item.username, "roles": item.roles},
                now,
            )
    except TransactWriteError as exc:
        if exc.cause_response_code == "TransactionCanceledException":
            return False
        raise
    return True


def update(
    item: StaffItem, changes: dict[str, Any], *, revoke: bool, details: dict[str, Any], by: str, now: datetime
) -> bool:
    """Change an account (``changes``: attribute → value) from the version read, ADD 1 to its token version when
    ``revoke``, with its audit item; False when the account changed meanwhile."""
    actions = [getattr(StaffItem, name).set(value) for name, value in changes.items()]
    if revoke:
        actions.append(StaffItem.token_version.add(1))
    previous = item.token_version
    unchanged = (
        StaffItem.token_version.does_not_exist() if previous is None else StaffItem.token_version == previous
    )
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.update(item, actions=actions, condition=StaffItem.PK.exists() & unchanged)
            audit.add(tx, by, "staff.update", f"staff:{item.id}", details, now)
    except TransactWriteError as exc:
        if exc.cause_response_code == "TransactionCanceledException":
            return False
        raise
    return True


def page(limit: int, start: dict[str, Any] | None) -> StorePage[StaffItem]:
    """Staff accounts by username: one Query of GSI1 ``STAFF``."""
    return StorePage.of(StaffItem.by_list.query(LIST_PARTITION, limit=limit, last_evaluated_key=start))
