"""Points, membership and referral: sign-in once a day with a streak, shares capped, points at checkout within
the balance and the 50% limit, given back on cancellation, earned on settlement with the tier, expiry at the end
of the next year, birthday perks, priority booking, and the referral reward once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from common.clock import business_tz, clock

from tests.integration.booking_helpers import World, long_lived_tokens, make_world, operator, slot
from tests.integration.conftest import Api
from tests.integration.marketing_helpers import give_points, order_event, react, registered, run_job


@pytest.fixture
def world(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with long_lived_tokens(monkeypatch):
        w = make_world(api, operator(api))
        w.worker("wang")
        yield w


def me(world: World, name: str, path: str) -> dict:
    """GET one of the customer's own resources (logging in again: the tests move the clock by months)."""
    person = world.customer(name)
    person.token = world.api.login(name)
    return world.api.get(path, token=person.token).body


def settle(world: World, customer_id: str, order: dict, paid_fen: int, refunded_fen: int = 0) -> None:
    detail = order_event(world, {**order, "status": "completed"}, customer_id=customer_id)
    react(
        "OrderSettled",
        **detail,
        paid_fen=paid_fen,
        refunded_fen=refunded_fen,
        commission_fen=0,
        worker_earning_fen=0,
    )


def test_sign_in_once_a_day_with_a_growing_streak(world: World) -> None:
    registered(world, "li")
    token = world.customer("li").token
    first = world.api.post("/v1/me/sign-in", token=token)
    again = world.api.post("/v1/me/sign-in", token=token)
    clock.advance(timedelta(days=1))
    second_day = world.api.post("/v1/me/sign-in", token=token)

    assert first.body == {"points": 5, "streak": 1, "balance": 5}
    assert (again.status, again.body["error"]["code"]) == (409, "ALREADY_SIGNED_IN")
    assert second_day.body == {"points": 6, "streak": 2, "balance": 11}
    assert [e["reason"] for e in me(world, "li", "/v1/me/points")["items"]] == ["sign_in", "sign_in"]


def test_shares_earn_once_per_target_a_day_up_to_the_cap_and_carry_the_code(world: World) -> None:
    li = registered(world, "li")
    token = world.customer("li").token
    first = world.api.post("/v1/me/shares", {"service_id": world.service_id}, token=token)
    same = world.api.post("/v1/me/shares", {"service_id": world.service_id}, token=token)
    worker = world.api.post("/v1/me/shares", {"worker_id": world.worker("wang").id}, token=token)

    assert (first.body["points"], same.body["points"], worker.body["points"]) == (10, 0, 10)
    assert f"ref={li[-8:]}" in first.body["link"]["query"] and first.body["link"]["title"] == "日常保洁"
    link = world.api.get(f"/v1/me/share-link?service_id={world.service_id}", token=token).body
    assert link == first.body["link"]
    assert me(world, "li", "/v1/me/referral")["code"] == li[-8:]


def test_points_pay_at_checkout_within_the_balance_and_half_the_total(world: World) -> None:
    li = registered(world, "li")
    give_points(li, 6000)
    body = {"service_id": world.service_id, "start": slot(4), "units": 2}
    token = world.customer("li").token

    ok = world.api.post("/v1/quotes", {**body, "points": 5000}, token=token)
    over_half = world.api.post("/v1/quotes", {**body, "points": 5100}, token=token)
    over_balance = world.api.post("/v1/quotes", {**body, "points": 7000}, token=token)

    assert (ok.body["points_discount_fen"], ok.body["total_fen"]) == (5000, 5000)
    assert (over_half.status, over_half.body["error"]["code"]) == (422, "POINTS_LIMIT")
    assert (over_balance.status, over_balance.body["error"]["code"]) == (422, "INSUFFICIENT_POINTS")


def test_points_spent_by_an_order_come_back_when_it_is_cancelled(world: World) -> None:
    li = registered(world, "li")
    give_points(li, 3000)
    order = world.book("li", slot(4), worker="wang", points=3000)
    assert order.status == 201, order.body
    assert me(world, "li", "/v1/me/points")["balance"] == 0

    detail = order_event(world, order.body, customer_id=li, refund_fen=0, previous_status="pending_payment")
    react("OrderCancelled", **detail)
    react("OrderCancelled", **detail)  # a second delivery gives nothing twice

    points = me(world, "li", "/v1/me/points")
    assert points["balance"] == 3000
    assert [(e["delta"], e["reason"]) for e in points["items"][:2]] == [
        (3000, "order_cancelled"),
        (-3000, "checkout"),
    ]


def test_settled_spend_earns_points_and_raises_the_tier_with_its_benefits(world: World) -> None:
    li = registered(world, "li")
    order = world.book("li", slot(4), worker="wang").body

    settle(world, li, order, paid_fen=520000, refunded_fen=10000)

    membership = me(world, "li", "/v1/me/membership")
    assert membership["tier"] == "gold" and membership["spend_12m_fen"] == 510000
    assert membership["next_tier"] == {"tier": "diamond", "spend_needed_fen": 490000}
    assert membership["benefits"]["exclusive_support"] is True
    assert me(world, "li", "/v1/me")["exclusive_support"] is True
    assert me(world, "li", "/v1/me/points")["balance"] == 5100
    quote = world.api.post(
        "/v1/quotes",
        {"service_id": world.service_id, "start": slot(4), "units": 2},
        token=world.customer("li").token,
    )
    assert quote.body["member_discount_fen"] == 500  # gold: 5 %


