"""Identity's items in the one table (docs/access-patterns.md):

- user:           USER#{id} / PROFILE
- openid lookup:  OPENID#{role}#{openid} / USER   (guards one user per openid and role)
- staff accounts (operators): functions/identity/staff_store.py
- address:        USER#{id} / ADDR#{address id}
- customer search (operators, analytics' customer list): a customer's profile carries
  GSI3 ``CUSTNAME#{first character of the nickname}`` → ``{nickname, lower case}#{id}`` and
  GSI4 ``CUSTPHONE#{first 3 digits}`` → ``{phone}#{id}``, set whenever the nickname or phone changes
- phone lookup:   PHONE#{role}#{phone} / USER       (one account per bound phone and role)
- SMS code:       SMSCODE#{phone} / CODE            (the code's HMAC, its user, expiry, tries; TTL)
- SMS day count:  SMSLIMIT#phone#{phone} / DAY#{date}, SMSLIMIT#ip#{ip} / DAY#{date}   (ADD under a cap; TTL)
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
from common.table import GSI1, GSI3, GSI4
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, DoesNotExist, TransactWriteError, UpdateError
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
    by_nickname = GSI3()
    by_phone = GSI4()
    phone_source = UnicodeAttribute(null=True)  # how the phone was proven: wechat | sms
    phone_bound_at = UnicodeAttribute(null=True)


class OpenIdItem(Item):
    user_id = UnicodeAttribute()


class PhoneItem(Item):
    user_id = UnicodeAttribute()


class SmsCodeItem(Item):
    user_id = UnicodeAttribute()
    code_hash = UnicodeAttribute()
    sent_at = UnicodeAttribute()  # ISO; the resend interval runs from here
    sent_epoch = NumberAttribute()  # the same instant, for the conditional write
    valid_until = UnicodeAttribute()
    tries = NumberAttribute(default=0)
    expires_at = NumberAttribute()  # TTL


class SmsDayCount(Item):
    count = NumberAttribute(default=0)
    expires_at = NumberAttribute()  # TTL


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


# --- phone numbers and SMS codes ---------------------------------------------------------------------------


def phone_key(role: str, phone: str) -> tuple[str, str]:
    return f"PHONE#{role}#{phone}", "USER"


def sms_code_key(phone: str) -> tuple[str, str]:
    return f"SMSCODE#{phone}", "CODE"


def sms_day_key(kind: str, who: str, day: str) -> tuple[str, str]:
    return f"SMSLIMIT#{kind}#{who}", f"DAY#{day}"


def user_id_for_phone(role: str, phone: str) -> str | None:
    try:
        return PhoneItem.get(*phone_key(role, phone)).user_id
    except DoesNotExist:
        return None


def get_sms_code(phone: str) -> SmsCodeItem | None:
    try:
        return SmsCodeItem.get(*sms_code_key(phone), consistent_read=True)
    except DoesNotExist:
        return None


def put_sms_code(
    item: SmsCodeItem, *, resend_before: int, day: str, ip: str, caps: tuple[int, int], ttl: int
) -> str | None:
    """Write a new code for ``item``'s phone and count it against the phone's and the IP's day, in one
    transaction: None when written; otherwise which limit stood in the way: ``resend`` (a code was sent after
    ``resend_before``, epoch seconds), ``phone`` or ``ip`` (that day's cap reached)."""
    phone = item.PK.removeprefix("SMSCODE#")
    per_phone, per_ip = caps
    counters = [(SmsDayCount(*sms_day_key("phone", phone, day)), per_phone)]
    if ip:
        counters.append((SmsDayCount(*sms_day_key("ip", ip, day)), per_ip))
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(
                item,
                condition=SmsCodeItem.PK.does_not_exist() | (SmsCodeItem.sent_epoch <= resend_before),
            )
            for counter, cap in counters:
                tx.update(
                    counter,
                    actions=[SmsDayCount.count.add(1), SmsDayCount.expires_at.set(ttl)],
                    condition=SmsDayCount.count.does_not_exist() | (SmsDayCount.count < cap),
                )
    except TransactWriteError as exc:
        if exc.cause_response_code != "TransactionCanceledException":
            raise
        reasons = [getattr(r, "code", None) for r in (exc.cancellation_reasons or [])]
        for reason, name in zip(reasons, ("resend", "phone", "ip"), strict=False):
            if reason == "ConditionalCheckFailed":
                return name
        raise
    return None


def forget_sms_code(phone: str, code_hash: str) -> None:
    """Delete the phone's code if it is still this one (a failed send frees the phone for another try)."""
    try:
        SmsCodeItem(*sms_code_key(phone)).delete(condition=SmsCodeItem.code_hash == code_hash)
    except DeleteError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise


def spend_sms_try(phone: str, code_hash: str, max_tries: int) -> SmsCodeItem | None:
    """Count one try on this very code, atomically and only below ``max_tries``; the item after, or None when
    the code was replaced, used or has no try left."""
    item = SmsCodeItem(*sms_code_key(phone))
    try:
        item.update(
            actions=[SmsCodeItem.tries.add(1)],
            condition=(SmsCodeItem.code_hash == code_hash) & (SmsCodeItem.tries < max_tries),
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise
    return item


def bind_phone(user: UserItem, phone: str, *, source: str, at: str, spend_code: str | None = None) -> bool:
    """Bind ``phone`` to the user in one transaction: the phone's lookup (no other account of the role may hold
    it), the user's phone, the lookup of the phone it replaces removed, and the SMS code spent (deleted while
    still that code) when one proved it. False when another account holds the phone or the code was spent."""
    lookup = PhoneItem(*phone_key(user.role, phone), user_id=user.id)
    search = customer_search_keys(user.role, user.nickname, phone)  # operators find customers by phone
    indexed = [UserItem.GSI4PK.set(search["GSI4PK"]), UserItem.GSI4SK.set(f"{search['GSI4SK']}{user.id}")]
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(lookup, condition=PhoneItem.PK.does_not_exist() | (PhoneItem.user_id == user.id))
            tx.update(
                UserItem(*user_key(user.id)),
                actions=[
                    UserItem.phone.set(phone),
                    UserItem.phone_source.set(source),
                    UserItem.phone_bound_at.set(at),
                    *(indexed if search["GSI4PK"] else []),
                ],
                condition=UserItem.PK.exists(),
            )
            if user.phone and user.phone != phone:
                old = PhoneItem(*phone_key(user.role, user.phone))
                # A phone typed in before binding existed has no lookup: nothing to remove then.
                tx.delete(old, condition=PhoneItem.PK.does_not_exist() | (PhoneItem.user_id == user.id))
            if spend_code is not None:
                tx.delete(SmsCodeItem(*sms_code_key(phone)), condition=SmsCodeItem.code_hash == spend_code)
    except TransactWriteError as exc:
        if exc.cause_response_code == "TransactionCanceledException":
            return False
        raise
    return True


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
