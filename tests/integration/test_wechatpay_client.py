"""Our WeChat Pay client against the stand-in over loopback: signed requests, verified answers, the mini-program's
payment parameters, query, close and refunds retried with the same out_refund_no."""

from __future__ import annotations

import pytest
from common.clock import clock
from common.errors import WeChatPayError

from functions.payments import crypto
from functions.payments.wechatpay import WeChatPayClient, WeChatPayConfig
from infra.standins.wechatpay import WeChatPayKeys, WeChatPayStandIn

NOTIFY = "https://example.test/v1/payments/wechat/notify"


@pytest.fixture
def client(wechatpay: WeChatPayStandIn) -> WeChatPayClient:
    return WeChatPayClient.from_settings()


def prepay(client: WeChatPayClient, no: str, total: int = 12800) -> str:
    return client.prepay_jsapi(
        out_trade_no=no, description="日常保洁 3小时", total_fen=total, openid="o-alice", notify_url=NOTIFY
    )


def test_a_signed_prepay_is_accepted_and_its_signed_answer_believed(client: WeChatPayClient) -> None:
    prepay_id = prepay(client, "order0001prepay")
    assert prepay_id.startswith("wx")


def test_prepaying_the_same_order_again_gives_the_same_prepay(client: WeChatPayClient) -> None:
    assert prepay(client, "order0002again") == prepay(client, "order0002again")


def test_pay_params_carry_a_pay_sign_the_merchant_public_key_verifies(
    client: WeChatPayClient, wechatpay: WeChatPayStandIn
) -> None:
    params = client.pay_params(prepay(client, "order0003params"), now=clock.now()).model_dump()
    assert params["signType"] == "RSA" and params["package"].startswith("prepay_id=")
    assert params["appId"] == "wx-test-app" and params["timeStamp"].isdigit()
    assert wechatpay.verify_pay_params(params)
    assert not wechatpay.verify_pay_params({**params, "timeStamp": str(int(params["timeStamp"]) + 1)})


def test_query_shows_unpaid_then_paid_after_the_payer_pays(
    client: WeChatPayClient, wechatpay: WeChatPayStandIn
) -> None:
    prepay(client, "order0004query", total=9900)
    assert client.query("order0004query").trade_state == "NOTPAY"
    wechatpay.pay("order0004query")
    paid = client.query("order0004query")
    assert paid.trade_state == "SUCCESS" and paid.transaction_id
    assert paid.amount is not None and paid.amount.total == 9900 and type(paid.amount.total) is int


def test_querying_a_trade_never_prepaid_says_so(client: WeChatPayClient) -> None:
    with pytest.raises(WeChatPayError) as err:
        client.query("never0prepaid")
    assert err.value.provider_code == "ORDER_NOT_EXIST" and not err.value.retryable


def test_a_closed_trade_can_no_longer_be_paid_and_a_paid_one_cannot_be_closed(
    client: WeChatPayClient, wechatpay: WeChatPayStandIn
) -> None:
    prepay(client, "order0005close")
    client.close("order0005close")
    assert client.query("order0005close").trade_state == "CLOSED"
    with pytest.raises(WeChatPayError) as closed:
        prepay(client, "order0005close")
    assert closed.value.provider_code == "ORDER_CLOSED"

    prepay(client, "order0005paid")
    wechatpay.pay("order0005paid")
    with pytest.raises(WeChatPayError) as paid:
        client.close("order0005paid")
    assert paid.value.provider_code == "ORDERPAID"


def test_a_refund_retried_with_the_same_out_refund_no_refunds_once(
    client: WeChatPayClient, wechatpay: WeChatPayStandIn
) -> None:
    prepay(client, "order0006refund", total=10000)
    wechatpay.pay("order0006refund")
    # WeChat Pay performs the refund but the answer is lost: the retry must not refund a second time.
    wechatpay.fail_next("/v3/refund/domestic/refunds", 500, "SYSTEM_ERROR", after_effect=True)
    ask = dict(
        out_trade_no="order0006refund", out_refund_no="order0006refund-c1", refund_fen=3000, total_fen=10000
    )
    with pytest.raises(WeChatPayError) as lost:
        client.refund(**ask, reason="取消订单", notify_url=NOTIFY)
    assert lost.value.retryable
    retried = client.refund(**ask, reason="取消订单", notify_url=NOTIFY)
    assert retried.status == "PROCESSING" and retried.amount is not None and retried.amount.refund == 3000
    assert wechatpay.trades["order0006refund"].refunded == 3000
    assert client.query_refund("order0006refund-c1").refund_id == retried.refund_id


def test_partial_refunds_beyond_the_total_are_refused(
    client: WeChatPayClient, wechatpay: WeChatPayStandIn
) -> None:
    prepay(client, "order0007partial", total=10000)
    wechatpay.pay("order0007partial")
    for n, amount in enumerate((6000, 4000), start=1):
        client.refund(
            out_trade_no="order0007partial",
            out_refund_no=f"order0007partial-{n}",
            refund_fen=amount,
            total_fen=10000,
            reason="投诉退款",
            notify_url=NOTIFY,
        )
    with pytest.raises(WeChatPayError) as err:
        client.refund(
            out_trade_no="order0007partial",
            out_refund_no="order0007partial-3",
            refund_fen=1,
            total_fen=10000,
            reason="投诉退款",
            notify_url=NOTIFY,
        )
    assert err.value.provider_code == "INVALID_REQUEST"


def test_amounts_must_be_integer_fen(client: WeChatPayClient) -> None:
    with pytest.raises(TypeError):
        client.prepay_jsapi(
            out_trade_no="order0008float", description="x", total_fen=99.5, openid="o", notify_url=NOTIFY
        )  # type: ignore[arg-type]


def test_a_request_signed_with_another_merchant_key_gets_sign_error(
    client: WeChatPayClient, wechatpay: WeChatPayStandIn
) -> None:
    impostor = WeChatPayKeys.generate()
    config = WeChatPayConfig(
        **{
            **client.config.__dict__,
            "merchant_private_key": crypto.load_private_key(impostor.merchant_private_pem),
        }
    )
    with pytest.raises(WeChatPayError) as err:
        prepay(WeChatPayClient(config), "order0009impostor")
    assert err.value.provider_status == 401 and err.value.provider_code == "SIGN_ERROR"
    assert "order0009impostor" not in wechatpay.trades


def test_an_answer_not_signed_with_a_platform_key_we_trust_is_not_believed(client: WeChatPayClient) -> None:
    other = WeChatPayKeys.generate()
    config = WeChatPayConfig(
        **{
            **client.config.__dict__,
            "platform_keys": {other.platform_key_id: crypto.load_public_key(other.platform_public_pem)},
        }
    )
    with pytest.raises(WeChatPayError) as err:
        prepay(WeChatPayClient(config), "order0010untrusted")
    assert err.value.provider_code == "RESPONSE_NOT_VERIFIED"
