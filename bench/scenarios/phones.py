"""Phone binding and geocoded addresses (issue 14) over a table holding ``size`` customers, each with a bound
phone: sending a code, binding by SMS code, binding by WeChat's phone code, an address geocoded by the map
stand-in, and the worker's order view. None of them may read more as the number of customers grows."""

from __future__ import annotations

import os
from typing import Any

from common.clock import clock, iso

from bench.scenarios import Endpoint, progress
from functions.identity import phone as phones
from functions.identity import store
from infra.standins.maps import MapStandIn
from infra.standins.sms import SmsStandIn
from infra.standins.wechat import WeChatStandIn

SIZES = (100, 10_000)
CODES = 40  # codes sent ahead for the SMS binding rows (more than --repeat)
USER = "u00000042"
ADDRESS_USER = "u00000007"  # no addresses yet: a customer keeps at most 20, a row adds --repeat of them


def _seed_customers(size: int) -> None:
    now = iso(clock.now())
    with store.UserItem.batch_write() as batch:
        for n in range(size):
            uid, phone = f"u{n:08d}", f"139{n:08d}"
            batch.save(
                store.UserItem(
                    *store.user_key(uid),
                    id=uid,
                    role="customer",
                    openid=f"bench{n}",
                    referral_code=uid[-8:],
                    created_at=now,
                    phone=phone,
                    phone_source="sms",
                    phone_bound_at=now,
                )
            )
            batch.save(store.PhoneItem(*store.phone_key("customer", phone), user_id=uid))
            if (n + 1) % 1000 == 0 or n + 1 == size:
                progress("customers", n + 1, size)


class _NoSms:
    def send(self, phone: str, template_id: str, params: list[str]) -> None:
        return None


def seed(size: int) -> dict[str, Any]:
    wechat = WeChatStandIn(appid="wx-bench", secret="wx-bench-secret")
    sms = SmsStandIn(secret_id="AKID-bench", secret_key="bench-sms-key", sdk_app_id="1400000001")
    maps = MapStandIn(key="BENCH-MAP", secret_key="bench-map-secret")
    os.environ.update(
        WECHAT_API_BASE=wechat.url,
        WECHAT_APPID="wx-bench",
        WECHAT_APP_SECRET="wx-bench-secret",
        SMS_API_BASE=sms.url,
        SMS_SECRET_ID=sms.secret_id,
        SMS_SECRET_KEY=sms.secret_key,
        SMS_SDK_APP_ID=sms.sdk_app_id,
        MAP_API_BASE=maps.url,
        MAP_KEY=maps.key,
        MAP_SECRET_KEY=maps.secret_key,
        SMS_CODE_DAILY_PER_IP="100000",
    )
    from common.settings import get_settings

    get_settings.cache_clear()
    _seed_customers(size)
    for i in range(CODES):  # codes for the binding rows, each to a phone of its own, all asked by USER
        phones.send_sms_code(
            USER, f"136{i:08d}", ip="", now=clock.now(), sms=_NoSms(), randbelow=lambda n: 123456
        )
    return {"standins": (wechat, sms, maps)}


def endpoints(ctx: dict[str, Any]) -> list[Endpoint]:
    from common.auth import issue_token

    customer = issue_token(USER, "customer", now=clock.now())
    return [
        Endpoint(
            "POST /v1/auth/sms-code",
            "POST",
            "/v1/auth/sms-code",
            lambda i: {"phone": f"135{i:08d}"},
            token=customer,
        ),
        Endpoint(
            "POST /v1/me/phone (sms code)",
            "POST",
            "/v1/me/phone",
            lambda i: {"phone": f"136{i:08d}", "sms_code": "123456"},
            token=customer,
        ),
        Endpoint(
            "POST /v1/me/phone (wechat code)",
            "POST",
            "/v1/me/phone",
            lambda i: {"code": f"phone:137{i:08d}"},
            token=customer,
        ),
        Endpoint(
            "POST /v1/me/addresses (geocoded)",
            "POST",
            "/v1/me/addresses",
            lambda i: {
                "contact_name": "王女士",
                "phone": "13800000000",
                "region": "上海市徐汇区",
                "detail": f"漕溪北路 {i + 1} 号",
            },
            token=issue_token(ADDRESS_USER, "customer", now=clock.now()),
            expect=201,
        ),
    ]


def teardown(ctx: dict[str, Any]) -> None:
    for standin in ctx["standins"]:
        standin.close()
