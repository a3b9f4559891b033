"""Identity's items in the one table (docs/access-patterns.md):

- user:           USER#{id} / PROFILE
- openid lookup:  OPENID#{role}#{openid} / USER   (guards one user per openid and role)
- operator:       OPERATOR#{username} / PROFILE
- address:        USER#{id} / ADDR#{address id}
- customer search (operators, analytics' customer list): a customer's profile carries
  GSI3 ``CUSTNAME#{first character of the nickname}`` → ``{nickname, lower case}#{id}`` and
  GSI4 ``CUSTPHONE#{first 3 digits}`` → ``{phone}#{id}``, set whenever the nickname or phone changes
"""

from __future__ import annotations

from datetime import datetime

from common import events
from common.clock import iso
from common.db import Item, connection
from common.ids import derived_id
from common.pagination import StorePage
from common.table import GSI3, GSI4
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite


class UserItem(Item):
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
    by_nickname = GSI3()
    by_phone = GSI4()


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


def customer_search_keys(role: str, nickname: str | None, phone: str | None) -> dict[str, str | None]:
    """The search index keys of a customer's profile with this nickname and phone (None: not indexed)."""
    keys: dict[str, str | None] = dict.fromkeys(("GSI3PK", "GSI3SK", "GSI4PK", "GSI4SK"))
    if role != "customer":
        return keys
    if nickname:
        keys["GSI3PK"], keys["GSI3SK"] = f"CUSTNAME#{nickname[0].lower()}", f"{nickname.lower()}#"
    if phone and len(phone) >= 3:
        keys["GSI4PK"], keys["GSI4SK"] = f"CUSTPHONE#{phone[:3]}", f"{phone}#"
    return keys


def update_user(user: UserItem, changes: dict[str, str | None]) -> UserItem:
    if "nickname" in changes or "phone" in changes:
        nickname = changes.get("nickname", user.nickname)
        phone = changes.get("phone", user.phone)
        keys = customer_search_keys(user.role, nickname, phone)
        changes = {**changes, **{k: (v + user.id if v and k.endswith("SK") else v) for k, v in keys.items()}}
    actions = [
        getattr(UserItem, name).set(value) if value is not None else getattr(UserItem, name).remove()
        for name, value in changes.items()
    ]
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


def customer_search_partition(q: str) -> tuple[str, str]:
    """(index key attribute, partition) that a search for ``q`` reads: the cursor must stay in it."""
    if q.isdigit() and len(q) >= 3:
        return "GSI4PK", f"CUSTPHONE#{q[:3]}"
    return "GSI3PK", f"CUSTNAME#{q[0].lower()}"


def find_customers(q: str, limit: int, start: dict | None) -> StorePage[UserItem]:
    """Customers whose phone (``q`` of 3 or more digits) or nickname starts with ``q``: one Query on GSI4 / GSI3."""
    if q.isdigit() and len(q) >= 3:
        result = UserItem.by_phone.query(
            f"CUSTPHONE#{q[:3]}", UserItem.GSI4SK.startswith(q), limit=limit, last_evaluated_key=start
        )
    else:
        folded = q.lower()
        result = UserItem.by_nickname.query(
            f"CUSTNAME#{folded[0]}", UserItem.GSI3SK.startswith(folded), limit=limit, last_evaluated_key=start
        )
    return StorePage.of(result)
