"""Payments, refunds and settlement on the table, against the WeChat Pay stand-in. After every scenario the ledger
is audited: each balance equals the sum of its entries and the sum over all accounts is zero."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from common.clock import clock
from common.errors import Conflict, InvalidNotification, RuleViolation, WeChatPayError
from common.ids import new_id

from functions.payments import ledger, ledger_store, refunds, service, store
from functions.payments.notify import payment_of, read_notification, refund_of
from functions.payments.wechatpay import WeChatPayClient
from infra.standins.loopback import LoopbackServer, Reply, Request
from infra.standins.wechatpay import WeChatPayStandIn


@pytest.fixture
def wx(aws: None, wechatpay: WeChatPayStandIn) -> Iterator[WeChatPayClient]:
    """The client, and after the scenario: the ledger must be sound."""
    yield WeChatPayClient.from_settings()
    assert ledger_store.audit() == []
    assert ledger_store.ledger_sum() == 0


def started(wx: WeChatPayClient, total: int = 10000) -> str:
    order_id = new_id(clock.now())
    service.start_payment(
        order_id, total_fen=total, description="日常保洁", openid="o-carol", now=clock.now(), wechat=wx
    )
    return order_id


def paid(wx: WeChatPayClient, wechatpay: WeChatPayStandIn, total: int = 10000) -> str:
    order_id = started(wx, total)
    trade = wechatpay.pay(order_id)
    assert service.record_payment(
        order_id, transaction_id=trade.transaction_id or "", amount_fen=total, now=clock.now()
    )
    return order_id


def held(order_id: str) -> int:
    return ledger_store.balance(ledger.order_account(order_id))


class NotifyEndpoint:
    """Where the notify routes will stand: verify, then apply once; 204 on success, 4xx FAIL otherwise."""

    def __init__(self, wx: WeChatPayClient) -> None:
        self.wx = wx
        self.applied: list[str] = []
        self.server = LoopbackServer(self.handle)

    def handle(self, req: Request) -> Reply:
        try:
            notification = read_notification(req.headers, req.body, now=clock.now(), wechat=self.wx)
            if notification["event_type"] == "TRANSACTION.SUCCESS":
                p = payment_of(notification, appid=self.wx.appid, mchid=self.wx.mchid)
                assert p.amount is not None and p.transaction_id
                if service.record_payment(
                    p.out_trade_no,
                    transaction_id=p.transaction_id,
                    amount_fen=p.amount.total,
                    now=clock.now(),
                ):
                    self.applied.append(p.out_trade_no)
            else:
                r = refund_of(notification, mchid=self.wx.mchid)
                if refunds.complete_refund(
                    r.out_trade_no or "", r.out_refund_no, r.status, refund_id=r.refund_id, now=clock.now()
                ):
                    self.applied.append(r.out_refund_no)
        except (InvalidNotification, RuleViolation) as exc:
            return Reply(
                400 if isinstance(exc, RuleViolation) else 401, json.dumps({"code": "FAIL"}).encode()
            )
        return Reply(204, b"")


@pytest.fixture
def endpoint(wx: WeChatPayClient) -> Iterator[NotifyEndpoint]:
    e = NotifyEndpoint(wx)
    yield e
    e.server.close()


# -- paying ---------------------------------------------------------------------------------------------------


def test_paying_again_reuses_the_prepay_and_the_pay_sign_verifies(
    wx: WeChatPayClient, wechatpay: WeChatPayStandIn
) -> None:
    order_id = new_id(clock.now())
    ask = dict(total_fen=12800, description="深度保洁", openid="o-dan", now=clock.now(), wechat=wx)
    first = service.start_payment(order_id, **ask)
    second = service.start_payment(order_id, **ask)
    assert first.package == second.package
    assert wechatpay.verify_pay_params(first.model_dump()) and wechatpay.verify_pay_params(
        second.model_dump()
    )
    assert wechatpay.trades[order_id].notify_url.endswith("/v1/payments/wechat/notify")


def test_an_expiring_prepay_is_renewed(wx: WeChatPayClient) -> None:
    order_id = new_id(clock.now())
    ask = dict(total_fen=5000, description="家电清洗", openid="o-dan", wechat=wx)
    first = service.start_payment(order_id, now=clock.now(), **ask)
    later = service.start_payment(order_id, now=clock.now() + timedelta(hours=2), **ask)
    assert later.package.startswith("prepay_id=") and later.timeStamp != first.timeStamp


def test_ten_identical_payment_notifications_record_one_payment(
    wx: WeChatPayClient, wechatpay: WeChatPayStandIn, endpoint: NotifyEndpoint
) -> None:
    order_id = started(wx, 15800)
    headers, body = wechatpay.payment_notification(order_id)
    statuses = [wechatpay.deliver(endpoint.server.url, headers, body) for _ in range(10)]
    assert statuses == [204] * 10
    assert endpoint.applied == [order_id]
    assert held(order_id) == 15800
    assert ledger_store.balance(ledger.CUSTOMER_PAYMENTS) == -15800
    assert store.get_payment(order_id).status == "paid"  # type: ignore[union-attr]


def test_forged_and_stale_notifications_change_nothing(
    wx: WeChatPayClient, wechatpay: WeChatPayStandIn, endpoint: NotifyEndpoint
) -> None:
    order_id = started(wx)
    stale = str(int(clock.now().timestamp()) - 600)
    headers, body = wechatpay.payment_notification(order_id, timestamp=stale)
    assert wechatpay.deliver(endpoint.server.url, headers, body) == 401
    headers, body = wechatpay.payment_notification(order_id)
    assert (
        wechatpay.deliver(
            endpoint.server.url, headers, body.replace(b"encrypt-resource", b"encrypt-resourcE")
        )
        == 401
    )
    assert endpoint.applied == [] and held(order_id) == 0
    assert store.get_payment(order_id).status == "prepaid"  # type: ignore[union-attr]


def test_a_payment_of_another_amount_is_not_believed(wx: WeChatPayClient) -> None:
    order_id = started(wx, 10000)
    with pytest.raises(RuleViolation) as err:
        service.record_payment(order_id, transaction_id="42x", amount_fen=1, now=clock.now())
    assert err.value.code == "AMOUNT_MISMATCH" and held(order_id) == 0


def test_amounts_must_be_integer_fen_end_to_end(wx: WeChatPayClient) -> None:
    order_id = started(wx, 10000)
    with pytest.raises(TypeError):
        service.record_payment(order_id, transaction_id="42x", amount_fen=10000.0, now=clock.now())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        refunds.refund(order_id, 99.5, "x", now=clock.now(), wechat=wx)  # type: ignore[arg-type]


def test_a_lost_notification_is_found_by_reconciliation_once(
    wx: WeChatPayClient, wechatpay: WeChatPayStandIn
) -> None:
    order_id = started(wx, 8800)
    assert service.reconcile_payment(order_id, now=clock.now(), wechat=wx).trade_state == "NOTPAY"
    wechatpay.pay(order_id)  # paid, but the notification never arrives
    first = service.reconcile_payment(order_id, now=clock.now(), wechat=wx)
    again = service.reconcile_payment(order_id, now=clock.now(), wechat=wx)
    assert (first.trade_state, first.recorded_now, again.recorded_now) == ("SUCCESS", True, False)
    assert held(order_id) == 8800


# -- refunds ----------------------------------------------------------------------------------------------------


def test_a_full_refund_returns_the_money_once_however_often_it_is_notified(
    wx: WeChatPayClient, wechatpay: WeChatPayStandIn, endpoint: NotifyEndpoint
) -> None:
    order_id = paid(wx, wechatpay, 10000)
    view = refunds.refund(order_id, 10000, "cancelled before acceptance", now=clock.now(), wechat=wx)
    assert view is not None and view.status == "PROCESSING"
    assert held(order_id) == 0 and ledger_store.balance(ledger.refunding_account(order_id)) == 10000
    headers, body = wechatpay.refund_notification(view.out_refund_no)
    assert [wechatpay.deliver(endpoint.server.url, headers, body) for _ in range(10)] == [204] * 10
    assert endpoint.applied == [view.out_refund_no]
    assert ledger_store.balance(ledger.REFUNDS) == 10000
    assert ledger_store.balance(ledger.refunding_account(order_id)) == 0


def test_a_retried_refund_reuses_its_out_refund_no_and_refunds_once(
    wx: WeChatPayClient, wechatpay: WeChatPayStandIn
) -> None:
    order_id = paid(wx, wechatpay, 10000)
    wechatpay.fail_next("/v3/refund/domestic/refunds", 500, "SYSTEM_ERROR", after_effect=True)
    with pytest.raises(WeChatPayError) as lost:  # the state machine's Retry sees the task fail
        refunds.refund(order_id, 4000, "cancel", now=clock.now(), wechat=wx)
    assert lost.value.retryable
    retried = refunds.refund(order_id, 4000, "cancel", now=clock.now(), wechat=wx)
    assert retried is not None and wechatpay.trades[order_id].refunded == 4000
    assert [no for no in wechatpay.refunds if no.startswith(order_id)] == [retried.out_refund_no]
    assert held(order_id) == 6000


def test_partial_refunds_add_up_to_at_most_the_total(
    wx: WeChatPayClient, wechatpay: WeChatPayStandIn
) -> None:
    order_id = paid(wx, wechatpay, 10000)
    refunds.refund(order_id, 6000, "complaint", key="complaint-1", now=clock.now(), wechat=wx)
    refunds.refund(order_id, 4000, "complaint", key="complaint-2", now=clock.now(), wechat=wx)
    with pytest.raises(RuleViolation) as err:
        refunds.refund(order_id, 1, "operator", key="operator-1", now=clock.now(), wechat=wx)
    assert err.value.code == "REFUND_EXCEEDS_PAYMENT"
    assert wechatpay.trades[order_id].refunded == 10000


def test_the_same_refund_key_cannot_be_reused_for_another_amount(
    wx: WeChatPayClient, wechatpay: WeChatPayStandIn
) -> None:
    order_id = paid(wx, wechatpay)
    refunds.refund(order_id, 3000, "operator", key="op-1", now=clock.now(), wechat=wx)
    with pytest.raises(Conflict):
        refunds.refund(order_id, 5000, "operator", key="op-1", now=clock.now(), wechat=wx)


def test_a_closed_refund_puts_the_money_back_and_an_abnormal_one_keeps_it_aside(
    wx: WeChatPayClient, wechatpay: WeChatPayStandIn, endpoint: NotifyEndpoint
) -> None:
    order_id = paid(wx, wechatpay, 10000)
    closed = refunds.refund(order_id, 3000, "operator", key="a", now=clock.now(), wechat=wx)
    abnormal = refunds.refund(order_id, 2000, "operator", key="b", now=clock.now(), wechat=wx)
    assert closed and abnormal
    assert wechatpay.notify_refund(closed.out_refund_no, "CLOSED", url=endpoint.server.url) == 204
    assert wechatpay.notify_refund(abnormal.out_refund_no, "ABNORMAL", url=endpoint.server.url) == 204
    assert held(order_id) == 8000
    assert ledger_store.balance(ledger.refunding_account(order_id)) == 2000
    assert ledger_store.balance(ledger.REFUNDS) == 0


def test_refunding_an_order_never_paid_does_nothing(wx: WeChatPayClient) -> None:
    assert refunds.refund(started(wx), 5000, "cancel", now=clock.now(), wechat=wx) is None
    assert refunds.refund(new_id(clock.now()), 5000, "cancel", now=clock.now(), wechat=wx) is None


# -- settlement -------------------------------------------------------------------------------------------------


def test_settlement_credits_paid_minus_refunds_minus_commission(
    wx: WeChatPayClient, wechatpay: WeChatPayStandIn
) -> None:
    order_id, worker = paid(wx, wechatpay, 10000), "w" + new_id()
    assert service.accrue_earning(order_id, worker, commission_percent=20, now=clock.now()) == 8000
    assert ledger_store.balance(ledger.worker_account(worker, "pending")) == 8000
    # A complaint during the dispute window refunds 3000.
    r = refunds.refund(order_id, 3000, "complaint", now=clock.now(), wechat=wx)
    assert r is not None
    wechatpay.refund_notification(r.out_refund_no)  # WeChat Pay completes it …
    refunds.complete_refund(order_id, r.out_refund_no, "SUCCESS", now=clock.now())  # … and we apply it
    result = service.settle(order_id, worker, commission_percent=20, now=clock.now())
    assert result is not None
    assert (result.paid_fen, result.refunded_fen, result.commission_fen, result.worker_fen) == (
        10000,
        3000,
        1400,
        5600,
    )
    assert ledger_store.balances(
        [ledger.worker_account(worker, "pending"), ledger.worker_account(worker, "available")]
    ) == {ledger.worker_account(worker, "pending"): 0, ledger.worker_account(worker, "available"): 5600}
    assert ledger_store.balance(ledger.PLATFORM_REVENUE) == 1400 and held(order_id) == 0


def test_settling_twice_credits_once(wx: WeChatPayClient, wechatpay: WeChatPayStandIn) -> None:
    order_id, worker = paid(wx, wechatpay, 20000), "w" + new_id()
    first = service.settle(order_id, worker, commission_percent=25, now=clock.now())
    second = service.settle(order_id, worker, commission_percent=25, now=clock.now())
    assert first == second and first is not None and first.worker_fen == 15000
    assert ledger_store.balance(ledger.worker_account(worker, "available")) == 15000


def test_settlement_waits_for_a_refund_in_flight(wx: WeChatPayClient, wechatpay: WeChatPayStandIn) -> None:
    order_id, worker = paid(wx, wechatpay), "w" + new_id()
    refunds.refund(order_id, 1000, "complaint", now=clock.now(), wechat=wx)
    with pytest.raises(Conflict) as err:
        service.settle(order_id, worker, commission_percent=20, now=clock.now())
    assert err.value.code == "REFUND_IN_FLIGHT"


def test_a_late_cancellation_pays_the_fee_to_the_worker(
    wx: WeChatPayClient, wechatpay: WeChatPayStandIn
) -> None:
    order_id, worker = paid(wx, wechatpay, 10000), "w" + new_id()
    r = refunds.refund(order_id, 8000, "cancelled within 2 h of start", now=clock.now(), wechat=wx)
    assert r is not None
    refunds.complete_refund(order_id, r.out_refund_no, "SUCCESS", now=clock.now())
    result = service.settle(
        order_id, worker, commission_percent=20, late_cancellation_fee_fen=2000, now=clock.now()
    )
    assert result is not None and (result.worker_fen, result.commission_fen) == (2000, 0)


def test_a_fully_refunded_order_settles_to_nothing(wx: WeChatPayClient, wechatpay: WeChatPayStandIn) -> None:
    order_id, worker = paid(wx, wechatpay), "w" + new_id()
    r = refunds.refund(order_id, 10000, "complaint upheld", now=clock.now(), wechat=wx)
    assert r is not None
    refunds.complete_refund(order_id, r.out_refund_no, "SUCCESS", now=clock.now())
    result = service.settle(order_id, worker, commission_percent=20, now=clock.now())
    assert result is not None and (result.worker_fen, result.commission_fen) == (0, 0)
    with pytest.raises(RuleViolation) as err:
        refunds.refund(order_id, 1, "late complaint", now=clock.now(), wechat=wx)
    assert err.value.code == "ORDER_SETTLED"
