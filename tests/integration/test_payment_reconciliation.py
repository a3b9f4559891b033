"""Never trust the client's "success": the scheduled reconciliation asks WeChat Pay about orders still unpaid near
their deadline and treats a payment it confirms as the lost notification would have."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from common.clock import clock

from functions.booking.reconcile import reconcile_pending_payments
from functions.payments import client_from_settings
from tests.integration.booking_helpers import slot
from tests.integration.lifecycle_helpers import Flow, order_workflow


@pytest.fixture
def flow(wechat, wechatpay, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flow]:
    with order_workflow(wechat, monkeypatch) as running:
        yield running


def test_a_payment_whose_notification_was_lost_is_found_and_moves_the_order_on(flow: Flow, wechatpay) -> None:
    world = flow.world
    order = world.book("amy", slot(3), worker="wang").body
    flow.waiting(order["id"], "payment")
    assert world.api.post(f"/v1/orders/{order['id']}/pay", token=world.customer("amy").token).status == 200
    wechatpay.pay(order["id"])  # the customer paid; WeChat Pay's notification never reached us

    near_deadline = clock.now()  # the payment wait is a minute in these tests: the order is due now
    found = reconcile_pending_payments(now=near_deadline, wechat=client_from_settings())
    assert found == {"checked": 1, "paid_found": 1, "moved_on": 1, "refunded": 0}
    flow.waiting(order["id"], "acceptance")
    assert flow.order(order["id"]).status == "pending_acceptance"

    again = reconcile_pending_payments(now=near_deadline, wechat=client_from_settings())
    assert again["checked"] == 0  # paid orders leave the due index: nothing is asked or recorded twice


def test_an_unpaid_order_near_its_deadline_is_asked_about_and_left_alone(flow: Flow, wechatpay) -> None:
    world = flow.world
    order = world.book("bea", slot(3), worker="wang").body
    flow.waiting(order["id"], "payment")
    assert world.api.post(f"/v1/orders/{order['id']}/pay", token=world.customer("bea").token).status == 200
    result = reconcile_pending_payments(now=clock.now(), wechat=client_from_settings())
    assert result == {"checked": 1, "paid_found": 0, "moved_on": 0, "refunded": 0}
    assert flow.order(order["id"]).status == "pending_payment"
