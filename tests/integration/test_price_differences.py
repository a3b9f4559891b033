"""On-site price differences (补差价) over HTTP on moto: the worker proposes one while in service, the customer
approves and pays it through WeChat Pay's stand-in (its own trade, its own ledger transaction, once however often
the notification comes) or rejects it (the worker is told); a paid difference joins the settlement and is
refunded on its own when an operator cancels the order; the ledger sums to zero throughout."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from common.clock import clock
from common.settings import get_settings

from functions import payments
from functions.booking import mark_paid, unpaid_extras_due
from functions.payments import ledger, ledger_store
from functions.payments import store as payments_store
from infra.standins.wechatpay import WeChatPayStandIn
from tests.integration.booking_helpers import World, event_tap, long_lived_tokens, make_world, operator, slot
from tests.integration.conftest import Api
from tests.integration.lifecycle_helpers import Flow, order_workflow

LINES = [{"name": "超出面积加时", "amount_fen": 5000}, {"name": "专用清洁剂", "amount_fen": 1200}]
DIFFERENCE_FEN = 6200


@pytest.fixture(autouse=True)
def start_at_once(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The worker may start hours early: the business clock stays with WeChat Pay's (its signatures are timed)."""
    monkeypatch.setenv("START_EARLY_MINUTES", "240")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("START_EARLY_MINUTES")
    get_settings.cache_clear()


