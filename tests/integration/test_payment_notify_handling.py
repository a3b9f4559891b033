"""What happens to WeChat Pay's notifications once wired: a payment is recorded once and resumes the order; a payment
for an order cancelled meanwhile is refunded automatically; refund outcomes arrive at POST
/v1/payments/wechat/refund-notify (also base64-encoded, as API Gateway may deliver them). The ledger is audited
after every scenario."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import requests
from common.clock import clock
from common.ids import new_id

from functions.payments import ledger, ledger_store, refunds, service, store
from functions.payments.notify import handle_payment_notification
from functions.payments.wechatpay import WeChatPayClient
from infra.standins.loopback import LoopbackServer, Reply, Request
from infra.standins.wechatpay import WeChatPayStandIn
from tests.integration.conftest import Api


class Orders:
    """Booking's side of ``mark_paid`` as INTERFACES.md promises it: True once paid (also on repeats), False for
    an order cancelled meanwhile."""

    def __init__(self) -> None:
        self.status: dict[str, str] = {}
        self.calls: list[str] = []

    def mark_paid(self, order_id: str, *, paid_fen: int, transaction_id: str, now: Any) -> bool:
        assert type(paid_fen) is int
        self.calls.append(order_id)
        if self.status.get(order_id) == "cancelled":
            return False
        self.status[order_id] = "pending_acceptance"
        return True


@pytest.fixture
def wx(api: Api, wechatpay: WeChatPayStandIn) -> Iterator[WeChatPayClient]:
    yield WeChatPayClient.from_settings()
    assert ledger_store.audit() == [] and ledger_store.ledger_sum() == 0


@pytest.fixture
def notify_url(wx: WeChatPayClient) -> Iterator[tuple[str, Orders]]:
    """A loopback endpoint running the payment notification handler exactly as the route will."""
    orders = Orders()

    def handle(req: Request) -> Reply:
        resp = handle_payment_notification(
            req.headers, req.body, now=clock.now(), wechat=wx, mark_paid=orders.mark_paid
        )
        body = resp.body if isinstance(resp.body, bytes) else str(resp.body).encode()
        return Reply(resp.status_code, body)

    server = LoopbackServer(handle)
    yield server.url, orders
    server.close()


def started(wx: WeChatPayClient, total: int = 10000, deadline_minutes: int | None = None) -> str:
    order_id, now = new_id(clock.now()), clock.now()
    deadline = now + timedelta(minutes=deadline_minutes) if deadline_minutes is not None else None
    service.start_payment(
        order_id,
        total_fen=total,
        description="育儿嫂",
        openid="o-e",
        now=now,
        wechat=wx,
        pay_deadline=deadline,
    )
    return order_id


def test_a_payment_notified_ten_times_is_recorded_once_and_resumes_the_order(
    wx: WeChatPayClient, wechatpay: WeChatPayStandIn, notify_url: tuple[str, Orders]
) -> None:
    url, orders = notify_url
    order_id = started(wx, 30000)
    headers, body = wechatpay.payment_notification(order_id)
    assert [wechatpay.deliver(url, headers, body) for _ in range(10)] == [204] * 10
    assert orders.status[order_id] == "pending_acceptance"
    assert ledger_store.balance(ledger.order_account(order_id)) == 30000
    assert ledger_store.balance(ledger.CUSTOMER_PAYMENTS) == -30000


def test_a_payment_for_an_order_cancelled_meanwhile_is_refunded_automatically_once(
    api: Api, wx: WeChatPayClient, wechatpay: WeChatPayStandIn, notify_url: tuple[str, Orders]
) -> None:
    url, orders = notify_url
    order_id = started(wx, 12000)
    orders.status[order_id] = "cancelled"
    headers, body = wechatpay.payment_notification(order_id)
    assert [wechatpay.deliver(url, headers, body) for _ in range(10)] == [204] * 10
    refunds = [r for r in wechatpay.refunds.values() if r.out_trade_no == order_id]
    assert [(r.refund, r.status) for r in refunds] == [(12000, "PROCESSING")]
    # WeChat Pay completes the refund and tells the refund-notify endpoint.
    headers, body = wechatpay.refund_notification(refunds[0].out_refund_no)
    assert api.post("/v1/payments/wechat/refund-notify", raw=body, headers=headers).status == 204
    assert ledger_store.balance(ledger.REFUNDS) == 12000
    assert ledger_store.balance(ledger.order_account(order_id)) == 0


def test_a_forged_or_mismatched_payment_changes_nothing_and_resumes_nothing(
    wx: WeChatPayClient, wechatpay: WeChatPayStandIn, notify_url: tuple[str, Orders]
) -> None:
    url, orders = notify_url
    order_id = started(wx, 10000)
    headers, body = wechatpay.payment_notification(order_id)
    forged = {**headers, "Wechatpay-Signature": base64.b64encode(b"x" * 256).decode()}
    forged_reply = requests_post(url, forged, body)
    assert forged_reply[0] == 401 and forged_reply[1]["code"] == "FAIL"
    # Genuinely signed by WeChat Pay, but for another amount than the order's: believed by nobody.
    trade = wechatpay.trades[order_id]
    plaintext = {
        "appid": wx.appid,
        "mchid": wx.mchid,
        "out_trade_no": order_id,
        "transaction_id": trade.transaction_id,
        "trade_state": "SUCCESS",
        "amount": {"total": 1, "payer_total": 1, "currency": "CNY"},
        "payer": {"openid": "o-e"},
    }
    headers, body = wechatpay.build_notification("TRANSACTION.SUCCESS", "transaction", plaintext, "支付成功")
    assert wechatpay.deliver(url, headers, body) == 422
    assert orders.calls == [] and store.get_payment(order_id).status == "prepaid"  # type: ignore[union-attr]
    assert ledger_store.balance(ledger.order_account(order_id)) == 0


def requests_post(url: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
    resp = requests.post(url, data=body, headers=headers, timeout=10)
    return resp.status_code, resp.json() if resp.content else None


def paid_with_refund(wx: WeChatPayClient, wechatpay: WeChatPayStandIn, amount: int) -> tuple[str, str]:
    order_id = started(wx, 10000)
    trade = wechatpay.pay(order_id)
    service.record_payment(
        order_id, transaction_id=trade.transaction_id or "", amount_fen=10000, now=clock.now()
    )
    view = refunds.refund(order_id, amount, "投诉退款", now=clock.now(), wechat=wx)
    assert view is not None
    return order_id, view.out_refund_no


def test_refund_notify_applies_each_outcome_once_and_refuses_forgeries(
    api: Api, wx: WeChatPayClient, wechatpay: WeChatPayStandIn
) -> None:
    order_id, out_refund_no = paid_with_refund(wx, wechatpay, 2500)
    headers, body = wechatpay.refund_notification(out_refund_no)
    stale = wechatpay.refund_notification(out_refund_no, timestamp=str(int(clock.now().timestamp()) - 900))
    refused = api.post("/v1/payments/wechat/refund-notify", raw=stale[1], headers=stale[0])
    assert refused.status == 401 and refused.body["code"] == "FAIL"
    tampered = api.post("/v1/payments/wechat/refund-notify", raw=body + b" ", headers=headers)
    assert tampered.status == 401 and ledger_store.balance(ledger.REFUNDS) == 0
    lower = {k.lower(): v for k, v in headers.items()}
    assert [
        api.post("/v1/payments/wechat/refund-notify", raw=body, headers=lower).status for _ in range(10)
    ] == [204] * 10
    assert ledger_store.balance(ledger.REFUNDS) == 2500
    assert ledger_store.balance(ledger.order_account(order_id)) == 7500


def test_refund_notify_reads_a_base64_body_as_api_gateway_delivers_it(
    api: Api, wx: WeChatPayClient, wechatpay: WeChatPayStandIn
) -> None:
    from app import app

    _, out_refund_no = paid_with_refund(wx, wechatpay, 4000)
    headers, body = wechatpay.refund_notification(out_refund_no)
    path = "/v1/payments/wechat/refund-notify"
    event = {
        "resource": path,
        "path": path,
        "httpMethod": "POST",
        "headers": {k.lower(): v for k, v in headers.items()},
        "multiValueHeaders": {k.lower(): [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {"resourcePath": path, "httpMethod": "POST", "path": f"/api{path}", "stage": "api"},
        "body": base64.b64encode(body).decode(),
        "isBase64Encoded": True,
    }
    answer = app(event, None)
    assert answer["statusCode"] == 204, answer
    assert ledger_store.balance(ledger.REFUNDS) == 4000


def test_reconciliation_finds_unpaid_orders_near_their_deadline_and_records_lost_payments(
    wx: WeChatPayClient, wechatpay: WeChatPayStandIn
) -> None:
    soon_paid, soon_unpaid, later = (
        started(wx, deadline_minutes=10),
        started(wx, deadline_minutes=12),
        started(wx, deadline_minutes=240),
    )
    wechatpay.pay(soon_paid)  # its notification is lost
    due = service.payments_due(clock.now(), within=timedelta(minutes=15))
    assert soon_paid in due and soon_unpaid in due and later not in due
    checks = {o: service.reconcile_payment(o, now=clock.now(), wechat=wx) for o in due}
    assert (checks[soon_paid].trade_state, checks[soon_paid].recorded_now) == ("SUCCESS", True)
    assert checks[soon_unpaid].trade_state == "NOTPAY"
    still_due = service.payments_due(clock.now(), within=timedelta(minutes=15))
    assert soon_paid not in still_due and soon_unpaid in still_due


def test_the_refund_task_refunds_once_however_often_the_state_machine_retries(
    api: Api, wx: WeChatPayClient, wechatpay: WeChatPayStandIn
) -> None:
    order_id = started(wx, 9000)
    trade = wechatpay.pay(order_id)
    service.record_payment(
        order_id, transaction_id=trade.transaction_id or "", amount_fen=9000, now=clock.now()
    )
    payload = {"order_id": order_id, "refund_fen": 9000, "reason": "cancelled before acceptance"}
    results = [api.client.lambda_.invoke("payments-refund", payload).payload for _ in range(3)]
    assert {r["refund"]["out_refund_no"] for r in results} == {results[0]["refund"]["out_refund_no"]}
    assert wechatpay.trades[order_id].refunded == 9000
    nothing = api.client.lambda_.invoke("payments-refund", {**payload, "refund_fen": 0}).payload
    assert nothing["refund"] is None
