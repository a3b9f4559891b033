"""Identity routes: WeChat and operator login, the customer's profile and addresses, phone binding."""

from __future__ import annotations

import secrets

from chalice import Blueprint
from common.api import Call, route
from common.ids import new_id
from common.pagination import Page, PageQuery

from functions.identity import phone, service, staff
from functions.identity.maps import TencentGeocoder
from functions.identity.models import (
    Address,
    AddressIn,
    LoginResponse,
    OperatorLoginRequest,
    PhoneBinding,
    PhoneBindRequest,
    Profile,
    ProfilePatch,
    SmsCodeRequest,
    SmsCodeSent,
    WeChatLoginRequest,
)
from functions.identity.staff_models import OperatorLoginResponse
from functions.identity.wechat import WeChatLoginClient, WeChatPhoneClient
from functions.notifications import sms_sender

bp = Blueprint(__name__)


@route(
    bp,
    "/v1/auth/wechat",
    "POST",
    body=WeChatLoginRequest,
    response=LoginResponse,
    auth=None,
    errors=(401, 429, 502),
)
def wechat_login(call: Call) -> LoginResponse:
    """Log in from the mini-program with a `wx.login` code.

    The code is exchanged with WeChat (code2Session) for the user's openid; the first login creates the user
    (`user.is_new`). The token carries the role asked for and lasts ``settings.token_ttl_minutes`` minutes.
    401 `INVALID_CODE` for a code WeChat refuses or one already used; 429 or 502 when WeChat rate-limits or
    fails (log in again with a new code). In the local stack the code `dev:NAME` logs in as openid `NAME`.
    """
    return service.login_wechat(
        call.body, now=call.now, wechat=WeChatLoginClient.from_settings(), new_id=new_id
    )


@route(
    bp,
    "/v1/auth/operator",
    "POST",
    body=OperatorLoginRequest,
    response=OperatorLoginResponse,
    auth=None,
    errors=(401,),
)
def operator_login(call: Call) -> OperatorLoginResponse:
    """Log in to the admin console as a staff member.

    With the account's username and password; the answer is the token and the account's `roles` (the token's
    payload carries the same `roles` claim, and `sub` is the staff id). The token lasts
    ``settings.token_ttl_minutes`` minutes, and stops working at once when the account is disabled or its
    password changes. An unknown username and a wrong password get the same 401 `BAD_CREDENTIALS`; the right
    password of a disabled account 401 `ACCOUNT_DISABLED`.
    """
    return staff.login_operator(call.body.username, call.body.password, now=call.now)


@route(bp, "/v1/me", "GET", response=Profile)
def get_me(call: Call) -> Profile:
    """The customer's own profile.

    Nickname, phone, birthday, region and the customer's own referral code, as only its owner sees them.
    """
    return service.get_profile(call.user_id)


@route(bp, "/v1/me", "PATCH", body=ProfilePatch, response=Profile)
def patch_me(call: Call) -> Profile:
    """Change nickname, birthday or region.

    Only the fields sent change; the answer is the whole profile as it is now. The phone is bound by proof
    (`POST /v1/me/phone`); sending the bound phone again is allowed.
    """
    return service.update_profile(call.user_id, call.body)


@route(bp, "/v1/me/addresses", "POST", body=AddressIn, response=Address, status=201)
def add_address(call: Call) -> Address:
    """Save a service address.

    Coordinates are GCJ-02, as the mini-program's location APIs give them; without `lat`/`lng` the address is
    geocoded from `region` + `detail` by the map provider (422 `ADDRESS_NOT_FOUND`); a point outside the
    service area is 422 `OUT_OF_SERVICE_AREA`. Quotes, matches and orders name the address by its `id`. A
    customer keeps a limited number of addresses (422 `TOO_MANY_ADDRESSES`).
    """
    return service.add_address(
        call.user_id, call.body, new_id=new_id, geocoder=TencentGeocoder.from_settings()
    )


@route(bp, "/v1/me/addresses", "GET", query=PageQuery, response=Page[Address])
def list_addresses(call: Call) -> Page[Address]:
    """The customer's addresses.

    Only the caller's own, paginated with `limit` and `cursor`.
    """
    return service.list_addresses(call.user_id, limit=call.query.limit, cursor=call.query.cursor)


@route(
    bp, "/v1/auth/sms-code", "POST", body=SmsCodeRequest, response=SmsCodeSent, auth=("customer", "worker")
)
def request_sms_code(call: Call) -> SmsCodeSent:
    """Send a verification code by SMS.

    A customer or worker asks for a 6-digit code to a mainland mobile number (else 422 `INVALID_PHONE`), to
    bind it with `POST /v1/me/phone` or `POST /v1/worker/phone`. The code is valid
    ``settings.sms_code_ttl_seconds`` seconds and survives ``settings.sms_code_max_tries`` wrong guesses. One
    code per phone every ``settings.sms_code_resend_seconds`` seconds, at most
    ``settings.sms_code_daily_per_phone`` a day per phone and ``settings.sms_code_daily_per_ip`` per client:
    beyond that 429 `RATE_LIMITED` with `Retry-After`. 502 when the SMS service fails.
    """
    return phone.send_sms_code(
        call.user_id,
        call.body.phone,
        ip=call.source_ip,
        now=call.now,
        sms=sms_sender(),
        randbelow=secrets.randbelow,
    )


def _bind(call: Call) -> PhoneBinding:
    body: PhoneBindRequest = call.body
    if body.code is not None:
        return phone.bind_by_wechat(
            call.user_id, body.code, now=call.now, wechat=WeChatPhoneClient.from_settings()
        )
    assert body.phone is not None and body.sms_code is not None
    return phone.bind_by_sms(call.user_id, body.phone, body.sms_code, now=call.now)


@route(bp, "/v1/me/phone", "POST", body=PhoneBindRequest, response=PhoneBinding)
def bind_customer_phone(call: Call) -> PhoneBinding:
    """Bind the customer's phone.

    With `code` from the mini-program's getPhoneNumber (422 `PHONE_CODE_INVALID` when WeChat refuses it), or
    with `phone` and the `sms_code` sent by `POST /v1/auth/sms-code` (422 `SMS_CODE_INVALID`,
    `SMS_CODE_EXPIRED`, `SMS_CODE_TRIES_EXCEEDED`). Only mainland mobile numbers (422 `INVALID_PHONE`); a
    number bound to another account is 409 `PHONE_TAKEN`. The answer is the phone now bound, with its source.
    """
    return _bind(call)


@route(bp, "/v1/worker/phone", "POST", body=PhoneBindRequest, response=PhoneBinding)
def bind_worker_phone(call: Call) -> PhoneBinding:
    """Bind the worker's phone.

    As the customer's `POST /v1/me/phone`: WeChat's getPhoneNumber `code` (422 `PHONE_CODE_INVALID`), or
    `phone` and `sms_code` from `POST /v1/auth/sms-code` (422 `SMS_CODE_INVALID`, `SMS_CODE_EXPIRED`,
    `SMS_CODE_TRIES_EXCEEDED`). Only mainland mobile numbers (422 `INVALID_PHONE`); a number bound to another
    account is 409 `PHONE_TAKEN`.
    """
    return _bind(call)
