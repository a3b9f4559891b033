"""Two-way reviews on the table: once per order and side, completed orders only, within the window; the lists and
the rating; an operator hides; the customer's rating on the worker's view of an order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from common.clock import clock

from tests.integration.booking_helpers import World, long_lived_tokens, make_world, operator, slot
from tests.integration.conftest import Api
from tests.integration.review_helpers import completed_order, review


@pytest.fixture
def world(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with long_lived_tokens(monkeypatch):
        yield make_world(api, operator(api))


def test_a_customers_review_counts_into_the_rating_and_leads_the_list(world: World) -> None:
    first = completed_order(world, "amy", "wang")
    second = completed_order(world, "bob", "wang")
    world.api.patch("/v1/me", {"nickname": "小艾"}, token=world.customer("amy").token)
    assert review(world, "amy", first["id"], 5).status == 201
    reply = review(world, "bob", second["id"], 3, anonymous=True, media=["https://img.example/1.jpg"])
    assert reply.status == 201
    assert reply.body["attitude"] == 3 and reply.body["side"] == "customer"

    wang = world.worker("wang").id
    rating = world.api.get(f"/v1/workers/{wang}").body["rating"]
    assert rating == {"count": 2, "attitude": 4.0, "skill": 4.0, "quality": 4.0, "overall": 4.0}
    items = world.api.get(f"/v1/workers/{wang}/reviews").body["items"]
    assert [i["attitude"] for i in items] == [3, 5]  # newest first
    assert items[0]["customer"] is None and items[0]["media"] == ["https://img.example/1.jpg"]
    assert items[1]["customer"] == {"nickname": "小艾"}
    assert "customer_id" not in items[0]
    own = world.api.get("/v1/worker/reviews", token=world.worker("wang").token).body["items"]
    assert [i["id"] for i in own] == [i["id"] for i in items]


def test_only_a_completed_order_of_ones_own_is_reviewed_and_only_once(world: World) -> None:
    pending = world.book("amy", slot(12), worker="wang").body
    reply = review(world, "amy", pending["id"])
    assert reply.status == 409 and reply.body["error"]["code"] == "INVALID_TRANSITION"
    done = completed_order(world, "amy", "wang")
    assert review(world, "bob", done["id"]).status == 404  # not bob's order
    assert review(world, "amy", done["id"]).status == 201
    again = review(world, "amy", done["id"], 1)
    assert again.status == 409 and again.body["error"]["code"] == "ALREADY_REVIEWED"
    wang = world.worker("wang").id
    assert world.api.get(f"/v1/workers/{wang}").body["rating"]["count"] == 1


def test_the_review_window_closes_after_the_setting(world: World) -> None:
    amy_order = completed_order(world, "amy", "wang")  # completed 3.5 h before bob's
    bob_order = completed_order(world, "bob", "wang")
    clock.advance(timedelta(days=15) - timedelta(minutes=1))
    for name in ("amy", "bob"):  # tokens outlive hours, not weeks
        world.customers[name].token = world.api.login(name)
    late = review(world, "amy", amy_order["id"])
    assert late.status == 422 and late.body["error"]["code"] == "REVIEW_WINDOW_CLOSED"
    assert review(world, "bob", bob_order["id"]).status == 201  # just inside


def test_bad_scores_are_a_422_and_write_nothing(world: World) -> None:
    done = completed_order(world, "amy", "wang")
    reply = review(world, "amy", done["id"], 6)
    assert reply.status == 422
    assert review(world, "amy", done["id"], 4).status == 201


def test_a_hidden_review_leaves_the_lists_and_the_rating_and_is_kept_with_its_reason(world: World) -> None:
    a, b = completed_order(world, "amy", "wang"), completed_order(world, "bob", "wang")
    assert review(world, "amy", a["id"], 5).status == 201
    abusive = review(world, "bob", b["id"], 1, text="骂人的话").body
    wang = world.worker("wang").id
    assert world.api.get(f"/v1/workers/{wang}").body["rating"]["overall"] == 3.0

    hidden = world.api.post(
        f"/v1/admin/reviews/{abusive['id']}/hide", {"reason": "辱骂"}, token=world.operator
    )
    assert hidden.status == 200, hidden.body
    assert hidden.body["hidden"] is True and hidden.body["hidden_reason"] == "辱骂"
    assert hidden.body["text"] == "骂人的话"  # kept
    items = world.api.get(f"/v1/workers/{wang}/reviews").body["items"]
    assert [i["id"] for i in items] == [f"{a['id']}-c"]
    assert world.api.get(f"/v1/workers/{wang}").body["rating"] == {
        "count": 1,
        "attitude": 5.0,
        "skill": 5.0,
        "quality": 5.0,
        "overall": 5.0,
    }
    again = world.api.post(f"/v1/admin/reviews/{abusive['id']}/hide", {"reason": "x"}, token=world.operator)
    assert again.status == 409
    assert world.api.post("/v1/admin/reviews/nope/hide", {"reason": "x"}, token=world.operator).status == 404


def test_a_worker_sees_how_other_workers_rated_the_customer(world: World) -> None:
    first = completed_order(world, "amy", "wang")
    reply = world.api.post(
        f"/v1/worker/orders/{first['id']}/review",
        {"cooperation": 4, "environment": 2, "text": "家里有狗"},
        token=world.worker("wang").token,
    )
    assert reply.status == 201, reply.body
    again = world.api.post(
        f"/v1/worker/orders/{first['id']}/review",
        {"cooperation": 1, "environment": 1, "text": ""},
        token=world.worker("wang").token,
    )
    assert again.body["error"]["code"] == "ALREADY_REVIEWED"
    li_order = world.book("amy", slot(4), worker="li").body
    view = world.api.get(f"/v1/worker/orders/{li_order['id']}", token=world.worker("li").token).body
    assert view["customer_rating"] == {"count": 1, "cooperation": 4.0, "environment": 2.0}
    own = world.api.get(f"/v1/worker/orders/{first['id']}", token=world.worker("wang").token).body
    assert own["customer_rating"] == {"count": 0, "cooperation": None, "environment": None}
    assert (
        world.api.post(
            f"/v1/worker/orders/{li_order['id']}/review",
            {"cooperation": 4, "environment": 4},
            token=world.worker("wang").token,
        ).status
        == 404
    )


def test_the_public_list_of_a_worker_nobody_verified_is_a_404(world: World) -> None:
    assert world.api.get("/v1/workers/nobody/reviews").status == 404
