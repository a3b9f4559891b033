"""Phone binding: an SMS code sent through the SMS provider (6 digits, 5 minutes, 5 tries, one a minute, daily caps
per phone and per client, kept only as a hash), or WeChat's getPhoneNumber code exchanged with the cached access
token; the bound phone is the one notifications reach."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta

import boto3
import pytest
from common.clock import clock
from common.settings import get_settings
from common.wechat_api import AccessTokens, WeChatServerApi

from functions.identity import contact_for
from functions.identity.wechat import WeChatPhoneClient
from functions.notifications.wechat import SubscribeMessageClient
from infra.standins.sms import SmsStandIn
from infra.standins.wechat import WeChatStandIn
from tests.integration.conftest import Api
from tests.integration.identity_helpers import bind_phone, codes_sent, fresh_phone


@pytest.fixture
def app(api: Api, sms: SmsStandIn, wechat: WeChatStandIn) -> Iterator[Api]:
    yield api
    clock.reset()


def me(api: Api, token: str) -> dict:
    return api.get("/v1/me", token=token).body


def ask(api: Api, token: str, phone: str) -> tuple[int, dict, dict]:
    reply = api.post("/v1/auth/sms-code", {"phone": phone}, token=token)
    return reply.status, reply.body, reply.headers


def error(reply) -> str:
    return reply.body["error"]["code"]


def test_a_customer_binds_the_phone_an_sms_code_was_sent_to(app: Api, sms: SmsStandIn) -> None:
    token, phone = app.login("ph-amy"), fresh_phone()
    status, body, _ = ask(app, token, phone)
    assert status == 200 and body == {"expires_in_seconds": 300, "resend_after_seconds": 60}
    [text] = [m for m in sms.sent_to(f"+86{phone}")]
    assert text.template_id == get_settings().sms_verification_template
    assert len(text.params[0]) == 6 and text.params[0].isdigit() and text.params[1] == "5"

    bound = app.post("/v1/me/phone", {"phone": phone, "sms_code": text.params[0]}, token=token)
    assert bound.status == 200 and (bound.body["phone"], bound.body["source"]) == (phone, "sms")
    assert me(app, token)["phone"] == phone
    assert contact_for(me(app, token)["id"]).phone == phone  # what notifications reach
    again = app.post("/v1/me/phone", {"phone": phone, "sms_code": text.params[0]}, token=token)
    assert error(again) == "SMS_CODE_INVALID"  # a code binds once


def test_the_code_is_kept_only_as_a_hash(app: Api, sms: SmsStandIn) -> None:
    token, phone = app.login("ph-bo"), fresh_phone()
    ask(app, token, phone)
    [code] = codes_sent(sms, phone)
    table = get_settings().table_name
    items = boto3.client("dynamodb").query(
        TableName=table,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"SMSCODE#{phone}"}},
    )["Items"]
    assert len(items) == 1 and code not in json.dumps(items)


def test_a_wrong_code_is_refused_and_after_five_tries_even_the_right_one_is(
    app: Api, sms: SmsStandIn
) -> None:
    token, phone = app.login("ph-cy"), fresh_phone()
    ask(app, token, phone)
    [code] = codes_sent(sms, phone)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for left in (4, 3, 2, 1, 0):
        reply = app.post("/v1/me/phone", {"phone": phone, "sms_code": wrong}, token=token)
        assert reply.status == 422 and error(reply) == "SMS_CODE_INVALID"
        assert f"{left} tries left" in reply.body["error"]["message"]
    sixth = app.post("/v1/me/phone", {"phone": phone, "sms_code": code}, token=token)
    assert sixth.status == 422 and error(sixth) == "SMS_CODE_TRIES_EXCEEDED"
    assert me(app, token)["phone"] is None

    clock.advance(timedelta(seconds=60))  # a new code, and it works
    ask(app, token, phone)
    reply = app.post("/v1/me/phone", {"phone": phone, "sms_code": codes_sent(sms, phone)[-1]}, token=token)
    assert reply.status == 200


def test_a_code_is_good_for_five_minutes_and_not_a_second_more(app: Api, sms: SmsStandIn) -> None:
    sent_at = datetime.fromisoformat("2026-12-01T10:00:00+08:00")
    early, late = app.login("ph-di"), app.login("ph-ed")
    phone_early, phone_late = fresh_phone(), fresh_phone()
    clock.set(sent_at)
    ask(app, early, phone_early)
    ask(app, late, phone_late)
    clock.set(sent_at + timedelta(seconds=299))
    ok = app.post(
        "/v1/me/phone", {"phone": phone_early, "sms_code": codes_sent(sms, phone_early)[0]}, token=early
    )
    assert ok.status == 200
    clock.set(sent_at + timedelta(seconds=300))
    expired = app.post(
        "/v1/me/phone", {"phone": phone_late, "sms_code": codes_sent(sms, phone_late)[0]}, token=late
    )
    assert expired.status == 422 and error(expired) == "SMS_CODE_EXPIRED"


def test_a_second_code_to_one_phone_waits_for_the_resend_interval(app: Api, sms: SmsStandIn) -> None:
    token, phone = app.login("ph-fu"), fresh_phone()
    ask(app, token, phone)
    clock.advance(timedelta(seconds=45))
    status, body, headers = ask(app, token, phone)
    assert status == 429 and body["error"]["code"] == "RATE_LIMITED"
    assert 10 <= int(headers["Retry-After"]) <= 15  # the interval's rest (the wall clock runs on meanwhile)
    assert len(codes_sent(sms, phone)) == 1  # nothing sent

    clock.advance(timedelta(seconds=15))
    assert ask(app, token, phone)[0] == 200
    first, second = codes_sent(sms, phone)
    if first != second:  # the new code replaces the old one
        stale = app.post("/v1/me/phone", {"phone": phone, "sms_code": first}, token=token)
        assert error(stale) == "SMS_CODE_INVALID"
    assert app.post("/v1/me/phone", {"phone": phone, "sms_code": second}, token=token).status == 200


def test_codes_to_one_phone_are_capped_a_day(
    app: Api, sms: SmsStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMS_CODE_DAILY_PER_PHONE", "2")
    get_settings.cache_clear()
    clock.set(datetime.fromisoformat("2026-12-01T10:00:00+08:00"))
    token, phone = app.login("ph-gao"), fresh_phone()
    assert ask(app, token, phone)[0] == 200
    clock.advance(timedelta(seconds=60))
    assert ask(app, token, phone)[0] == 200
    clock.advance(timedelta(seconds=60))
    status, body, headers = ask(app, token, phone)
    assert status == 429 and body["error"]["code"] == "RATE_LIMITED"
    assert 14 * 3600 - 130 <= int(headers["Retry-After"]) <= 14 * 3600 - 120  # until midnight in Shanghai
    assert len(codes_sent(sms, phone)) == 2
    clock.set(datetime.fromisoformat("2026-12-02T00:00:01+08:00"))
    assert ask(app, app.login("ph-gao"), phone)[0] == 200  # a new day
    monkeypatch.delenv("SMS_CODE_DAILY_PER_PHONE")
    get_settings.cache_clear()


def test_codes_asked_from_one_client_are_capped_a_day(app: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMS_CODE_DAILY_PER_IP", "3")
    get_settings.cache_clear()
    token = app.login("ph-hu")
    assert [ask(app, token, fresh_phone())[0] for _ in range(4)] == [200, 200, 200, 429]
    monkeypatch.delenv("SMS_CODE_DAILY_PER_IP")
    get_settings.cache_clear()


def test_only_mainland_mobile_numbers_get_a_code(app: Api, sms: SmsStandIn) -> None:
    token = app.login("ph-ivy")
    before = len(sms.sent)
    for bad in ("0215551234", "+85261234567", "2381234567", "1381234567"):
        status, body, _ = ask(app, token, bad)
        assert status == 422 and body["error"]["code"] == "INVALID_PHONE", bad
    assert len(sms.sent) == before
    phone = fresh_phone("138")
    assert ask(app, token, f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}")[0] == 200
    assert codes_sent(sms, phone)


def test_a_code_asked_by_one_account_does_not_bind_another(app: Api, sms: SmsStandIn) -> None:
    asker, other, phone = app.login("ph-jo"), app.login("ph-ken"), fresh_phone()
    ask(app, asker, phone)
    reply = app.post("/v1/me/phone", {"phone": phone, "sms_code": codes_sent(sms, phone)[0]}, token=other)
    assert reply.status == 422 and error(reply) == "SMS_CODE_INVALID"


def test_a_phone_bound_to_one_customer_cannot_be_bound_by_another_but_a_worker_may(
    app: Api, sms: SmsStandIn
) -> None:
    phone = fresh_phone()
    bind_phone(app, sms, app.login("ph-lu"), phone)
    clock.advance(timedelta(seconds=60))
    other = app.login("ph-mo")
    ask(app, other, phone)
    taken = app.post("/v1/me/phone", {"phone": phone, "sms_code": codes_sent(sms, phone)[-1]}, token=other)
    assert taken.status == 409 and error(taken) == "PHONE_TAKEN"

    clock.advance(timedelta(seconds=60))
    worker = app.login("ph-nan", role="worker")
    bound = bind_phone(app, sms, worker, phone, path="/v1/worker/phone")
    assert bound["phone"] == phone
    worker_id = app.post("/v1/auth/wechat", {"code": "dev:ph-nan", "role": "worker"}).body["user"]["id"]
    assert contact_for(worker_id).phone == phone


def test_rebinding_a_new_number_frees_the_old_one(app: Api, sms: SmsStandIn) -> None:
    first, second = fresh_phone(), fresh_phone()
    token = app.login("ph-olga")
    bind_phone(app, sms, token, first)
    bind_phone(app, sms, token, second)
    assert me(app, token)["phone"] == second
    bind_phone(app, sms, app.login("ph-pat"), first)  # free again


def test_the_profile_phone_cannot_be_changed_without_proof(app: Api, sms: SmsStandIn) -> None:
    token, phone = app.login("ph-quin"), fresh_phone()
    refused = app.patch("/v1/me", {"phone": "13900001234", "nickname": "小秦"}, token=token)
    assert refused.status == 422 and error(refused) == "PHONE_NOT_VERIFIED"
    assert (me(app, token)["phone"], me(app, token)["nickname"]) == (None, None)  # nothing written
    bind_phone(app, sms, token, phone)
    echoed = app.patch("/v1/me", {"phone": phone, "nickname": "小秦"}, token=token)  # the profile sent back
    assert echoed.status == 200 and (echoed.body["phone"], echoed.body["nickname"]) == (phone, "小秦")


def test_the_sms_provider_down_is_a_502_and_the_phone_may_ask_again_at_once(
    app: Api, sms: SmsStandIn
) -> None:
    token, phone = app.login("ph-rui"), fresh_phone()
    sms.fail_next("InternalError.Timeout")
    status, body, _ = ask(app, token, phone)
    assert status == 502 and body["error"]["code"] == "UPSTREAM_ERROR"
    assert ask(app, token, phone)[0] == 200


def test_a_body_must_be_one_way_or_the_other(app: Api) -> None:
    token = app.login("ph-sam")
    for body in ({}, {"phone": "13800001111"}, {"code": "x", "phone": "13800001111", "sms_code": "123456"}):
        assert app.post("/v1/me/phone", body, token=token).status == 422
    assert app.post("/v1/auth/sms-code", {"phone": "13800001111"}).status == 401


# WeChat's getPhoneNumber


def test_a_customer_binds_the_phone_wechat_gives_for_a_getphonenumber_code(app: Api) -> None:
    token, phone = app.login("ph-tao"), fresh_phone()
    bound = app.post("/v1/me/phone", {"code": f"phone:{phone}"}, token=token)
    assert bound.status == 200 and (bound.body["phone"], bound.body["source"]) == (phone, "wechat")
    assert me(app, token)["phone"] == phone
    reused = app.post("/v1/me/phone", {"code": f"phone:{phone}"}, token=token)
    assert reused.status == 422 and error(reused) == "PHONE_CODE_INVALID"


def test_a_number_from_abroad_is_not_bound(app: Api) -> None:
    token = app.login("ph-uma")
    reply = app.post("/v1/me/phone", {"code": "phone:+852-61234567"}, token=token)
    assert reply.status == 422 and error(reply) == "INVALID_PHONE"


def test_the_phone_exchange_reuses_the_access_token_and_survives_a_rotation(
    app: Api, wechat: WeChatStandIn
) -> None:
    token = app.login("ph-vic", role="worker")
    app.post("/v1/worker/phone", {"code": f"phone:{fresh_phone()}"}, token=token)  # a token is cached now
    tokens, exchanges = (
        wechat.calls["/cgi-bin/stable_token"],
        wechat.calls["/wxa/business/getuserphonenumber"],
    )
    assert app.post("/v1/worker/phone", {"code": f"phone:{fresh_phone()}"}, token=token).status == 200
    assert wechat.calls["/cgi-bin/stable_token"] == tokens  # the cached token served

    wechat.rotate_token()  # another server forced a refresh: WeChat answers 40001 to ours
    assert app.post("/v1/worker/phone", {"code": f"phone:{fresh_phone()}"}, token=token).status == 200
    assert wechat.calls["/cgi-bin/stable_token"] == tokens + 1
    assert wechat.calls["/wxa/business/getuserphonenumber"] == exchanges + 3  # one refused, retried once


def test_subscription_messages_and_the_phone_exchange_share_one_access_token(wechat: WeChatStandIn) -> None:
    tokens = AccessTokens()  # one cache, as the process has one (common.wechat_api.TOKENS)
    messenger = SubscribeMessageClient(wechat.url, wechat.appid, wechat.secret, tokens=tokens)
    phones = WeChatPhoneClient(WeChatServerApi(wechat.url, wechat.appid, wechat.secret, tokens=tokens))
    wechat.grant("o-shared-token", "tpl-shared")
    before = wechat.calls["/cgi-bin/stable_token"]
    messenger.send("o-shared-token", "tpl-shared", "pages/index", {"thing1": {"value": "已接单"}})
    number = fresh_phone()
    assert phones.phone_number(f"phone:{number}").phone == number
    assert wechat.calls["/cgi-bin/stable_token"] - before == 1
