"""The delivery channels against their stand-ins over loopback: WeChat subscription messages (access token,
quota) and Tencent Cloud SMS (signed requests), and the WeChat-then-SMS fallback."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator

import pytest

from functions.identity import Contact
from functions.notifications.delivery import DeliveryUnavailable, SmsNotifier, WeChatNotifier, deliver
from functions.notifications.models import Notice, Push, Sms
from functions.notifications.sms import SmsRefused, SmsUnavailable, TencentSmsClient
from functions.notifications.store import Quotas
from functions.notifications.wechat import (
    AccessTokens,
    NoQuota,
    Refused,
    SubscribeMessageClient,
    Unavailable,
)
from infra.standins.sms import SmsStandIn
from infra.standins.wechat import WeChatStandIn

TEMPLATE = "tpl-order-status"
DATA = {
    "character_string1": {"value": "01kb0000000000000000000000"},
    "thing2": {"value": "日常保洁"},
    "phrase3": {"value": "已接单"},
    "time4": {"value": "2026年12月1日 09:00"},
    "thing5": {"value": "服务人员将按时上门"},
}
TOKEN_CALLS = "/cgi-bin/stable_token"


def openid() -> str:
    return f"o-{secrets.token_hex(6)}"


class Clock:
    """A monotonic clock the test moves by hand (token expiry)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(wechat: WeChatStandIn, clock: Clock) -> Iterator[SubscribeMessageClient]:
    # A token cache of its own, so what this test sees is what this client did.
    yield SubscribeMessageClient(wechat.url, wechat.appid, wechat.secret, tokens=AccessTokens(), clock=clock)


@pytest.fixture
def sms_client(sms: SmsStandIn) -> TencentSmsClient:
    return TencentSmsClient(sms.url, sms.secret_id, sms.secret_key, sms.sdk_app_id, "家政服务")


# WeChat: the access token


def test_the_access_token_is_fetched_once_and_reused(
    wechat: WeChatStandIn, client: SubscribeMessageClient
) -> None:
    user = openid()
    wechat.grant(user, TEMPLATE, 2)
    before = wechat.calls[TOKEN_CALLS]
    client.send(user, TEMPLATE, "pages/orders/detail?id=1", DATA)
    client.send(user, TEMPLATE, "pages/orders/detail?id=1", DATA)
    assert wechat.calls[TOKEN_CALLS] - before == 1
    assert len(wechat.sent_to(user)) == 2


def test_a_token_near_its_expiry_is_renewed_before_use(
    wechat: WeChatStandIn, client: SubscribeMessageClient, clock: Clock
) -> None:
    first = client.access_token()
    clock.now += 7200 - 299  # inside the renewal margin
    before = wechat.calls[TOKEN_CALLS]
    assert client.access_token() == first  # stable_token hands out the same one while it is valid
    assert wechat.calls[TOKEN_CALLS] - before == 1


def test_a_token_rotated_elsewhere_is_replaced_and_the_message_goes_out_once(
    wechat: WeChatStandIn, client: SubscribeMessageClient
) -> None:
    user = openid()
    wechat.grant(user, TEMPLATE, 2)
    client.send(user, TEMPLATE, "pages/index", DATA)
    wechat.rotate_token()  # another server forced a refresh: our cached token is dead (40001)
    client.send(user, TEMPLATE, "pages/index", DATA)
    assert len(wechat.sent_to(user)) == 2


def test_a_dead_token_wechat_still_hands_out_is_force_refreshed(
    wechat: WeChatStandIn, client: SubscribeMessageClient
) -> None:
    user = openid()
    wechat.grant(user, TEMPLATE)
    old = client.access_token()
    wechat.invalidate_token()
    client.send(user, TEMPLATE, "pages/index", DATA)
    assert len(wechat.sent_to(user)) == 1
    assert client.access_token() != old


def test_a_user_without_quota_gets_43101(wechat: WeChatStandIn, client: SubscribeMessageClient) -> None:
    with pytest.raises(NoQuota):
        client.send(openid(), TEMPLATE, "pages/index", DATA)


def test_values_beyond_wechats_limits_are_refused(
    wechat: WeChatStandIn, client: SubscribeMessageClient
) -> None:
    user = openid()
    wechat.grant(user, TEMPLATE)
    with pytest.raises(Refused) as refused:
        client.send(user, TEMPLATE, "pages/index", DATA | {"phrase3": {"value": "服务人员已接单"}})
    assert refused.value.errcode == 47003
    assert wechat.quota[(user, TEMPLATE)] == 1  # a refused message uses nothing


def test_wechat_out_of_reach_is_unavailable(wechat: WeChatStandIn) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    down = SubscribeMessageClient(dead, wechat.appid, wechat.secret, tokens=AccessTokens(), timeout=1)
    with pytest.raises(Unavailable):
        down.send(openid(), TEMPLATE, "pages/index", DATA)


# SMS: signed requests


def test_an_sms_is_signed_and_the_stand_in_accepts_it(sms: SmsStandIn, sms_client: TencentSmsClient) -> None:
    sms_client.send("139 0000 0001", "1000002", ["日常保洁", "12月1日 09:00"])
    [sent] = sms.sent_to("+8613900000001")
    assert sent.template_id == "1000002" and sent.params == ["日常保洁", "12月1日 09:00"]
    assert sent.sign_name == "家政服务"


