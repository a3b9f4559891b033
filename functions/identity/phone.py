"""Phone numbers: an SMS verification code (短信验证码) sent and checked, or WeChat's getPhoneNumber code exchanged,
then the phone bound to the customer's or worker's account. The bound phone is the one ``contact_for`` gives to
notifications and operators.

SMS codes (INTEGRATIONS.md "Phone numbers"): 6 digits, valid ``sms_code_ttl_seconds``, ``sms_code_max_tries`` wrong
guesses, one per phone every ``sms_code_resend_seconds``, at most ``sms_code_daily_per_phone`` a day to one phone
and ``sms_code_daily_per_ip`` a day asked for from one client IP. Only an HMAC of the code is stored (never the code,
never logged). Mainland mobile numbers only (11 digits starting with 1).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from common.clock import iso
from common.errors import Conflict, NotFound, RetryLater, RuleViolation, UpstreamError
from common.log import logger
from common.settings import get_settings

from functions.identity import rules, store
from functions.identity.models import PhoneBinding, SmsCodeSent
from functions.identity.wechat import WeChatPhone
from functions.notifications import SmsRefused, SmsSender, SmsUnavailable

# What the code's TTL item outlives its validity by (DynamoDB deletes expired items within a day or two anyway).
_CODE_ITEM_GRACE = timedelta(hours=1)
_DAY_COUNT_TTL = timedelta(days=2)


def code_rules() -> rules.CodeRules:
    s = get_settings()
    return rules.CodeRules(
        s.sms_code_ttl_seconds,
        s.sms_code_max_tries,
        s.sms_code_resend_seconds,
        s.sms_code_daily_per_phone,
        s.sms_code_daily_per_ip,
    )


def _phone(raw: str) -> str:
    phone = rules.mainland_phone(raw)
    if phone is None:
        raise RuleViolation("a mainland mobile number: 11 digits starting with 1", code="INVALID_PHONE")
    return phone


def _secret() -> str:
    return get_settings().sms_code_secret.get_secret_value()


def send_sms_code(
    user_id: str,
    raw_phone: str,
    *,
    ip: str,
    now: datetime,
    sms: SmsSender,
    randbelow: Callable[[int], int],
) -> SmsCodeSent:
    """Send a fresh code to the phone, replacing any earlier one. Over a limit → 429 ``RATE_LIMITED`` with
    Retry-After (the resend interval's rest, or until the day's end for the daily caps)."""
    phone, limits = _phone(raw_phone), code_rules()
    now = now.replace(microsecond=0)  # the code's times are whole seconds, as stored
    code = rules.new_code(randbelow)
    digest = rules.code_hash(_secret(), phone, user_id, code)
    valid_until = now + timedelta(seconds=limits.ttl_seconds)
    item = store.SmsCodeItem(
        *store.sms_code_key(phone),
        user_id=user_id,
        code_hash=digest,
        sent_at=iso(now),
        sent_epoch=int(now.timestamp()),
        valid_until=iso(valid_until),
        tries=0,
        expires_at=int((valid_until + _CODE_ITEM_GRACE).timestamp()),
    )
    blocked = store.put_sms_code(
        item,
        resend_before=int(now.timestamp()) - limits.resend_seconds,
        day=now.date().isoformat(),
        ip=ip,
        caps=(limits.daily_per_phone, limits.daily_per_ip),
        ttl=int((now + _DAY_COUNT_TTL).timestamp()),
    )
    if blocked == "resend":
        last = store.get_sms_code(phone)
        last_sent = datetime.fromisoformat(last.sent_at) if last else None
        wait = rules.resend_wait_seconds(last_sent, now, limits.resend_seconds)
        raise RetryLater(f"a code was just sent; ask again in {wait} s", retry_after=wait)
    if blocked in ("phone", "ip"):
        raise RetryLater(
            f"too many codes today for this {'phone' if blocked == 'phone' else 'client'}",
            retry_after=rules.seconds_until_next_day(now),
        )
    minutes = str(max(1, limits.ttl_seconds // 60))
    try:
        sms.send(phone, get_settings().sms_verification_template, [code, minutes])
    except SmsRefused as exc:
        store.forget_sms_code(phone, digest)
        logger.warning("verification SMS refused", extra={"provider_code": exc.code})
        raise RuleViolation("this number cannot receive SMS", code="INVALID_PHONE") from None
    except SmsUnavailable:
        store.forget_sms_code(phone, digest)  # the phone may ask again at once
        raise UpstreamError("the SMS service is unavailable, try again") from None
    return SmsCodeSent(expires_in_seconds=limits.ttl_seconds, resend_after_seconds=limits.resend_seconds)


def bind_by_sms(user_id: str, raw_phone: str, code: str, *, now: datetime) -> PhoneBinding:
    """Bind the phone if ``code`` is the one last sent to it for this user: 422 ``SMS_CODE_INVALID`` (wrong, or
    none asked for), ``SMS_CODE_EXPIRED``, ``SMS_CODE_TRIES_EXCEEDED`` (ask for a new code). Each check spends one
    try before the comparison, so concurrent guesses cannot exceed the limit."""
    phone, limits = _phone(raw_phone), code_rules()
    current = store.get_sms_code(phone)
    if current is None or current.user_id != user_id:
        raise RuleViolation("wrong code, or none was asked for this number", code="SMS_CODE_INVALID")
    if now >= datetime.fromisoformat(current.valid_until):
        raise RuleViolation("the code has expired; ask for a new one", code="SMS_CODE_EXPIRED")
    spent = store.spend_sms_try(phone, current.code_hash, limits.max_tries)
    if spent is None:
        raise RuleViolation("too many wrong codes; ask for a new one", code="SMS_CODE_TRIES_EXCEEDED")
    if not rules.code_matches(_secret(), phone, user_id, code, current.code_hash):
        left = max(0, limits.max_tries - int(spent.tries))
        raise RuleViolation(f"wrong code ({left} tries left)", code="SMS_CODE_INVALID")
    return _bind(user_id, phone, source="sms", now=now, spend_code=current.code_hash)


def bind_by_wechat(user_id: str, code: str, *, now: datetime, wechat: WeChatPhone) -> PhoneBinding:
    """Bind the phone WeChat gives for a getPhoneNumber ``code`` (mainland numbers only)."""
    number = wechat.phone_number(code)
    phone = rules.mainland_phone(number.phone) if number.country_code in ("86", "") else None
    if phone is None:
        raise RuleViolation("only mainland mobile numbers can be bound", code="INVALID_PHONE")
    return _bind(user_id, phone, source="wechat", now=now)


def _bind(
    user_id: str, phone: str, *, source: str, now: datetime, spend_code: str | None = None
) -> PhoneBinding:
    user = store.get_user(user_id)
    if user is None:
        raise NotFound("no such user")
    at = iso(now)
    if not store.bind_phone(user, phone, source=source, at=at, spend_code=spend_code):
        if store.user_id_for_phone(user.role, phone) not in (None, user_id):
            raise Conflict("this number is bound to another account", code="PHONE_TAKEN")
        raise RuleViolation("the code was just used; ask for a new one", code="SMS_CODE_INVALID")
    return PhoneBinding(phone=phone, source=source, bound_at=at)  # type: ignore[arg-type]
