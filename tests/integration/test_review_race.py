"""A review is taken once: fifty submissions for one order at the same moment give one 201 and 49 ALREADY_REVIEWED,
and the rating counts one review."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from infra.local.atomic_dynamodb import make_dynamodb_atomic
from tests.integration.booking_helpers import World, long_lived_tokens, make_world, operator
from tests.integration.conftest import Api
from tests.integration.review_helpers import completed_order
from tests.integration.test_booking_race import concurrent_requests

RACERS = 50


@pytest.fixture
def world(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    make_dynamodb_atomic()  # moto's DynamoDB, as atomic as DynamoDB is
    with long_lived_tokens(monkeypatch):
        yield make_world(api, operator(api))


def test_fifty_concurrent_reviews_of_one_order_take_exactly_one(world: World) -> None:
    from app import app

    order = completed_order(world, "amy", "wang")
    token = world.customer("amy").token
    gate = threading.Barrier(RACERS)

    def race(i: int) -> tuple[int, str]:
        body = {"attitude": 1 + i % 5, "skill": 5, "quality": 5, "text": f"第{i}条"}
        gate.wait()
        reply = world.api.post(f"/v1/orders/{order['id']}/review", body, token=token)
        return reply.status, (reply.body or {}).get("error", {}).get("code", "")

    with concurrent_requests(app), ThreadPoolExecutor(RACERS) as pool:
        results = list(pool.map(race, range(RACERS)))

    assert Counter(results) == {(201, ""): 1, (409, "ALREADY_REVIEWED"): RACERS - 1}
    wang = world.worker("wang").id
    assert world.api.get(f"/v1/workers/{wang}").body["rating"]["count"] == 1
    assert len(world.api.get(f"/v1/workers/{wang}/reviews").body["items"]) == 1
