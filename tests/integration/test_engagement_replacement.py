"""Replacement (换人): a new worker takes an engagement's days not yet begun in one transaction; the order keeps
its id and timeline; at settlement each worker is paid for the days they served; free replacements are counted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from common.clock import clock

from functions import payments
from functions.booking import lifecycle, mark_paid, store
from functions.payments import ledger, ledger_store
from infra.standins.wechatpay import WeChatPayStandIn
from tests.integration.booking_helpers import World, long_lived_tokens, make_world, operator
from tests.integration.conftest import Api
from tests.integration.engagement_helpers import add_nanny_service, engage, morning


@pytest.fixture
def world(api: Api, wechatpay: WeChatPayStandIn, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with long_lived_tokens(monkeypatch):
        yield make_world(api, operator(api))


def pay(world: World, wechatpay: WeChatPayStandIn, order_id: str) -> None:
    """What is due next, paid through WeChat Pay's verified notification."""
    reply = world.api.post(f"/v1/orders/{order_id}/pay", token=world.customer("amy").token)
    assert reply.status == 200, reply.body
    trade = next(t for t in wechatpay.trades.values() if t.prepay_id == reply.body["package"][10:])
    headers, raw = wechatpay.payment_notification(trade.out_trade_no)
    answer = payments.handle_payment_notification(
        headers, raw, now=clock.now(), wechat=payments.client_from_settings(), mark_paid=mark_paid
    )
    assert answer.status_code == 204


def accepted_engagement(world: World, wechatpay: WeChatPayStandIn, days: int = 5) -> dict:
    nanny = add_nanny_service(world)
    world.worker("li")
    order = engage(world, nanny, "amy", morning(1), days, "wang").body
    pay(world, wechatpay, order["id"])
    reply = world.api.post(f"/v1/worker/orders/{order['id']}/accept", token=world.worker("wang").token)
    assert reply.status == 200, reply.body
    pay(world, wechatpay, order["id"])  # the balance
    return order


def into_day(order: dict, n: int) -> None:
    """The business clock at 09:00 of the engagement's ``n``-th day (1-based)."""
    start = datetime.fromisoformat(order["start"])
    clock.set(start + timedelta(days=n - 1, hours=1))


def test_the_new_worker_takes_the_days_not_yet_begun_and_the_order_keeps_its_id_and_timeline(
    world: World, wechatpay: WeChatPayStandIn
) -> None:
    order = accepted_engagement(world, wechatpay)
    into_day(order, 3)

    reply = world.api.post(
        f"/v1/orders/{order['id']}/replace", {"reason": "不合适"}, token=world.customer("amy").token
    )

    assert reply.status == 200, reply.body
    after = reply.body
    assert after["id"] == order["id"] and after["worker"]["id"] == world.worker("li").id
    assert after["engagement"]["served"] == [
        {"worker_id": world.worker("wang").id, "worker_name": "wang", "days": 3}
    ]
    assert "replaced: wang → li" in after["timeline"][-1]["note"]
    first = date.fromisoformat(order["engagement"]["first_day"])
    wang = world.api.get(f"/v1/worker/calendar?from={first}&days=7", token=world.worker("wang").token).body
    li = world.api.get(f"/v1/worker/calendar?from={first}&days=7", token=world.worker("li").token).body
    assert [d["date"] for d in wang["days"]] == [(first + timedelta(days=i)).isoformat() for i in range(3)]
    assert [d["date"] for d in li["days"]] == [(first + timedelta(days=i)).isoformat() for i in (3, 4)]


def test_replacements_beyond_the_free_ones_are_refused(world: World, wechatpay: WeChatPayStandIn) -> None:
    order = accepted_engagement(world, wechatpay)
    world.worker("zhao")
    into_day(order, 2)
    token = world.customer("amy").token
    assert world.api.post(f"/v1/orders/{order['id']}/replace", {"reason": "a"}, token=token).status == 200

    again = world.api.post(f"/v1/orders/{order['id']}/replace", {"reason": "b"}, token=token)

    assert again.status == 422 and again.body["error"]["code"] == "REPLACEMENT_LIMIT"
    chosen = world.api.post(
        f"/v1/admin/orders/{order['id']}/replace",
        {"worker_id": world.worker("zhao").id, "reason": "operator's choice"},
        token=world.operator,
    )
    assert chosen.status == 200 and chosen.body["worker"]["id"] == world.worker("zhao").id
    newest = world.api.get("/v1/admin/audit", token=world.operator).body["items"][0]
    assert (newest["action"], newest["target"]) == ("order.replace", f"order:{order['id']}")
    assert newest["details"]["worker_id"] == world.worker("zhao").id


def test_an_hourly_order_has_no_replacement(world: World) -> None:
    hourly = world.book("amy", morning(2), worker="wang").body
    reply = world.api.post(
        f"/v1/orders/{hourly['id']}/replace", {"reason": "x"}, token=world.customer("amy").token
    )
    assert reply.status == 422 and reply.body["error"]["code"] == "NOT_AN_ENGAGEMENT"


def test_at_settlement_each_worker_is_paid_for_the_days_served(
    world: World, wechatpay: WeChatPayStandIn
) -> None:
    order = accepted_engagement(world, wechatpay)
    into_day(order, 3)
    world.api.post(f"/v1/orders/{order['id']}/replace", {"reason": "换人"}, token=world.customer("amy").token)
    li = world.worker("li")
    assert world.api.post(f"/v1/worker/orders/{order['id']}/start", token=li.token).status == 200
    clock.set(datetime.fromisoformat(order["end"]) + timedelta(minutes=5))
    assert world.api.post(f"/v1/worker/orders/{order['id']}/complete", token=li.token).status == 200

    lifecycle.accrue_earning(order["id"], now=clock.now())
    lifecycle.settle(order["id"], now=clock.now())

    total = order["price"]["total_fen"]
    commission = int(store.get(order["id"]).commission_percent)
    earning = ledger.split_earning(total, 0, commission).worker_fen
    wang_fen = ledger_store.balance(ledger.worker_account(world.worker("wang").id, "available"))
    li_fen = ledger_store.balance(ledger.worker_account(li.id, "available"))
    assert (wang_fen, li_fen) == (earning * 3 // 5, earning - earning * 3 // 5)
    assert ledger_store.ledger_sum() == 0 and ledger_store.audit() == []


def test_a_replacement_tells_the_customer_the_new_worker_and_the_one_who_leaves(
    world: World, wechatpay: WeChatPayStandIn, events
) -> None:
    order = accepted_engagement(world, wechatpay)
    into_day(order, 2)
    events.deliver()  # what the booking and payments told already

    reply = world.api.post(
        f"/v1/orders/{order['id']}/replace", {"reason": "换人"}, token=world.customer("amy").token
    )
    assert reply.status == 200, reply.body
    events.deliver()

    def kinds(path: str, token: str) -> list[str]:
        items = world.api.get(path, token=token).body["items"]
        return [n["kind"] for n in items if n["data"].get("order_id") == order["id"]]

    assert "order_reassigned" in kinds("/v1/me/notifications", world.customer("amy").token)
    assert "order_reassigned" in kinds("/v1/worker/notifications", world.worker("wang").token)
    assert "new_order" in kinds("/v1/worker/notifications", world.worker("li").token)
