"""Coupons: templates, claiming within stock and the per-user limit, quotes and orders that hold a coupon, giving
it back, issuing to a segment, the new-user coupon, and the expiry job reading only what is due."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from common.clock import clock, iso

from tests.integration.booking_helpers import World, long_lived_tokens, make_world, operator, slot
from tests.integration.conftest import Api
from tests.integration.marketing_helpers import claim, order_event, react, registered, run_job, template


@pytest.fixture
def world(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with long_lived_tokens(monkeypatch):
        w = make_world(api, operator(api))
        w.worker("wang")
        yield w


def quote(world: World, name: str, **extra: object) -> object:
    body = {"service_id": world.service_id, "start": slot(4), "units": 2, **extra}
    return world.api.post("/v1/quotes", body, token=world.customer(name).token)


def test_a_claimed_threshold_coupon_takes_its_amount_off_the_quote(world: World) -> None:
    registered(world, "li")
    tpl = template(world)
    coupon = claim(world, "li", tpl["id"])
    assert coupon.status == 201 and coupon.body["status"] == "available"

    reply = quote(world, "li", coupon_id=coupon.body["id"])

    assert reply.status == 200, reply.body
    assert reply.body["subtotal_fen"] == 10000
    assert reply.body["coupon_discount_fen"] == 2000
    assert reply.body["total_fen"] == 8000


def test_percent_coupon_is_capped_and_a_coupon_for_another_category_does_not_apply(world: World) -> None:
    registered(world, "li")
    pct = claim(world, "li", template(world, discount_fen=None, percent_off=30, max_discount_fen=1500)["id"])
    other = claim(world, "li", template(world, category_ids=["elsewhere"])["id"])

    assert quote(world, "li", coupon_id=pct.body["id"]).body["coupon_discount_fen"] == 1500
    refused = quote(world, "li", coupon_id=other.body["id"])
    assert (refused.status, refused.body["error"]["code"]) == (422, "COUPON_NOT_APPLICABLE")


def test_below_the_threshold_the_coupon_does_not_apply(world: World) -> None:
    registered(world, "li")
    coupon = claim(world, "li", template(world, threshold_fen=50000)["id"])
    reply = quote(world, "li", coupon_id=coupon.body["id"])
    assert (reply.status, reply.body["error"]["code"]) == (422, "COUPON_NOT_APPLICABLE")


def test_claims_stop_at_the_per_user_limit_and_at_the_stock(world: World) -> None:
    tpl = template(world, total=2, per_user_limit=1)
    assert claim(world, "li", tpl["id"]).status == 201
    again = claim(world, "li", tpl["id"])
    assert (again.status, again.body["error"]["code"]) == (409, "COUPON_LIMIT")
    assert claim(world, "zhao", tpl["id"]).status == 201
    sold_out = claim(world, "qian", tpl["id"])
    assert (sold_out.status, sold_out.body["error"]["code"]) == (409, "OUT_OF_STOCK")

    listed = world.api.get("/v1/admin/coupon-templates", token=world.operator).body["items"]
    assert [(t["issued"], t["remaining"]) for t in listed if t["id"] == tpl["id"]] == [(2, 0)]
    claimable = world.api.get("/v1/coupon-templates", token=world.customer("qian").token).body["items"]
    assert tpl["id"] not in [t["id"] for t in claimable]


def test_an_order_holds_its_coupon_and_a_second_order_cannot_use_it(world: World) -> None:
    registered(world, "li")
    coupon = claim(world, "li", template(world)["id"]).body

    first = world.book("li", slot(4), worker="wang", coupon_id=coupon["id"])
    assert first.status == 201, first.body
    assert first.body["price"]["coupon_discount_fen"] == 2000
    second = world.book("li", slot(10), worker="wang", coupon_id=coupon["id"])

    assert (second.status, second.body["error"]["code"]) == (409, "COUPON_USED")
    mine = world.api.get("/v1/me/coupons", token=world.customer("li").token).body["items"]
    assert [(c["status"], c["order_id"]) for c in mine] == [("used", first.body["id"])]


def test_a_coupon_comes_back_when_its_order_is_cancelled_before_payment(world: World) -> None:
    li = registered(world, "li")
    coupon = claim(world, "li", template(world)["id"]).body
    order = world.book("li", slot(4), worker="wang", coupon_id=coupon["id"]).body

    react(
        "OrderCancelled",
        **order_event(world, order, customer_id=li, refund_fen=0, previous_status="pending_payment"),
    )

    mine = world.api.get("/v1/me/coupons?status=available", token=world.customer("li").token).body["items"]
    assert [c["id"] for c in mine] == [coupon["id"]] and mine[0].get("order_id") is None
    assert world.book("li", slot(10), worker="wang", coupon_id=coupon["id"]).status == 201


def test_a_paid_order_cancelled_with_a_partial_refund_keeps_the_coupon_used(world: World) -> None:
    li = registered(world, "li")
    coupon = claim(world, "li", template(world)["id"]).body
    order = world.book("li", slot(4), worker="wang", coupon_id=coupon["id"]).body
    react("OrderPaid", **order_event(world, order, customer_id=li, paid_fen=8000))

    react(
        "OrderCancelled",
        **order_event(world, order, customer_id=li, refund_fen=6400, previous_status="accepted"),
    )

    mine = world.api.get("/v1/me/coupons", token=world.customer("li").token).body["items"]
    assert [c["status"] for c in mine] == ["used"]
    listed = world.api.get("/v1/admin/coupon-templates", token=world.operator).body["items"]
    assert listed[0]["used"] == 1


def test_a_segment_is_issued_through_the_tier_index_never_beyond_the_stock(world: World) -> None:
    for name in ("a1", "a2", "a3"):
        registered(world, name)
    tpl = template(world, total=2)

    reply = world.api.post(
        f"/v1/admin/coupon-templates/{tpl['id']}/issue", {"segment": "all"}, token=world.operator
    )

    assert reply.body == {"issued": 2}
    more = template(world, total=10)
    gold = world.api.post(
        f"/v1/admin/coupon-templates/{more['id']}/issue", {"segment": "tier:gold"}, token=world.operator
    )
    assert gold.body == {"issued": 0}  # nobody is gold yet
    regular = world.api.post(
        f"/v1/admin/coupon-templates/{more['id']}/issue", {"segment": "tier:regular"}, token=world.operator
    )
    assert regular.body == {"issued": 3}
    bad = world.api.post(
        f"/v1/admin/coupon-templates/{tpl['id']}/issue", {"segment": "vip"}, token=world.operator
    )
    assert bad.status == 422


def test_a_newcomer_gets_the_new_user_coupon_once(world: World) -> None:
    template(world, name="新人券", kind="new_user", threshold_fen=0, discount_fen=1000)
    li = registered(world, "li")
    react(
        "UserRegistered", user_id=li, role="customer", referral_code=None, at=iso(clock.now())
    )  # redelivered

    mine = world.api.get("/v1/me/coupons", token=world.customer("li").token).body["items"]
    assert [(c["kind"], c["discount_fen"]) for c in mine] == [("new_user", 1000)]


def test_the_expiry_job_expires_yesterdays_coupons_and_reminds_tomorrows(world: World) -> None:
    now = clock.set(clock.now().replace(hour=12, minute=0) + timedelta(days=1))
    registered(world, "li")
    ending_today = claim(world, "li", template(world, valid_until=iso(now + timedelta(hours=1)))["id"]).body
    ending_after = claim(world, "li", template(world, valid_until=iso(now + timedelta(days=2)))["id"]).body
    clock.set(now + timedelta(days=1))

    result = run_job("coupon-expiry")

    assert result == {"expired": 1, "reminded": 1}
    statuses = {
        c["id"]: c["status"]
        for c in world.api.get("/v1/me/coupons", token=world.customer("li").token).body["items"]
    }
    assert statuses == {ending_today["id"]: "expired", ending_after["id"]: "available"}
    assert run_job("coupon-expiry") == {"expired": 0, "reminded": 0}  # nothing twice
    expired = world.api.post(
        "/v1/quotes",
        {"service_id": world.service_id, "start": slot(4), "units": 2, "coupon_id": ending_today["id"]},
        token=world.customer("li").token,
    )
    assert (expired.status, expired.body["error"]["code"]) == (422, "COUPON_EXPIRED")
