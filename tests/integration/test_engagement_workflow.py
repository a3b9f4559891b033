"""An engagement's workflow on Step Functions (moto runs the real ASL): it waits for the deposit (定金) like any
payment, then, after acceptance, for the balance (尾款) before the first day; an unpaid balance cancels the order
by the cancellation policy and refunds the deposit. Payments go through WeChat Pay's stand-in and its verified
notifications, and the ledger stays zero-sum."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from common.clock import clock
from common.settings import get_settings

from functions import payments
from functions.booking import mark_paid
from functions.payments import ledger, ledger_store
from infra.standins.wechatpay import WeChatPayStandIn
from tests.integration.engagement_helpers import add_nanny_service, engage, morning
from tests.integration.lifecycle_helpers import Flow, order_workflow


@pytest.fixture
def flow(wechat, wechatpay: WeChatPayStandIn, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flow]:
    with order_workflow(wechat, monkeypatch) as running:
        yield running


def pay(flow: Flow, wechatpay: WeChatPayStandIn, order: dict, body: dict | None = None) -> dict:
    """``POST /pay`` (what is due next, or ``body``'s part), then the customer pays and WeChat Pay notifies."""
    token = flow.world.customer("amy").token
    reply = flow.world.api.post(f"/v1/orders/{order['id']}/pay", body, token=token)
    assert reply.status == 200, reply.body
    trade = next(t for t in wechatpay.trades.values() if t.prepay_id == reply.body["package"][10:])
    headers, raw = wechatpay.payment_notification(trade.out_trade_no)
    answer = payments.handle_payment_notification(
        headers, raw, now=clock.now(), wechat=payments.client_from_settings(), mark_paid=mark_paid
    )
    assert answer.status_code == 204, answer.body
    return {"out_trade_no": trade.out_trade_no, "amount": trade.total}


def test_the_workflow_waits_for_the_deposit_then_the_balance_before_the_first_day(
    flow: Flow, wechatpay: WeChatPayStandIn
) -> None:
    nanny = add_nanny_service(flow.world)
    order = engage(flow.world, nanny, "amy", morning(3), 26, "wang").body
    flow.waiting(order["id"], "payment")

    deposit = pay(flow, wechatpay, order)
    flow.waiting(order["id"], "acceptance")
    reply = flow.world.api.post(
        f"/v1/worker/orders/{order['id']}/accept", token=flow.world.worker("wang").token
    )
    assert reply.status == 200, reply.body
    flow.waiting(order["id"], "balance")
    balance = pay(flow, wechatpay, order)
    flow.waiting(order["id"], "start")

    price = order["price"]
    assert (deposit, balance) == (
        {"out_trade_no": order["id"], "amount": price["deposit_fen"]},
        {"out_trade_no": f"{order['id']}-b", "amount": price["balance_fen"]},
    )
    final = flow.world.api.get(f"/v1/orders/{order['id']}", token=flow.world.customer("amy").token).body
    assert final["paid_fen"] == price["total_fen"]
    assert final["engagement"]["balance_paid_fen"] == price["balance_fen"]
    assert [e["note"] for e in final["timeline"]] == [
        "engagement booked",
        "paid",
        "accepted",
        "balance (尾款) paid",
    ]
    assert "AwaitBalance" in flow.path(order["id"])
    assert ledger_store.balance(ledger.order_account(order["id"])) == price["total_fen"]
    assert ledger_store.ledger_sum() == 0 and ledger_store.audit() == []


def test_nothing_is_due_once_both_parts_are_paid_and_a_part_of_an_hourly_order_is_refused(
    flow: Flow, wechatpay: WeChatPayStandIn
) -> None:
    nanny = add_nanny_service(flow.world)
    order = engage(flow.world, nanny, "amy", morning(3), 5, "wang").body
    token = flow.world.customer("amy").token
    early = flow.world.api.post(f"/v1/orders/{order['id']}/pay", {"part": "balance"}, token=token)
    assert early.status == 409 and early.body["error"]["code"] == "NOTHING_DUE"
    pay(flow, wechatpay, order, {"part": "deposit"})
    flow.waiting(order["id"], "acceptance")
    pay(flow, wechatpay, order, {"part": "balance"})  # the balance may be paid before acceptance too

    again = flow.world.api.post(f"/v1/orders/{order['id']}/pay", token=token)
    assert again.status == 409 and again.body["error"]["code"] == "NOTHING_DUE"
    hourly = flow.world.book("amy", morning(10), worker="li").body
    part = flow.world.api.post(f"/v1/orders/{hourly['id']}/pay", {"part": "deposit"}, token=token)
    assert part.status == 422 and part.body["error"]["code"] == "NOT_AN_ENGAGEMENT"


def test_an_unpaid_balance_cancels_the_engagement_and_refunds_the_deposit_by_the_policy(
    flow: Flow, wechatpay: WeChatPayStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENGAGEMENT_BALANCE_DUE_HOURS", "96")  # due before now: the wait ends at once
    get_settings.cache_clear()
    nanny = add_nanny_service(flow.world)
    order = engage(flow.world, nanny, "amy", morning(3), 26, "wang").body
    pay(flow, wechatpay, order)
    flow.waiting(order["id"], "acceptance")
    flow.world.api.post(f"/v1/worker/orders/{order['id']}/accept", token=flow.world.worker("wang").token)

    assert flow.finished(order["id"])["status"] == "SUCCEEDED"
    item = flow.order(order["id"])
    assert (item.status, item.cancel_reason) == ("cancelled", "balance (尾款) not paid in time")
    assert "BalanceExpired" in flow.path(order["id"])
    # More than the fee window before the start: the policy refunds the whole deposit.
    assert [i["refund_fen"] for i in flow.invocations("payments-refund")] == [order["price"]["deposit_fen"]]
    again = engage(flow.world, nanny, "ben", morning(3), 26, "wang")
    assert again.status == 201, again.body  # the days were given back
    assert ledger_store.ledger_sum() == 0 and ledger_store.audit() == []
