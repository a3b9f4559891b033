"""WeChat Pay notifications, sent by the stand-in over loopback to a merchant endpoint that runs our verification
path: genuine ones are believed (raw bytes, lower-case headers, base64 bodies as API Gateway delivers them); forged,
tampered, stale, unknown-serial, sign-test and undecryptable ones are refused with 4xx {"code": "FAIL"} and
nothing in them is believed."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from chalice.app import Request as ChaliceRequest
from common.clock import clock
from common.errors import InvalidNotification

from functions.payments.notify import payment_of, read_notification, refund_of
from functions.payments.wechatpay import WeChatPayClient
from infra.standins.loopback import LoopbackServer, Reply, Request
from infra.standins.wechatpay import WeChatPayKeys, WeChatPayStandIn


@dataclass
class MerchantEndpoint:
    """Stands where POST /v1/payments/wechat/notify will: verify, then believe or refuse."""

    client: WeChatPayClient
    believed: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)

    def handle(self, req: Request) -> Reply:
        try:
            notification = read_notification(req.headers, req.body, now=clock.now(), wechat=self.client)
        except InvalidNotification as exc:
            answer = {"code": "FAIL", "message": exc.message}
            self.refused.append(answer)
            return Reply(401, json.dumps(answer).encode())
        self.believed.append(notification)
        return Reply(204, b"")


@pytest.fixture
def client(wechatpay: WeChatPayStandIn) -> WeChatPayClient:
    return WeChatPayClient.from_settings()


@pytest.fixture
def endpoint(client: WeChatPayClient) -> Iterator[tuple[MerchantEndpoint, str]]:
    merchant = MerchantEndpoint(client)
    server = LoopbackServer(merchant.handle)
    yield merchant, server.url + "/v1/payments/wechat/notify"
    server.close()


@pytest.fixture(scope="module")
def stranger() -> WeChatPayKeys:
    """Another party's keys: a platform key we do not trust and an APIv3 key that is not ours."""
    return WeChatPayKeys.generate()


def paid_order(client: WeChatPayClient, no: str, total: int = 15800) -> str:
    client.prepay_jsapi(
        out_trade_no=no,
        description="深度保洁",
        total_fen=total,
        openid="o-bob",
        notify_url="https://x.test/n",
    )
    return no


def test_a_payment_notification_is_verified_and_decrypted_over_loopback(
    client: WeChatPayClient, wechatpay: WeChatPayStandIn, endpoint: tuple[MerchantEndpoint, str]
) -> None:
    merchant, url = endpoint
    no = paid_order(client, "notify0001ok", total=15800)
    assert wechatpay.notify_payment(no, url=url) == 204
    (notification,) = merchant.believed
    payment = payment_of(notification, appid=client.appid, mchid=client.mchid)
    assert payment.out_trade_no == no and payment.transaction_id == wechatpay.trades[no].transaction_id
    assert payment.amount is not None and payment.amount.total == 15800 and type(payment.amount.total) is int


def test_a_refund_notification_is_verified_and_decrypted(
    client: WeChatPayClient, wechatpay: WeChatPayStandIn, endpoint: tuple[MerchantEndpoint, str]
) -> None:
    merchant, url = endpoint
    no = paid_order(client, "notify0002refund", total=20000)
    wechatpay.pay(no)
    client.refund(
        out_trade_no=no,
        out_refund_no=f"{no}-r1",
        refund_fen=5000,
        total_fen=20000,
        reason="取消",
        notify_url=url,
    )
    assert wechatpay.notify_refund(f"{no}-r1") == 204
    refund = refund_of(merchant.believed[0], mchid=client.mchid)
    assert (refund.out_refund_no, refund.status, refund.amount.refund) == (f"{no}-r1", "SUCCESS", 5000)  # type: ignore[union-attr]


def test_headers_are_read_whatever_their_case(client: WeChatPayClient, wechatpay: WeChatPayStandIn) -> None:
    headers, body = wechatpay.payment_notification(paid_order(client, "notify0003case"))
    for variant in (
        headers,
        {k.lower(): v for k, v in headers.items()},
        {k.upper(): v for k, v in headers.items()},
    ):
        assert (
            client.verify_notification(variant, body, now=clock.now())["event_type"] == "TRANSACTION.SUCCESS"
        )


def test_a_base64_body_from_api_gateway_is_decoded_before_verification(
    client: WeChatPayClient, wechatpay: WeChatPayStandIn
) -> None:
    headers, body = wechatpay.payment_notification(paid_order(client, "notify0004b64"))
    encoded = base64.b64encode(body).decode()
    verified = client.verify_notification(headers, encoded, now=clock.now(), is_base64=True)
    assert verified["resource"]["out_trade_no"] == "notify0004b64"
    # What Chalice hands a route when API Gateway says isBase64Encoded: the same raw bytes.
    event = {
        "headers": {k.lower(): v for k, v in headers.items()},
        "body": encoded,
        "isBase64Encoded": True,
        "requestContext": {"httpMethod": "POST", "resourcePath": "/v1/payments/wechat/notify"},
        "queryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "multiValueQueryStringParameters": None,
    }
    raw = ChaliceRequest(event).raw_body
    assert raw == body
    assert client.verify_notification(event["headers"], raw, now=clock.now())["id"] == verified["id"]
    # Verifying the base64 text itself as if it were the body fails: the signature is over the decoded bytes.
    with pytest.raises(InvalidNotification):
        client.verify_notification(headers, encoded, now=clock.now())


