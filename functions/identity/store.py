"""Identity's items in the one table (docs/access-patterns.md):

- user:           USER#{id} / PROFILE
- openid lookup:  OPENID#{role}#{openid} / USER   (guards one user per openid and role)
- operator:       OPERATOR#{username} / PROFILE
- address:        USER#{id} / ADDR#{address id}
- birthdays:      a customer's user item with a birthday is in GSI1 BIRTHDAY#{MM-DD} / USER#{id} (sparse: marketing's
                  daily birthday perks read one day's partition)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from common import events
from common.clock import iso
from common.db import Item, connection
from common.ids import derived_id
from common.pagination import StorePage
from common.table import GSI1
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite


class UserItem(Item):
    by_birthday = GSI1()

    id = UnicodeAttribute()
    role = UnicodeAttribute()
    openid = UnicodeAttribute()
    nickname = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    birthday = UnicodeAttribute(null=True)
    region = UnicodeAttribute(null=True)
    referral_code = UnicodeAttribute()
    referred_by = UnicodeAttribute(null=True)
    address_count = NumberAttribute(null=True)
    created_at = UnicodeAttribute()


class OpenIdItem(Item):
    user_id = UnicodeAttribute()


class OperatorItem(Item):
    id = UnicodeAttribute()
    username = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    created_at = UnicodeAttribute()


class AddressItem(Item):
    id = UnicodeAttribute()
    contact_name = UnicodeAttribute()
    phone = UnicodeAttribute()
    region = UnicodeAttribute()
    detail = UnicodeAttribute()
    lat = NumberAttribute()
    lng = NumberAttribute()


def user_key(user_id: str) -> tuple[str, str]:
    return f"USER#{user_id}", "PROFILE"


def get_user(user_id: str) -> UserItem | None:
    try:
        return UserItem.get(*user_key(user_id))
    except DoesNotExist:
        return None


def user_id_for_openid(role: str, openid: str) -> str | None:
    try:
        return OpenIdItem.get(f"OPENID#{role}#{openid}", "USER").user_id
    except DoesNotExist:
        return None


def create_user(user: UserItem, now: datetime) -> bool:
    """Write the user, its openid lookup and its ``UserRegistered`` event in one transaction; False if that
    openid already has a user."""
    lookup = OpenIdItem(f"OPENID#{user.role}#{user.openid}", "USER", user_id=user.id)
    detail = {"user_id": user.id, "role": user.role, "referral_code": user.referred_by, "at": iso(now)}
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(lookup, condition=OpenIdItem.PK.does_not_exist())
            tx.save(user, condition=UserItem.PK.does_not_exist())
            events.add(
                tx, "UserRegistered", detail, event_id=derived_id(now, f"registered#{user.id}"), now=now
            )
    except TransactWriteError as exc:
        if exc.cause_response_code == "TransactionCanceledException":
            return False
        raise
    return True


def birthday_partition(month_day: str) -> str:
    return f"BIRTHDAY#{month_day}"


def update_user(user: UserItem, changes: dict[str, str | None]) -> UserItem:
    actions = [
        getattr(UserItem, name).set(value) if value is not None else getattr(UserItem, name).remove()
        for name, value in changes.items()
    ]
    if "birthday" in changes and user.role == "customer":
        birthday = changes["birthday"]
        if birthday:
            actions += [
                UserItem.GSI1PK.set(birthday_partition(birthday[5:10])),
                UserItem.GSI1SK.set(f"USER#{user.id}"),
            ]
        else:
            actions += [UserItem.GSI1PK.remove(), UserItem.GSI1SK.remove()]
    if actions:
        user.update(actions=actions, condition=UserItem.PK.exists())
    return user


def get_operator(username: str) -> OperatorItem | None:
    try:
        return OperatorItem.get(f"OPERATOR#{username}", "PROFILE")
    except DoesNotExist:
        return None


def put_operator(op: OperatorItem) -> None:
    """Create or replace an operator (the local stack's seed and the deploy-time bootstrap)."""
    op.save()


def add_address(user_id: str, item: AddressItem, limit: int) -> bool:
    """Save an address unless the user already has ``limit`` of them (counted on the profile, atomically)."""
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.update(
                UserItem(*user_key(user_id)),
                actions=[UserItem.address_count.add(1)],
                condition=UserItem.PK.exists()
                & (UserItem.address_count.does_not_exist() | (UserItem.address_count < limit)),
            )
            tx.save(item, condition=AddressItem.PK.does_not_exist())
    except TransactWriteError as exc:
        if exc.cause_response_code == "TransactionCanceledException":
            return False
        raise
    return True


def user_partition(user_id: str) -> str:
    return f"USER#{user_id}"


def list_addresses(user_id: str, limit: int, start: dict | None) -> StorePage[AddressItem]:
    result = AddressItem.query(
        user_partition(user_id), AddressItem.SK.startswith("ADDR#"), limit=limit, last_evaluated_key=start
    )
    return StorePage.of(result)


def get_address(user_id: str, address_id: str) -> AddressItem | None:
    try:
        return AddressItem.get(f"USER#{user_id}", f"ADDR#{address_id}")
    except DoesNotExist:
        return None


def customers_born_on(month_day: str, page: int = 100) -> Iterator[list[str]]:
    """The ids of customers whose birthday is ``month_day`` (MM-DD), a page at a time (one Query each)."""
    start = None
    while True:
        result = UserItem.by_birthday.query(
            birthday_partition(month_day), limit=page, last_evaluated_key=start
        )
        ids = [u.id for u in result]
        start = result.last_evaluated_key
        if ids:
            yield ids
        if not start:
            return
