"""Integration tests: the Chalice app's real handlers on the one table in moto (in-process)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from chalice.test import Client
from common.settings import get_settings
from common.table import create_table
from moto import mock_aws

from infra.local.indexed_dynamodb import install as index_dynamodb
from infra.standins.wechat import WeChatStandIn
from infra.standins.wechatpay import WeChatPayKeys, WeChatPayStandIn
from tests.client import JsonCalls, Reply

index_dynamodb()  # moto's DynamoDB indexed by key, as in the local stack and the bench (docs/local-stack.md)


@pytest.fixture(scope="session")
def wechat() -> Iterator[WeChatStandIn]:
    standin = WeChatStandIn(appid="wx-test-app", secret="wx-test-secret")
    os.environ.update(
        WECHAT_API_BASE=standin.url, WECHAT_APPID="wx-test-app", WECHAT_APP_SECRET="wx-test-secret"
    )
    get_settings.cache_clear()
    yield standin
    standin.close()


@pytest.fixture
def aws() -> Iterator[None]:
    from common import relay

    relay._events_client.cache_clear()  # a client made for another test's AWS may point elsewhere
    with mock_aws():
        settings = get_settings()
        create_table(boto3.client("dynamodb"), settings.table_name)
        boto3.client("events").create_event_bus(Name=settings.event_bus_name)
        boto3.client("s3").create_bucket(Bucket=settings.media_bucket)
        yield


class Api(JsonCalls):
    """Calls the app as API Gateway would, with JSON in and out."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str | None = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        resp = getattr(self.client.http, method.lower())(path, headers=hdrs, body=payload)
        text = resp.body.decode() if resp.body else ""
        return Reply(resp.status_code, json.loads(text) if text else None, resp.headers)


@pytest.fixture
def api(aws: None, wechat: WeChatStandIn) -> Iterator[Api]:
    from app import app

    with Client(app) as client:
        yield Api(client)


@pytest.fixture
def operator_token(api: Api) -> str:
    from common.clock import clock

    from functions.identity.service import ensure_operator

    ensure_operator("admin", "s3cret-pass", now=clock.now())
    return api.post("/v1/auth/operator", {"username": "admin", "password": "s3cret-pass"}).body["token"]


@pytest.fixture(scope="session")
def sms() -> Iterator[Any]:
    """The Tencent Cloud SMS stand-in; the app's SMS settings point at it."""
    from infra.standins.sms import SmsStandIn

    standin = SmsStandIn(secret_id="AKID-sms-test", secret_key="sms-test-secret-key", sdk_app_id="1400009999")
    os.environ.update(
        SMS_API_BASE=standin.url,
        SMS_SECRET_ID=standin.secret_id,
        SMS_SECRET_KEY=standin.secret_key,
        SMS_SDK_APP_ID=standin.sdk_app_id,
    )
    get_settings.cache_clear()
    yield standin
    standin.close()


@pytest.fixture(scope="session")
def wechatpay() -> Iterator[WeChatPayStandIn]:
    """The WeChat Pay stand-in with a key set generated for this run; our settings point at it."""
    keys = WeChatPayKeys.generate(mchid="1900000109", appid="wx-test-app")
    standin = WeChatPayStandIn(keys)
    os.environ.update(keys.settings_env(standin.url))
    get_settings.cache_clear()
    yield standin
    standin.close()


@pytest.fixture
def events(api: Api) -> Any:
    """Domain events delivered as on AWS (tests/integration/event_helpers.py): ``events.deliver()``."""
    from app import app
    from tests.integration.event_helpers import EventFlow

    return EventFlow(app)


@pytest.fixture(scope="session")
def maps() -> Iterator[Any]:
    """The Tencent Location Service stand-in (geocoder, signed requests); the app's map settings point at it."""
    from infra.standins.maps import MapStandIn

    standin = MapStandIn(key="TEST-MAP-KEY", secret_key="test-map-secret-key")
    os.environ.update(MAP_API_BASE=standin.url, MAP_KEY=standin.key, MAP_SECRET_KEY=standin.secret_key)
    get_settings.cache_clear()
    yield standin
    standin.close()


@pytest.fixture
def earn(api: Api, wechatpay: WeChatPayStandIn) -> Iterator[Any]:
    """Gives a worker a settled order's earning (paid through the stand-in, 20% commission)."""
    from common.clock import clock
    from common.ids import new_id

    from functions.payments import ledger_store, service
    from functions.payments.wechatpay import WeChatPayClient

    wx = WeChatPayClient.from_settings()

    def settled_order(worker_id: str, total_fen: int) -> str:
        order_id = new_id(clock.now())
        now = clock.now()
        service.start_payment(
            order_id, total_fen=total_fen, description="保洁", openid="o-x", now=now, wechat=wx
        )
        trade = wechatpay.pay(order_id)
        service.record_payment(
            order_id, transaction_id=trade.transaction_id or "", amount_fen=total_fen, now=now
        )
        service.accrue_earning(order_id, worker_id, commission_percent=20, now=now)
        service.settle(order_id, worker_id, commission_percent=20, now=now)
        return order_id

    yield settled_order
    assert ledger_store.audit() == [] and ledger_store.ledger_sum() == 0
