"""The way to the door: the assigned worker sees the customer's exact address and phone, and a route link, from
acceptance until a while after completion (``worker_contact_hours_after_completion``); masked before and after."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from common.clock import clock

from functions.booking import mark_paid
from tests.integration.booking_helpers import World, long_lived_tokens, make_world, operator, slot
from tests.integration.conftest import Api
from tests.integration.worker_helpers import HOME_LAT, HOME_LNG


@pytest.fixture
def world(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with long_lived_tokens(monkeypatch):
        yield make_world(api, operator(api))


def paid_order(world: World) -> dict:
    order = world.book("amy", slot(2.5), worker="wang").body
    assert mark_paid(
        order["id"], paid_fen=order["price"]["total_fen"], transaction_id="wx-1", now=clock.now()
    )
    return order


def view(world: World, order_id: str, worker: str = "wang") -> dict:
    reply = world.api.get(f"/v1/worker/orders/{order_id}", token=world.worker(worker).token)
    assert reply.status == 200, reply.body
    return reply.body


def test_an_offered_order_shows_the_worker_only_the_street_and_a_masked_phone(world: World) -> None:
    order = view(world, paid_order(world)["id"])
    assert order["status"] == "pending_acceptance" and order["navigation"] is None
    assert order["address"]["phone"] == "138****0000"
    assert order["address"]["detail"] == "漕溪北路***" and order["address"]["region"] == "上海市徐汇区"
    assert order["address"]["contact_name"] == "王**"
    assert (order["address"]["lat"], order["address"]["lng"]) == (round(HOME_LAT, 2), round(HOME_LNG, 2))
    [listed] = world.api.get("/v1/worker/orders", token=world.worker("wang").token).body["items"]
    assert listed["address"] == order["address"]


def test_after_accepting_the_worker_gets_the_exact_address_phone_and_a_route_link(world: World) -> None:
    order_id = paid_order(world)["id"]
    accepted = world.api.post(f"/v1/worker/orders/{order_id}/accept", token=world.worker("wang").token).body
    order = view(world, order_id)
    assert accepted["navigation"] == order["navigation"]
    assert order["address"]["phone"] == "13800000000" and order["address"]["detail"] == "漕溪北路 1 号"
    nav = order["navigation"]
    assert (nav["lat"], nav["lng"], nav["address"]) == (HOME_LAT, HOME_LNG, "上海市徐汇区漕溪北路1号")
    link = urlsplit(nav["url"])
    assert f"{link.scheme}://{link.netloc}{link.path}" == "https://apis.map.qq.com/uri/v1/routeplan"
    assert parse_qs(link.query) == {
        "type": ["drive"],
        "to": ["上海市徐汇区漕溪北路1号"],
        "tocoord": [f"{HOME_LAT},{HOME_LNG}"],
        "referer": ["jiazheng"],
    }


def test_another_worker_gets_404(world: World) -> None:
    order_id = paid_order(world)["id"]
    world.api.post(f"/v1/worker/orders/{order_id}/accept", token=world.worker("wang").token)
    assert world.api.get(f"/v1/worker/orders/{order_id}", token=world.worker("li").token).status == 404


def test_the_contact_stays_until_the_window_after_completion_closes(world: World) -> None:
    order_id = paid_order(world)["id"]
    wang = world.worker("wang").token
    world.api.post(f"/v1/worker/orders/{order_id}/accept", token=wang)
    clock.advance(timedelta(hours=2))
    assert world.api.post(f"/v1/worker/orders/{order_id}/start", token=wang).status == 200
    done = world.api.post(f"/v1/worker/orders/{order_id}/complete", token=wang).body
    completed = datetime.fromisoformat([e["at"] for e in done["timeline"] if e["status"] == "completed"][-1])
    assert done["navigation"] is None  # the route is for getting there

    clock.set(completed + timedelta(hours=24) - timedelta(seconds=1))
    assert view(world, order_id)["address"]["phone"] == "13800000000"
    clock.set(completed + timedelta(hours=24))
    late = view(world, order_id)
    assert late["address"]["phone"] == "138****0000" and late["address"]["detail"] == "漕溪北路***"


def test_a_cancelled_order_is_masked_again(world: World) -> None:
    order_id = paid_order(world)["id"]
    world.api.post(f"/v1/worker/orders/{order_id}/accept", token=world.worker("wang").token)
    cancel = world.api.post(
        f"/v1/orders/{order_id}/cancel", {"reason": "改期"}, token=world.customer("amy").token
    )
    assert cancel.status == 200, cancel.body
    order = view(world, order_id)
    assert order["status"] == "cancelled" and order["address"]["phone"] == "138****0000"
