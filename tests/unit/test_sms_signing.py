"""Tencent Cloud's TC3-HMAC-SHA256 request signature, and the phone numbers the SMS API accepts."""

from __future__ import annotations

import json

from functions.notifications.sms import e164, tc3_signature

# A request body and the signature Tencent Cloud's own Python SDK signer (tencentcloud-sdk-python-common,
# ``Sign.sign_tc3`` over the documented canonical request) computes for it: a vector from outside our code.
BODY = json.dumps(
    {
        "PhoneNumberSet": ["+8613800000000"],
        "SmsSdkAppId": "1400000000",
        "SignName": "家政服务",
        "TemplateId": "1000001",
        "TemplateParamSet": ["日常保洁", "12月1日 09:00"],
    }
).encode()
SDK_SIGNATURE = "c0b8af96611919b1ee55d566b3c05d0fec5dcb8f0d2d5b7da5c69386620ffd9d"


def test_signature_matches_tencent_clouds_own_signer() -> None:
    scope, signature = tc3_signature(
        "secret-key-test",
        method="POST",
        host="sms.tencentcloudapi.com",
        action="SendSms",
        body=BODY,
        timestamp=1764547200,
        service="sms",
    )
    assert scope == "2025-12-01/sms/tc3_request"
    assert signature == SDK_SIGNATURE


def test_any_change_to_the_body_breaks_the_signature() -> None:
    _, signature = tc3_signature(
        "secret-key-test",
        method="POST",
        host="sms.tencentcloudapi.com",
        action="SendSms",
        body=BODY.replace(b"1000001", b"1000002"),
        timestamp=1764547200,
        service="sms",
    )
    assert signature != SDK_SIGNATURE


def test_mainland_numbers_get_the_country_code_and_junk_is_refused() -> None:
    assert e164("13800000000") == "+8613800000000"
    assert e164("138 0000-0000") == "+8613800000000"
    assert e164("8613800000000") == "+8613800000000"
    assert e164("+85212345678") == "+85212345678"
    assert e164("call me") is None
