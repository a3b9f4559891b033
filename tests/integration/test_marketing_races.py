"""Nothing in marketing is given twice under races: fifty orders racing for one coupon, fifty point spends racing
past the balance, fifty customers racing for the last coupons of a template — all at once."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest

from infra.local.atomic_dynamodb import make_dynamodb_atomic
from tests.integration.booking_helpers import World, long_lived_tokens, make_world, operator, slot
from tests.integration.conftest import Api
from tests.integration.marketing_helpers import give_points, registered, template
from tests.integration.test_booking_race import concurrent_requests

RACERS = 50


@pytest.fixture
def world(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    make_dynamodb_atomic()  # moto's DynamoDB, as atomic as DynamoDB is
    with long_lived_tokens(monkeypatch):
        yield make_world(api, operator(api))


def race(world: World, bodies: list[dict], token: str, path: str = "/v1/orders") -> list[tuple[int, str]]:
    from app import app

    gate = threading.Barrier(len(bodies))

    def one(body: dict) -> tuple[int, str]:
        gate.wait()
        reply = world.api.post(path, body, token=token)
        return reply.status, (reply.body or {}).get("error", {}).get("code", "")

    with concurrent_requests(app), ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(one, bodies))


def separate_slots(world: World, name: str, count: int) -> list[dict]:
    """Order bodies for ``count`` non-overlapping times of different workers (only the discount is contended)."""
    workers = [world.worker(f"w{i}") for i in range(5)]
    first = datetime.fromisoformat(slot(4))
    return [
        {
            "service_id": world.service_id,
            "start": (first + timedelta(hours=3 * (i // 5))).isoformat(),
            "units": 2,
            "address_id": world.addresses[name],
            "worker_id": workers[i % 5].id,
        }
        for i in range(count)
    ]


def test_fifty_concurrent_orders_using_one_coupon_exactly_one_holds_it(world: World) -> None:
    registered(world, "li")
    tpl = template(world)
    coupon = world.api.post(
        "/v1/me/coupons/claim", {"template_id": tpl["id"]}, token=world.customer("li").token
    ).body
    bodies = [{**b, "coupon_id": coupon["id"]} for b in separate_slots(world, "li", RACERS)]

    results = race(world, bodies, world.customer("li").token)

    assert Counter(results) == {(201, ""): 1, (409, "COUPON_USED"): RACERS - 1}
    mine = world.api.get("/v1/me/coupons", token=world.customer("li").token).body["items"]
    orders = world.api.get("/v1/orders?limit=100", token=world.customer("li").token).body["items"]
    assert len(orders) == 1 and [c["order_id"] for c in mine] == [orders[0]["id"]]


def test_fifty_concurrent_point_spends_never_take_the_balance_below_zero(world: World) -> None:
    li = registered(world, "li")
    give_points(li, 10000)  # enough for 3 orders of 3,000 points, not for 50
    bodies = [{**b, "points": 3000} for b in separate_slots(world, "li", RACERS)]

    results = race(world, bodies, world.customer("li").token)

    booked = sum(1 for status, _ in results if status == 201)
    assert booked == 3
    assert Counter(code for status, code in results if status != 201) == {"INSUFFICIENT_POINTS": RACERS - 3}
    points = world.api.get("/v1/me/points", token=world.customer("li").token).body
    assert points["balance"] == 10000 - 3000 * booked >= 0


def test_fifty_customers_claiming_ten_coupons_never_oversell_the_stock(world: World) -> None:
    tpl = template(world, total=10, per_user_limit=1)
    tokens = [world.customer(f"c{i}").token for i in range(RACERS)]
    from app import app

    gate = threading.Barrier(RACERS)

    def one(i: int) -> tuple[int, str]:
        gate.wait()
        reply = world.api.post("/v1/me/coupons/claim", {"template_id": tpl["id"]}, token=tokens[i])
        return reply.status, (reply.body or {}).get("error", {}).get("code", "")

    with concurrent_requests(app), ThreadPoolExecutor(RACERS) as pool:
        results = list(pool.map(one, range(RACERS)))

    assert Counter(results) == {(201, ""): 10, (409, "OUT_OF_STOCK"): RACERS - 10}
    listed = world.api.get("/v1/admin/coupon-templates", token=world.operator).body["items"]
    assert [(t["issued"], t["remaining"]) for t in listed] == [(10, 0)]
