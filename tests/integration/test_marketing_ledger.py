"""Who bears a discount: the platform. A discounted order's worker earns, and the platform's commission is taken,
on the undiscounted price; the platform's promotions account covers the difference; the ledger sums to zero."""

from __future__ import annotations

from common.clock import clock
from common.ids import new_id

from functions.payments import ledger, ledger_store, refunds, service
from functions.payments.wechatpay import WeChatPayClient
from infra.standins.wechatpay import WeChatPayStandIn
from tests.integration.test_payments_ledger import paid, wx  # noqa: F401 (the fixture audits the ledger)


def test_the_platform_bears_the_discount_and_the_worker_earns_on_the_full_price(
    wx: WeChatPayClient,  # noqa: F811
    wechatpay: WeChatPayStandIn,
) -> None:
    # Subtotal 10,000; a coupon and points took 2,000 off; the customer paid 8,000.
    order_id, worker = paid(wx, wechatpay, 8000), "w" + new_id()
    assert service.accrue_earning(order_id, worker, commission_percent=20, now=clock.now()) == 6400

    result = service.settle(order_id, worker, commission_percent=20, discount_fen=2000, now=clock.now())
    again = service.settle(order_id, worker, commission_percent=20, discount_fen=2000, now=clock.now())

    assert result is not None and result == again
    assert (result.paid_fen, result.commission_fen, result.worker_fen) == (8000, 2000, 8000)
    assert ledger_store.balance(ledger.worker_account(worker, "available")) == 8000
    assert ledger_store.balance(ledger.PLATFORM_PROMOTIONS) == -2000
    assert ledger_store.balance(ledger.PLATFORM_REVENUE) == 2000
    assert ledger_store.ledger_sum() == 0


def test_a_partly_refunded_discounted_order_gets_the_discount_in_proportion(
    wx: WeChatPayClient,  # noqa: F811
    wechatpay: WeChatPayStandIn,
) -> None:
    order_id, worker = paid(wx, wechatpay, 8000), "w" + new_id()
    r = refunds.refund(order_id, 4000, "complaint", now=clock.now(), wechat=wx)
    assert r is not None
    refunds.complete_refund(order_id, r.out_refund_no, "SUCCESS", now=clock.now())

    result = service.settle(order_id, worker, commission_percent=20, discount_fen=2000, now=clock.now())

    assert result is not None and (result.commission_fen, result.worker_fen) == (1000, 4000)
    assert ledger_store.balance(ledger.PLATFORM_PROMOTIONS) == -1000
    assert ledger_store.ledger_sum() == 0