def test_the_json_is_never_reserialized_before_verification(
    client: WeChatPayClient, wechatpay: WeChatPayStandIn
) -> None:
    headers, body = wechatpay.payment_notification(paid_order(client, "notify0005raw"))
    same_json_other_bytes = json.dumps(json.loads(body), indent=1).encode()
    with pytest.raises(InvalidNotification, match="signature"):
        client.verify_notification(headers, same_json_other_bytes, now=clock.now())


def attack(
    case: str, client: WeChatPayClient, wechatpay: WeChatPayStandIn, stranger: WeChatPayKeys
) -> tuple[dict[str, str], bytes]:
    no = paid_order(client, f"attack{case[:20]}")
    now = int(clock.now().timestamp())
    if case == "forged_signature":  # right serial, signed with a key that is not WeChat Pay's
        return wechatpay.payment_notification(no, private_pem=stranger.platform_private_pem)
    if case == "unknown_serial":  # a consistent signature, by a key we were never configured to trust
        return wechatpay.payment_notification(
            no, serial=stranger.platform_key_id, private_pem=stranger.platform_private_pem
        )
    if case == "stale_timestamp":
        return wechatpay.payment_notification(no, timestamp=str(now - 400))
    if case == "future_timestamp":
        return wechatpay.payment_notification(no, timestamp=str(now + 400))
    if case == "signtest_probe":
        headers, body = wechatpay.payment_notification(no)
        return {
            **headers,
            "Wechatpay-Signature": "WECHATPAY/SIGNTEST/" + headers["Wechatpay-Signature"],
        }, body
    if case == "not_our_apiv3_key":  # genuinely signed, but sealed with another APIv3 key
        return wechatpay.payment_notification(no, apiv3_key=stranger.apiv3_key)
    headers, body = wechatpay.payment_notification(no)
    envelope = json.loads(body)
    if case == "tampered_body":  # one field changed after signing
        return headers, body.replace(
            b'"event_type":"TRANSACTION.SUCCESS"', b'"event_type":"TRANSACTION.SUCCESS "'
        )
    if case == "swapped_body_kept_signature":  # swapped resource, original signature kept
        _, other_body = wechatpay.payment_notification(paid_order(client, "attackother01"))
        return headers, other_body
    if case == "missing_signature":
        return {k: v for k, v in headers.items() if k != "Wechatpay-Signature"}, body
    if case == "rewritten_envelope":
        envelope["id"] = "EV-replayed"
        return headers, json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
    raise AssertionError(case)


ATTACKS = {  # case → why it is refused
    "forged_signature": "signature does not match",
    "unknown_serial": "unknown Wechatpay-Serial",
    "stale_timestamp": "outside the allowed window",
    "future_timestamp": "outside the allowed window",
    "signtest_probe": "signature-test probe",
    "not_our_apiv3_key": "does not decrypt",
    "tampered_body": "signature does not match",
    "swapped_body_kept_signature": "signature does not match",
    "missing_signature": "are required",
    "rewritten_envelope": "signature does not match",
}


@pytest.mark.parametrize("case", list(ATTACKS))
def test_a_notification_that_fails_verification_is_refused_and_believed_in_nothing(
    case: str,
    client: WeChatPayClient,
    wechatpay: WeChatPayStandIn,
    stranger: WeChatPayKeys,
    endpoint: tuple[MerchantEndpoint, str],
) -> None:
    merchant, url = endpoint
    headers, body = attack(case, client, wechatpay, stranger)
    status = wechatpay.deliver(url, headers, body)
    assert 400 <= status < 500
    assert merchant.believed == []
    assert merchant.refused[0]["code"] == "FAIL" and ATTACKS[case] in merchant.refused[0]["message"]


def test_a_notification_at_the_edge_of_the_window_is_still_accepted(
    client: WeChatPayClient, wechatpay: WeChatPayStandIn
) -> None:
    now = clock.now()
    headers, body = wechatpay.payment_notification(
        paid_order(client, "notify0006edge"), timestamp=str(int(now.timestamp()) - 300)
    )
    assert client.verify_notification(headers, body, now=now)["resource"]["out_trade_no"] == "notify0006edge"
    with pytest.raises(InvalidNotification, match="window"):
        client.verify_notification(headers, body, now=now + timedelta(seconds=1))


def test_a_payment_for_another_merchant_is_not_ours(
    client: WeChatPayClient, wechatpay: WeChatPayStandIn
) -> None:
    notification = client.verify_notification(
        *wechatpay.payment_notification(paid_order(client, "notify0007mch")), now=clock.now()
    )
    with pytest.raises(InvalidNotification):
        payment_of(notification, appid=client.appid, mchid="1999999999")
    with pytest.raises(InvalidNotification):
        refund_of(notification, mchid=client.mchid)