def test_an_sms_signed_with_the_wrong_key_is_refused_by_the_signature_check(sms: SmsStandIn) -> None:
    forger = TencentSmsClient(sms.url, sms.secret_id, "not-the-key", sms.sdk_app_id, "家政服务")
    with pytest.raises(SmsUnavailable):
        forger.send("13900000002", "1000002", ["a", "b"])
    assert sms.rejected[-1] == "AuthFailure.SignatureFailure"
    assert sms.sent_to("+8613900000002") == []


def test_an_sms_with_a_clock_six_minutes_off_is_refused(sms: SmsStandIn) -> None:
    import time

    late = TencentSmsClient(
        sms.url, sms.secret_id, sms.secret_key, sms.sdk_app_id, "家政服务", clock=lambda: time.time() - 360
    )
    with pytest.raises(SmsUnavailable):
        late.send("13900000003", "1000002", ["a", "b"])
    assert sms.rejected[-1] == "AuthFailure.SignatureExpire"


def test_a_number_the_provider_rejects_is_refused_for_good(
    sms: SmsStandIn, sms_client: TencentSmsClient
) -> None:
    with pytest.raises(SmsRefused):
        sms_client.send("+86123", "1000002", ["a", "b"])
    with pytest.raises(SmsRefused):
        sms_client.send("not a phone", "1000002", ["a", "b"])


# WeChat first, SMS when WeChat cannot: the quota in our table


def notice(user_id: str) -> Notice:
    return Notice(
        role="customer",
        user_id=user_id,
        kind="order_accepted",
        title="服务人员已接单",
        body="您预约的日常保洁（12月1日 09:00）已由服务人员接单。",
        push=Push(template="order_status", page="pages/orders/detail?id=o1", data=DATA),
        sms=Sms(template="order_accepted", params=["日常保洁", "12月1日 09:00"]),
    )


@pytest.fixture
def chain(
    aws: None,
    wechat: WeChatStandIn,
    sms: SmsStandIn,
    client: SubscribeMessageClient,
    sms_client: TencentSmsClient,
) -> list:
    return [
        WeChatNotifier(client, Quotas(), {"order_status": TEMPLATE}),
        SmsNotifier(sms_client, {"order_accepted": "1000002"}),
    ]


def test_each_message_spends_one_subscription_then_sms_takes_over(
    wechat: WeChatStandIn, sms: SmsStandIn, chain: list
) -> None:
    user = openid()
    phone = f"1390000{secrets.randbelow(10000):04d}"
    contact = Contact(user_id="u1", role="customer", openid=user, phone=phone)
    Quotas().add("u1", TEMPLATE)  # the mini-program reported one accepted prompt
    wechat.grant(user, TEMPLATE)  # ... and WeChat recorded it

    assert deliver(notice("u1"), contact, chain) == "wechat"
    assert Quotas().remaining("u1") == {TEMPLATE: 0}
    assert deliver(notice("u1"), contact, chain) == "sms"
    assert len(wechat.sent_to(user)) == 1
    assert len(sms.sent_to(f"+86{phone}")) == 1


def test_when_wechat_says_no_quota_sms_takes_over_and_our_count_is_corrected(
    wechat: WeChatStandIn, sms: SmsStandIn, chain: list
) -> None:
    user = openid()
    phone = f"1390001{secrets.randbelow(10000):04d}"
    contact = Contact(user_id="u2", role="customer", openid=user, phone=phone)
    Quotas().add("u2", TEMPLATE, 3)  # we believe three, but the user withdrew in WeChat's settings

    assert deliver(notice("u2"), contact, chain) == "sms"
    assert Quotas().remaining("u2") == {TEMPLATE: 0}
    assert wechat.sent_to(user) == []


def test_a_person_neither_channel_reaches_has_the_inbox_only(chain: list) -> None:
    contact = Contact(user_id="u3", role="customer", openid=openid(), phone=None)
    assert deliver(notice("u3"), contact, chain) == "inbox"


def test_a_wechat_outage_gives_the_subscription_back_and_asks_for_a_retry(
    aws: None, wechat: WeChatStandIn, sms: SmsStandIn
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    down = SubscribeMessageClient(dead, wechat.appid, wechat.secret, tokens=AccessTokens(), timeout=1)
    Quotas().add("u4", TEMPLATE)
    contact = Contact(user_id="u4", role="customer", openid=openid(), phone="13900000009")
    with pytest.raises(DeliveryUnavailable):
        deliver(notice("u4"), contact, [WeChatNotifier(down, Quotas(), {"order_status": TEMPLATE})])
    assert Quotas().remaining("u4") == {TEMPLATE: 1}


def test_a_per_number_frequency_limit_is_retried_but_the_daily_limit_is_final(
    sms: SmsStandIn, sms_client: TencentSmsClient
) -> None:
    sms.fail_next("LimitExceeded.PhoneNumberThirtySecondLimit")
    with pytest.raises(SmsUnavailable):
        sms_client.send("13900000004", "1000002", ["a", "b"])
    sms.fail_next("LimitExceeded.PhoneNumberDailyLimit")
    with pytest.raises(SmsRefused):
        sms_client.send("13900000004", "1000002", ["a", "b"])


def test_the_local_stack_grants_subscriptions_over_http_as_the_mini_program_prompt_would(
    wechat: WeChatStandIn, client: SubscribeMessageClient
) -> None:
    import requests

    user = openid()
    reply = requests.post(
        f"{wechat.url}/_standin/subscribe", json={"openid": user, "template_ids": [TEMPLATE]}
    )
    assert reply.json()["errcode"] == 0
    client.send(user, TEMPLATE, "pages/index", DATA)
    with pytest.raises(NoQuota):
        client.send(user, TEMPLATE, "pages/index", DATA)