@pytest.fixture
def world(api: Api, wechatpay: WeChatPayStandIn, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with long_lived_tokens(monkeypatch):
        yield make_world(api, operator(api))


@pytest.fixture
def flow(wechat: Any, wechatpay: WeChatPayStandIn, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flow]:
    with order_workflow(wechat, monkeypatch) as running:
        yield running


def notify(wechatpay: WeChatPayStandIn, out_trade_no: str) -> int:
    """The customer pays the trade in WeChat and WeChat Pay notifies us: our answer's status."""
    headers, raw = wechatpay.payment_notification(out_trade_no)
    answer = payments.handle_payment_notification(
        headers, raw, now=clock.now(), wechat=payments.client_from_settings(), mark_paid=mark_paid
    )
    return answer.status_code


def refund_notify(wechatpay: WeChatPayStandIn, order_id: str) -> None:
    """WeChat Pay reports every refund of the order it made as done."""
    for out_refund_no in [no for no in list(wechatpay.refunds) if no.startswith(order_id)]:
        headers, raw = wechatpay.refund_notification(out_refund_no)
        answer = payments.notify.handle_refund_notification(
            headers, raw, now=clock.now(), wechat=payments.client_from_settings()
        )
        assert answer.status_code == 204, answer.body


def in_service(world: World, wechatpay: WeChatPayStandIn, wait: Any = None) -> dict:
    """An order paid through WeChat Pay, accepted and started by its worker (``wait``: the workflow's)."""
    order = world.book("amy", slot(2.5), worker="wang").body
    wait and wait(order["id"], "payment")
    assert world.api.post(f"/v1/orders/{order['id']}/pay", token=world.customer("amy").token).status == 200
    assert notify(wechatpay, order["id"]) == 204
    wait and wait(order["id"], "acceptance")
    worker = world.worker("wang").token
    assert world.api.post(f"/v1/worker/orders/{order['id']}/accept", token=worker).status == 200
    wait and wait(order["id"], "start")
    assert world.api.post(f"/v1/worker/orders/{order['id']}/start", token=worker).status == 200
    wait and wait(order["id"], "completion")
    return order


def propose(world: World, order_id: str, items: list[dict] | None = None, worker: str = "wang") -> Any:
    body = {"items": LINES if items is None else items, "reason": "实际面积比预约大"}
    return world.api.post(f"/v1/worker/orders/{order_id}/extras", body, token=world.worker(worker).token)


def answer(world: World, order_id: str, extra_id: str, action: str, customer: str = "amy") -> Any:
    path = f"/v1/orders/{order_id}/extras/{extra_id}/{action}"
    return world.api.post(path, token=world.customer(customer).token)


def extras_seen(world: World, order_id: str) -> list[dict]:
    return world.api.get(f"/v1/orders/{order_id}", token=world.customer("amy").token).body["extras"]


def pay_difference(world: World, wechatpay: WeChatPayStandIn, order_id: str) -> str:
    proposed = propose(world, order_id)
    assert proposed.status == 201, proposed.body
    assert answer(world, order_id, proposed.body["id"], "approve").status == 200
    assert notify(wechatpay, f"{order_id}-{proposed.body['id']}") == 204
    return proposed.body["id"]


def test_a_proposed_difference_is_listed_on_every_view_of_the_order_and_the_customer_is_told(
    world: World, wechatpay: WeChatPayStandIn
) -> None:
    order = in_service(world, wechatpay)
    with event_tap() as received:
        reply = propose(world, order["id"])
        events = received()
    assert (reply.status, reply.body) == (201, {"id": "x01", "status": "proposed"})
    [(kind, detail)] = [(t, d) for t, d in events if t.startswith("Extra")]
    assert (kind, detail["extra_id"], detail["amount_fen"]) == ("ExtraProposed", "x01", DIFFERENCE_FEN)
    [seen] = extras_seen(world, order["id"])
    assert (seen["id"], seen["status"], seen["amount_fen"], seen["items"]) == (
        "x01",
        "proposed",
        DIFFERENCE_FEN,
        LINES,
    )
    worker_view = world.api.get(f"/v1/worker/orders/{order['id']}", token=world.worker("wang").token).body
    admin_view = world.api.get(f"/v1/admin/orders/{order['id']}", token=world.operator).body
    assert worker_view["extras"] == admin_view["extras"] == [seen]
    assert world.api.get("/v1/orders", token=world.customer("amy").token).status == 200


def test_approving_twice_answers_the_same_payment_and_the_replayed_notification_posts_once(
    world: World, wechatpay: WeChatPayStandIn
) -> None:
    order = in_service(world, wechatpay)
    extra_id = propose(world, order["id"]).body["id"]
    first = answer(world, order["id"], extra_id, "approve")
    again = answer(world, order["id"], extra_id, "approve")
    assert first.status == again.status == 200
    assert first.body["package"] == again.body["package"]  # one prepay of the difference's own trade
    trade = f"{order['id']}-{extra_id}"
    assert wechatpay.trades[trade].total == DIFFERENCE_FEN
    assert [e["status"] for e in extras_seen(world, order["id"])] == ["approved"]
    assert [u.extra_id for u in unpaid_extras_due(clock.now())] == [extra_id]

    held = ledger_store.balance(ledger.order_account(order["id"]))
    assert notify(wechatpay, trade) == 204
    assert notify(wechatpay, trade) == 204  # WeChat Pay repeats itself
    assert ledger_store.balance(ledger.order_account(order["id"])) == held + DIFFERENCE_FEN
    assert payments_store.get_payment(order["id"]).paid_fen == order["price"]["total_fen"] + DIFFERENCE_FEN
    assert [e["status"] for e in extras_seen(world, order["id"])] == ["paid"]
    assert unpaid_extras_due(clock.now()) == []
    paid_again = answer(world, order["id"], extra_id, "approve")
    assert (paid_again.status, paid_again.body["error"]["code"]) == (409, "ALREADY_PAID")
    assert ledger_store.ledger_sum() == 0 and ledger_store.audit() == []


def test_a_rejected_difference_tells_the_worker_and_cannot_be_approved(
    world: World, wechatpay: WeChatPayStandIn, events: Any
) -> None:
    order = in_service(world, wechatpay)
    extra_id = propose(world, order["id"]).body["id"]
    rejected = answer(world, order["id"], extra_id, "reject")
    assert (rejected.status, rejected.body["status"]) == (200, "rejected")
    assert answer(world, order["id"], extra_id, "reject").status == 200  # a retry answers the same
    late = answer(world, order["id"], extra_id, "approve")
    assert (late.status, late.body["error"]["code"]) == (409, "INVALID_TRANSITION")

    events.deliver(only={"notifications_consumer"})
    inbox = world.api.get("/v1/worker/notifications", token=world.worker("wang").token).body["items"]
    told = [n for n in inbox if n["kind"] == "extra_rejected"]
    assert len(told) == 1 and "¥62.00" in told[0]["body"] and told[0]["data"]["extra_id"] == extra_id
    customer_inbox = world.api.get("/v1/me/notifications", token=world.customer("amy").token).body["items"]
    assert [n["kind"] for n in customer_inbox if n["kind"].startswith("extra")] == ["extra_proposed"]


def test_a_difference_needs_an_order_in_service_its_own_worker_and_customer_and_sane_amounts(
    world: World, wechatpay: WeChatPayStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    booked = world.book("amy", slot(5), worker="wang").body
    assert propose(world, booked["id"]).status == 409  # not in service yet
    order = in_service(world, wechatpay)
    assert propose(world, order["id"], worker="li").status == 404  # not this worker's order
    for items in (
        [],
        [{"name": "x", "amount_fen": 0}],
        [{"name": "x", "amount_fen": 1.5}],
        [{"name": "", "amount_fen": 1}],
    ):
        assert propose(world, order["id"], items).status == 422, items
    too_much = propose(world, order["id"], [{"name": "翻新", "amount_fen": 100_001}])
    assert (too_much.status, too_much.body["error"]["code"]) == (422, "EXTRA_TOO_LARGE")
    eleven = propose(world, order["id"], [{"name": f"项{i}", "amount_fen": 100} for i in range(11)])
    assert (eleven.status, eleven.body["error"]["code"]) == (422, "TOO_MANY_ITEMS")
    assert extras_seen(world, order["id"]) == []  # nothing written by a refused proposal

    extra_id = propose(world, order["id"]).body["id"]
    assert answer(world, order["id"], extra_id, "approve", customer="ben").status == 404  # another's order
    assert answer(world, order["id"], "x09", "approve").status == 404  # no such difference
    monkeypatch.setenv("EXTRA_MAX_PER_ORDER", "2")
    get_settings.cache_clear()
    assert propose(world, order["id"]).status == 201
    third = propose(world, order["id"])
    assert (third.status, third.body["error"]["code"]) == (422, "TOO_MANY_EXTRAS")
    monkeypatch.delenv("EXTRA_MAX_PER_ORDER")
    get_settings.cache_clear()


def test_a_paid_difference_joins_the_settlement_and_the_ledger_sums_to_zero(
    flow: Flow, wechatpay: WeChatPayStandIn
) -> None:
    world = flow.world
    order = in_service(world, wechatpay, flow.waiting)
    pay_difference(world, wechatpay, order["id"])
    worker = world.worker("wang")
    assert world.api.post(f"/v1/worker/orders/{order['id']}/complete", token=worker.token).status == 200
    assert flow.finished(order["id"])["status"] == "SUCCEEDED"

    total = order["price"]["total_fen"] + DIFFERENCE_FEN
    percent = int(flow.order(order["id"]).commission_percent)
    split = ledger.split_earning(total, 0, percent)
    payment = payments_store.get_payment(order["id"])
    assert (payment.paid_fen, payment.worker_fen, payment.commission_fen) == (
        total,
        split.worker_fen,
        split.commission_fen,
    )
    assert ledger_store.balance(ledger.worker_account(worker.id, "available")) == split.worker_fen
    assert ledger_store.balance(ledger.order_account(order["id"])) == 0
    assert ledger_store.ledger_sum() == 0 and ledger_store.audit() == []


def test_an_operator_cancellation_refunds_a_paid_difference_on_its_own(
    flow: Flow, wechatpay: WeChatPayStandIn
) -> None:
    world = flow.world
    order = in_service(world, wechatpay, flow.waiting)
    extra_id = pay_difference(world, wechatpay, order["id"])
    open_id = propose(world, order["id"]).body["id"]  # proposed, never answered: withdrawn with the order
    reply = world.api.post(
        f"/v1/admin/orders/{order['id']}/cancel", {"reason": "服务中断"}, token=world.operator
    )
    assert reply.status == 200, reply.body
    assert flow.finished(order["id"])["status"] == "SUCCEEDED"

    trade = wechatpay.trades[f"{order['id']}-{extra_id}"]
    assert trade.refunded == DIFFERENCE_FEN  # from the difference's own trade
    assert wechatpay.trades[order["id"]].refunded == order["price"]["total_fen"]
    refund_notify(wechatpay, order["id"])
    refund_notify(wechatpay, order["id"])  # repeated refund notifications change nothing
    statuses = {e["id"]: e["status"] for e in extras_seen(world, order["id"])}
    assert statuses == {extra_id: "refunded", open_id: "rejected"}
    assert ledger_store.balance(ledger.order_account(order["id"])) == 0
    assert ledger_store.balance(ledger.refunding_account(order["id"])) == 0
    assert ledger_store.ledger_sum() == 0 and ledger_store.audit() == []


def test_a_difference_paid_after_the_customer_rejected_it_is_refunded_from_its_own_trade(
    world: World, wechatpay: WeChatPayStandIn
) -> None:
    order = in_service(world, wechatpay)
    extra_id = propose(world, order["id"]).body["id"]
    assert answer(world, order["id"], extra_id, "approve").status == 200
    assert [u.extra_id for u in unpaid_extras_due(clock.now())] == [extra_id]
    assert answer(world, order["id"], extra_id, "reject").status == 200  # changed their mind before paying
    assert unpaid_extras_due(clock.now()) == []  # out of the unpaid index
    trade = f"{order['id']}-{extra_id}"
    assert notify(wechatpay, trade) == 204  # ... but paid the prepay anyway
    assert notify(wechatpay, trade) == 204
    assert wechatpay.trades[trade].refunded == DIFFERENCE_FEN and wechatpay.trades[order["id"]].refunded == 0
    refund_notify(wechatpay, order["id"])
    assert [e["status"] for e in extras_seen(world, order["id"])] == ["rejected"]
    assert ledger_store.balance(ledger.order_account(order["id"])) == order["price"]["total_fen"]
    assert ledger_store.ledger_sum() == 0 and ledger_store.audit() == []


def test_proposals_and_approvals_at_once_number_each_difference_once_and_prepay_it_once(
    world: World, wechatpay: WeChatPayStandIn
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from app import app
    from infra.local.atomic_dynamodb import make_dynamodb_atomic
    from tests.integration.test_booking_race import concurrent_requests

    make_dynamodb_atomic()
    order = in_service(world, wechatpay)
    with concurrent_requests(app), ThreadPoolExecutor(6) as pool:
        proposals = list(pool.map(lambda _: propose(world, order["id"]), range(6)))
    created = [r.body["id"] for r in proposals if r.status == 201]
    assert {r.status for r in proposals} <= {201, 409, 422}
    assert sorted(created) == [f"x{n:02d}" for n in range(1, len(created) + 1)]  # no number taken twice
    assert len(extras_seen(world, order["id"])) == len(created) <= 5

    with event_tap() as received, concurrent_requests(app), ThreadPoolExecutor(4) as pool:
        approvals = list(pool.map(lambda _: answer(world, order["id"], created[0], "approve"), range(4)))
        events = received()
    assert {r.status for r in approvals} == {200}
    assert len({r.body["package"] for r in approvals}) == 1  # one prepay, however many taps
    assert [t for t, _ in events].count("ExtraApproved") == 1


def test_a_lost_notification_of_a_difference_is_found_by_the_reconciliation(
    world: World, wechatpay: WeChatPayStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    from functions.booking.reconcile import reconcile_pending_payments

    monkeypatch.setenv("EXTRA_PAY_MINUTES", "5")  # its prepay's deadline within the reconciliation's window
    get_settings.cache_clear()
    order = in_service(world, wechatpay)
    extra_id = propose(world, order["id"]).body["id"]
    assert answer(world, order["id"], extra_id, "approve").status == 200
    wechatpay.pay(f"{order['id']}-{extra_id}")  # paid in WeChat; the notification never arrives

    found = reconcile_pending_payments(now=clock.now(), wechat=payments.client_from_settings())
    assert found["moved_on"] == 1 and found["refunded"] == 0
    assert [e["status"] for e in extras_seen(world, order["id"])] == ["paid"]
    assert reconcile_pending_payments(now=clock.now(), wechat=payments.client_from_settings())["checked"] == 0
    assert ledger_store.ledger_sum() == 0 and ledger_store.audit() == []


def test_a_difference_paid_after_completion_is_settled_with_the_earning_already_pending(
    api: Api, wechatpay: WeChatPayStandIn
) -> None:
    from common.ids import new_id

    from functions.payments import service

    wx, now = payments.client_from_settings(), clock.now()
    order_id = new_id(now)
    service.start_payment(order_id, total_fen=10000, description="保洁", openid="o-x", now=now, wechat=wx)
    service.record_payment(
        order_id, transaction_id=wechatpay.pay(order_id).transaction_id or "", amount_fen=10000, now=now
    )
    pending = service.accrue_earning(order_id, "w-late", commission_percent=20, now=now)  # completed
    assert pending == 8000
    service.start_payment(
        order_id, total_fen=DIFFERENCE_FEN, description="补差价", openid="o-x", now=now, wechat=wx, part="x01"
    )
    trade = wechatpay.pay(f"{order_id}-x01")
    assert service.record_payment(
        order_id,
        transaction_id=trade.transaction_id or "",
        amount_fen=DIFFERENCE_FEN,
        now=now,
        out_trade_no=f"{order_id}-x01",
    )
    settled = service.settle(order_id, "w-late", commission_percent=20, now=now)
    assert settled is not None and (settled.paid_fen, settled.worker_fen) == (16200, 12960)
    assert ledger_store.balance(ledger.worker_account("w-late", "available")) == 12960
    assert ledger_store.balance(ledger.worker_account("w-late", "pending")) == 0
    assert ledger_store.ledger_sum() == 0 and ledger_store.audit() == []


def test_a_difference_left_unpaid_puts_its_order_in_the_operators_queue_once(
    world: World, wechatpay: WeChatPayStandIn
) -> None:
    from functions.booking.watches import run_due

    order = in_service(world, wechatpay)
    extra_id = propose(world, order["id"]).body["id"]
    assert answer(world, order["id"], extra_id, "approve").status == 200
    wait = get_settings().exception_unpaid_extra_minutes
    queue = "/v1/admin/exceptions?kind=unpaid_extra"

    run_due(now=clock.now() + timedelta(minutes=wait - 1))
    assert world.api.get(queue, token=world.operator).body["items"] == []  # not yet
    later = clock.now() + timedelta(minutes=wait + 1)
    first, again = run_due(now=later), run_due(now=later)

    [raised] = world.api.get(queue, token=world.operator).body["items"]
    assert (raised["order_id"], raised["kind"]) == (order["id"], "unpaid_extra")
    assert "62.00" in raised["reason"]
    assert first["exceptions"] >= 1 and again["exceptions"] == 0  # once per order
    assert notify(wechatpay, f"{order['id']}-{extra_id}") == 204  # paid: it leaves the unpaid index
    assert run_due(now=later)["already"] == again["already"] - 1