def test_the_tier_falls_when_the_spend_leaves_the_window_and_only_those_customers_are_read(
    world: World,
) -> None:
    li = registered(world, "li")
    registered(world, "zhao")
    settle(world, li, world.book("li", slot(4), worker="wang").body, paid_fen=250000)
    assert me(world, "li", "/v1/me/membership")["tier"] == "silver"

    clock.advance(timedelta(days=364))
    assert run_job("membership-tiers") == {"changed": 0}
    clock.advance(timedelta(days=1))
    assert run_job("membership-tiers") == {"changed": 1}
    assert me(world, "li", "/v1/me/membership")["tier"] == "regular"


def test_a_gold_member_books_further_ahead_than_a_regular_customer(world: World) -> None:
    li = registered(world, "li")
    registered(world, "zhao")
    settle(world, li, world.book("li", slot(4), worker="wang").body, paid_fen=600000)
    far = (
        (clock.now() + timedelta(days=40))
        .astimezone(business_tz())
        .replace(hour=10, minute=0, second=0, microsecond=0)
    )
    body = {"service_id": world.service_id, "start": far.isoformat(), "units": 2}

    regular = world.api.post("/v1/quotes", body, token=world.customer("zhao").token)
    gold = world.api.post("/v1/quotes", body, token=world.customer("li").token)

    assert (regular.status, regular.body["error"]["code"]) == (422, "BEYOND_HORIZON")
    assert gold.status == 200, gold.body


def test_points_expire_at_the_end_of_the_year_after_they_were_earned(world: World) -> None:
    clock.set(datetime(2026, 6, 1, 12, tzinfo=business_tz()))
    li = registered(world, "li")
    give_points(li, 1000)
    clock.set(datetime(2027, 3, 1, 12, tzinfo=business_tz()))
    give_points(li, 200)
    assert run_job("points-expiry") == {"expired": 0}  # 2026's points last through 2027

    clock.set(datetime(2028, 1, 1, 0, 30, tzinfo=business_tz()))
    assert run_job("points-expiry") == {"expired": 1}
    assert run_job("points-expiry") == {"expired": 0}
    assert me(world, "li", "/v1/me/points")["balance"] == 200


def test_birthday_perks_give_the_tier_coupon_once_to_those_born_today(world: World) -> None:
    li = registered(world, "li")
    registered(world, "zhao")
    today = clock.now().astimezone(business_tz()).date()
    world.api.patch(
        "/v1/me",
        {"birthday": date(1990, today.month, min(today.day, 28)).isoformat()},
        token=world.customer("li").token,
    )
    world.api.patch(
        "/v1/me",
        {"birthday": "1990-01-01" if today.month != 1 else "1990-07-01"},
        token=world.customer("zhao").token,
    )
    settle(
        world, li, world.book("li", slot(4), worker="wang").body, paid_fen=250000
    )  # silver: a 10-yuan coupon
    if today.day > 28:
        clock.set(clock.now().replace(day=28))

    assert run_job("birthday-perks") == {"issued": 1}
    assert run_job("birthday-perks") == {"issued": 0}
    coupons = me(world, "li", "/v1/me/coupons")["items"]
    assert [(c["name"], c["discount_fen"]) for c in coupons] == [("生日券", 1000)]


def test_both_are_rewarded_once_after_the_newcomers_first_completed_order(world: World) -> None:
    referrer = registered(world, "li")
    newcomer = registered(world, "zhao", referral_code=referrer[-8:])
    assert me(world, "li", "/v1/me/referral") == {"code": referrer[-8:], "invited": 1, "rewarded": 0}
    order = world.book("zhao", slot(4), worker="wang").body

    completed = order_event(world, {**order, "status": "completed"}, customer_id=newcomer)
    react("OrderCompleted", **completed)
    react("OrderCompleted", **{**completed, "order_id": "another"})

    assert me(world, "li", "/v1/me/referral") == {"code": referrer[-8:], "invited": 1, "rewarded": 1}
    assert me(world, "li", "/v1/me/points")["balance"] == 500
    assert me(world, "zhao", "/v1/me/points")["balance"] == 500


def test_rewards_are_redeemed_within_stock_and_balance(world: World) -> None:
    li = registered(world, "li")
    created = world.api.post(
        "/v1/admin/rewards",
        {"name": "保温杯", "kind": "gift", "points_cost": 300, "stock": 1},
        token=world.operator,
    )
    assert created.status == 201, created.body
    reward_id = created.body["id"]
    token = world.customer("li").token
    poor = world.api.post(f"/v1/me/rewards/{reward_id}/redeem", token=token)
    give_points(li, 1000)
    ok = world.api.post(f"/v1/me/rewards/{reward_id}/redeem", token=token)
    gone = world.api.post(f"/v1/me/rewards/{reward_id}/redeem", token=token)

    assert (poor.status, poor.body["error"]["code"]) == (422, "INSUFFICIENT_POINTS")
    assert (ok.status, ok.body["balance"]) == (201, 700)
    assert (gone.status, gone.body["error"]["code"]) == (409, "OUT_OF_STOCK")
    assert world.api.get("/v1/rewards").body["items"][0]["stock"] == 0
