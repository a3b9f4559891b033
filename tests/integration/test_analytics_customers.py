"""Operators' customer views (客户管理), the finance summary and the forecast over counters."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from common.clock import clock

from functions.analytics import seed_demo_history
from tests.integration.analytics_helpers import at_day, order_detail, record
from tests.integration.conftest import Api


def customer(api: Api, name: str, nickname: str, phone: str) -> str:
    from functions.identity import store

    token = api.login(name)
    reply = api.patch("/v1/me", {"nickname": nickname}, token=token)
    assert reply.status == 200, reply.body
    user = store.get_user(reply.body["id"])
    assert store.bind_phone(
        user, phone, source="sms", at=clock.now().isoformat()
    )  # as POST /v1/me/phone does
    return reply.body["id"]


def test_customers_are_found_by_nickname_or_phone_prefix(api: Api, operator_token: str) -> None:
    mei = customer(api, "mei", "小美", "13800138001")
    customer(api, "zhang", "老张", "13900139002")

    by_name = api.get("/v1/admin/customers?q=小", token=operator_token).body["items"]
    by_phone = api.get("/v1/admin/customers?q=1380013", token=operator_token).body["items"]

    assert [c["id"] for c in by_name] == [mei] == [c["id"] for c in by_phone]
    assert by_phone[0]["phone"] == "138****8001"
    assert api.get("/v1/admin/customers?q=13700", token=operator_token).body["items"] == []


def test_a_changed_nickname_is_found_by_the_new_name_only(api: Api, operator_token: str) -> None:
    token = api.login("mei")
    api.patch("/v1/me", {"nickname": "小美"}, token=token)
    api.patch("/v1/me", {"nickname": "Mei"}, token=token)

    assert api.get("/v1/admin/customers?q=小", token=operator_token).body["items"] == []
    assert len(api.get("/v1/admin/customers?q=mei", token=operator_token).body["items"]) == 1


def test_customers_of_a_tier_are_listed(api: Api, operator_token: str) -> None:
    gold = customer(api, "mei", "小美", "13800138001")
    record(
        "TierChanged",
        {
            "customer_id": gold,
            "tier": "silver",
            "previous_tier": "regular",
            "at": "2026-11-01T10:00:00+08:00",
        },
    )
    record(
        "TierChanged",
        {"customer_id": gold, "tier": "gold", "previous_tier": "silver", "at": "2026-11-09T10:00:00+08:00"},
    )
    # An older change arriving late does not win.
    record(
        "TierChanged",
        {
            "customer_id": gold,
            "tier": "regular",
            "previous_tier": "silver",
            "at": "2026-11-05T10:00:00+08:00",
        },
    )

    gold_list = api.get("/v1/admin/customers?tier=gold", token=operator_token).body["items"]

    assert [(c["id"], c["tier"], c["nickname"]) for c in gold_list] == [(gold, "gold", "小美")]
    assert api.get("/v1/admin/customers?tier=silver", token=operator_token).body["items"] == []
    reply = api.get("/v1/admin/customers", token=operator_token)
    assert (reply.status, reply.body["error"]["code"]) == (422, "QUERY_REQUIRED")


def test_one_customers_whole_picture(api: Api, operator_token: str) -> None:
    token = api.login("mei")
    me = api.patch("/v1/me", {"nickname": "小美"}, token=token).body["id"]
    api.post(
        "/v1/me/addresses",
        {
            "contact_name": "王小美",
            "phone": "13800138001",
            "region": "上海市 徐汇区",
            "detail": "漕溪北路 88 号",
            "lat": 31.19,
            "lng": 121.43,
        },
        token=token,
    )
    day = at_day("2026-11-02")
    for n in range(2):
        record("OrderCreated", order_detail(f"o{n}", day, customer_id=me))
        record("OrderPaid", order_detail(f"o{n}", day, customer_id=me, paid_fen=9000))
    record(
        "OrderCancelled", order_detail("o1", day, customer_id=me, refund_fen=9000, previous_status="accepted")
    )
    record("PointsEarned", {"customer_id": me, "points": 90, "reason": "order", "at": day.isoformat()})
    record(
        "CouponIssued",
        {"coupon_id": "k", "template_id": "t", "customer_id": me, "source": "claim", "at": day.isoformat()},
    )
    for cooperation in (5, 4):
        record(
            "ReviewSubmitted",
            {
                "review_id": f"r{cooperation}",
                "order_id": "o0",
                "side": "worker",
                "worker_id": "w",
                "customer_id": me,
                "category_id": "cat_cleaning",
                "cooperation": cooperation,
                "environment": 4,
                "at": day.isoformat(),
            },
        )

    body = api.get(f"/v1/admin/customers/{me}", token=operator_token).body

    assert body["nickname"] == "小美" and [a["detail"] for a in body["addresses"]] == ["漕溪北路 88 号"]
    assert (body["orders"], body["cancelled_orders"], body["spend_fen"]) == (2, 1, 9000)
    assert body["points"] == 90 and body["coupons"] == {"issued": 1, "used": 0}
    assert body["rating_by_workers"] == {"count": 2, "cooperation": 4.5, "environment": 4.0}
    assert api.get("/v1/admin/customers/nobody", token=operator_token).status == 404


def test_finance_sums_the_range_and_checks_the_ledger(api: Api, operator_token: str) -> None:
    day = at_day("2026-11-02")
    record("OrderPaid", order_detail("o1", day, paid_fen=10000))
    record(
        "OrderSettled",
        order_detail("o1", day, paid_fen=10000, refunded_fen=0, commission_fen=2000, worker_earning_fen=8000),
    )
    record("OrderCancelled", order_detail("o2", day, refund_fen=3000))

    body = api.get("/v1/admin/finance/summary?from=2026-11-01&to=2026-11-30", token=operator_token).body

    assert body == {
        "gmv_fen": 10000,
        "refunds_fen": 3000,
        "commission_fen": 2000,
        "worker_earnings_fen": 8000,
        "withdrawn_fen": 0,
        "withdrawals_pending_fen": 0,
        "ledger_balanced": True,
    }


def test_the_forecast_on_demo_history_reports_its_back_test_and_staffing(
    api: Api, operator_token: str
) -> None:
    assert seed_demo_history(SimpleNamespace(now=clock.now())) == 84
    assert seed_demo_history(SimpleNamespace(now=clock.now())) == 0  # once per table

    body = api.get("/v1/admin/stats/forecast?category_id=cat_cleaning&days=7", token=operator_token).body

    tomorrow = (clock.now() + timedelta(days=1)).date().isoformat()
    assert body["category_id"] == "cat_cleaning" and "weekday" in body["method"]
    assert body["backtest"]["days"] == 14 and 0 < body["backtest"]["mape"] < 25
    assert body["items"][0]["date"] == tomorrow and len(body["items"]) == 7
    for item in body["items"]:
        assert item["orders"] > 5
        assert item["workers_needed"] >= item["orders"] * 3 / 8 - 1  # cleaning: 3 h an order, 8 h a day
    overview = api.get("/v1/admin/stats/overview", token=operator_token).body
    assert overview["orders"]["created"] > 500 and overview["workers"]["total"] > 0
