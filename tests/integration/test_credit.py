"""Credit on the table: the recalculation reads only dirty workers and is idempotent; violations and appeals; the
level's effects used by their owners (quote line, commission, concurrent-order cap, restricted never matched)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from common.clock import clock
from common.settings import get_settings
from pynamodb.transactions import TransactWrite

from functions.booking import get_order_for_settlement
from functions.reviews.tasks import on_order_event
from tests.integration.booking_helpers import World, long_lived_tokens, make_world, operator, slot
from tests.integration.conftest import Api
from tests.integration.review_helpers import completed_order, recalculate, review


@pytest.fixture
def world(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    # one review or order counts fully, so a few orders reach every level
    monkeypatch.setenv("CREDIT_REVIEW_FULL_COUNT", "1")
    monkeypatch.setenv("CREDIT_COMPLETION_FULL_COUNT", "1")
    monkeypatch.setenv("CREDIT_REVIEW_MAX_POINTS", "300")
    get_settings.cache_clear()
    with long_lived_tokens(monkeypatch):
        yield make_world(api, operator(api))
    get_settings.cache_clear()


def credit(world: World, name: str) -> dict:
    return world.api.get("/v1/worker/credit", token=world.worker(name).token).body


def test_a_review_marks_the_worker_dirty_and_one_recalculation_moves_the_score_once(world: World) -> None:
    order = completed_order(world, "amy", "wang")
    assert credit(world, "wang")["score"] == 600 and credit(world, "wang")["history"] == []
    assert review(world, "amy", order["id"], 5).status == 201
    assert recalculate(world) == 1
    view = credit(world, "wang")
    assert (view["score"], view["level"]) == (900, "outstanding")
    assert view["history"][0]["delta"] == 300 and view["history"][0]["score"] == 900
    assert view["history"][0]["source"] == {"kind": "review", "id": f"{order['id']}-c"}
    assert "评价" in view["history"][0]["reason"]
    assert view["effects"] == {
        "ranking_weight": 0.9,
        "price_multiplier": 1.1,
        "max_concurrent_orders": 10,
        "commission_rate": 0.15,
        "matchable": True,
    }
    assert recalculate(world) == 0  # nothing dirty any more: idempotent
    assert len(credit(world, "wang")["history"]) == 1
    wang = world.worker("wang").id
    assert world.api.get(f"/v1/workers/{wang}").body["credit"] == {"score": 900, "level": "outstanding"}
    admin = world.api.get(f"/v1/admin/workers/{wang}/credit", token=world.operator).body
    assert admin["score"] == 900


def test_the_best_level_is_priced_up_as_a_quote_line_and_booked_at_the_lower_commission(world: World) -> None:
    order = completed_order(world, "amy", "wang")
    review(world, "amy", order["id"], 5)
    recalculate(world)
    wang = world.worker("wang").id
    body = {"service_id": world.service_id, "start": slot(30), "units": 2}
    plain = world.api.post("/v1/quotes", body, token=world.customer("bob").token).body
    assert plain["adjustments"] == [] and plain["total_fen"] == 10000
    chosen = world.api.post("/v1/quotes", {**body, "worker_id": wang}, token=world.customer("bob").token).body
    assert chosen["adjustments"] == [
        {"line": "credit_adjustment", "amount_fen": 1000, "note": "信用等级价格 ×1.10"}
    ]
    assert chosen["total_fen"] == 11000
    booked = world.book("bob", slot(30), worker="wang").body
    assert booked["price"]["total_fen"] == 11000
    assert get_order_for_settlement(booked["id"]).commission_percent == 15
    other = world.book("bob", slot(30), worker="li").body
    assert get_order_for_settlement(other["id"]).commission_percent == 20


def test_violations_lower_the_score_and_an_upheld_appeal_removes_the_effect_at_the_next_run(
    world: World,
) -> None:
    wang = world.worker("wang").id
    reply = world.api.post(
        f"/v1/admin/workers/{wang}/violations",
        {"kind": "misconduct", "note": "态度恶劣"},
        token=world.operator,
    )
    assert reply.status == 201 and reply.body["points"] == -100
    violation = reply.body["id"]
    assert recalculate(world) == 1
    assert credit(world, "wang")["score"] == 500
    assert credit(world, "wang")["history"][0]["source"] == {"kind": "violation", "id": violation}

    token = world.worker("wang").token
    subject = {"kind": "violation", "id": violation}
    appeal = world.api.post("/v1/worker/appeals", {"subject": subject, "text": "客户误会"}, token=token)
    assert appeal.status == 201 and appeal.body["status"] == "open"
    twice = world.api.post("/v1/worker/appeals", {"subject": subject, "text": "again"}, token=token)
    assert twice.status == 409
    li = world.worker("li").token
    assert world.api.post("/v1/worker/appeals", {"subject": subject, "text": "x"}, token=li).status == 404
    queue = world.api.get("/v1/admin/appeals?status=open", token=world.operator).body["items"]
    assert [a["id"] for a in queue] == [appeal.body["id"]]

    decided = world.api.post(
        f"/v1/admin/appeals/{appeal.body['id']}/decide",
        {"upheld": True, "note": "核实无误"},
        token=world.operator,
    )
    assert decided.status == 200 and decided.body["status"] == "upheld"
    assert credit(world, "wang")["score"] == 500  # until the next recalculation
    assert recalculate(world) == 1
    view = credit(world, "wang")
    assert view["score"] == 600
    assert view["history"][0]["delta"] == 100 and view["history"][0]["source"]["kind"] == "appeal"
    again = world.api.post(
        f"/v1/admin/appeals/{appeal.body['id']}/decide", {"upheld": False, "note": "x"}, token=world.operator
    )
    assert again.status == 409


def test_an_upheld_appeal_of_a_review_hides_it(world: World) -> None:
    order = completed_order(world, "amy", "wang")
    review(world, "amy", order["id"], 1)
    recalculate(world)
    assert credit(world, "wang")["score"] < 600
    subject = {"kind": "review", "id": f"{order['id']}-c"}
    appeal = world.api.post(
        "/v1/worker/appeals", {"subject": subject, "text": "恶意差评"}, token=world.worker("wang").token
    ).body
    world.api.post(
        f"/v1/admin/appeals/{appeal['id']}/decide", {"upheld": True, "note": "恶意"}, token=world.operator
    )
    wang = world.worker("wang").id
    assert world.api.get(f"/v1/workers/{wang}/reviews").body["items"] == []
    assert world.api.get(f"/v1/workers/{wang}").body["rating"]["count"] == 0
    recalculate(world)
    assert credit(world, "wang")["score"] == 600


def test_a_restricted_worker_is_never_matched_nor_booked(world: World) -> None:
    wang = world.worker("wang").id
    world.worker("li")
    amy = world.customer("amy").token
    match = {
        "service_id": world.service_id,
        "start": slot(30),
        "units": 2,
        "address_id": world.addresses["amy"],
    }
    before = [m["worker"]["id"] for m in world.api.post("/v1/matches", match, token=amy).body["items"]]
    assert wang in before
    for _ in range(2):
        world.api.post(
            f"/v1/admin/workers/{wang}/violations", {"kind": "fraud", "note": "刷单"}, token=world.operator
        )
    recalculate(world)
    assert credit(world, "wang")["level"] == "restricted"
    assert credit(world, "wang")["effects"]["matchable"] is False
    after = [m["worker"]["id"] for m in world.api.post("/v1/matches", match, token=amy).body["items"]]
    assert wang not in after and after
    refused = world.book("amy", slot(30), worker="wang")
    assert refused.status == 422 and refused.body["error"]["details"]["reason"] == "restricted"


def test_a_poor_level_caps_concurrent_orders(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    wang = world.worker("wang").id
    world.api.post(
        f"/v1/admin/workers/{wang}/violations", {"kind": "fraud", "note": "刷单"}, token=world.operator
    )
    recalculate(world)
    assert credit(world, "wang")["level"] == "poor"
    assert credit(world, "wang")["effects"]["max_concurrent_orders"] == 2
    assert world.book("amy", slot(20), worker="wang").status == 201
    assert world.book("amy", slot(26), worker="wang").status == 201
    third = world.book("amy", slot(32), worker="wang")
    assert third.status == 409


def test_order_events_count_into_the_inputs_once_per_event_and_mark_the_worker(world: World) -> None:
    from functions.reviews import store

    wang = world.worker("wang").id
    detail = {
        "order_id": "o1",
        "worker_id": wang,
        "start": slot(1),
        "actor": "worker",
        "at": clock.now().isoformat(),
    }
    with TransactWrite(connection=store.tx_connection()) as tx:
        on_order_event("OrderDeclined", detail, tx)  # within 24 h of the start: late
    with TransactWrite(connection=store.tx_connection()) as tx:
        on_order_event("OrderNoShow", {**detail, "actor": "system"}, tx)
    with TransactWrite(connection=store.tx_connection()) as tx:
        on_order_event("OrderCompleted", detail, tx)
    with TransactWrite(connection=store.tx_connection()) as tx:
        on_order_event(
            "ComplaintResolved",
            {**detail, "actor": "operator", "penalize_worker": True, "complaint_id": "k1"},
            tx,
        )
    assert recalculate(world) == 1
    reasons = {r["kind"]: r["points"] for r in credit(world, "wang")["reasons"]}
    assert reasons["cancellations"] == -40 and reasons["no_shows"] == -60 and reasons["complaints"] == -50
    assert reasons["completion"] < 0  # one completed of three
    appeal = world.api.post(
        "/v1/worker/appeals",
        {"subject": {"kind": "complaint", "id": "k1"}, "text": "不是我的责任"},
        token=world.worker("wang").token,
    )
    assert appeal.status == 201
