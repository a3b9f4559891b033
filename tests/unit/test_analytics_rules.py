"""What each event adds to the statistics (functions/analytics/rules.py)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from common.errors import BadDateRange, UnknownMetric

from functions.analytics import rules

SH = ZoneInfo("Asia/Shanghai")
GRACE = timedelta(minutes=10)


def order(**extra: object) -> dict[str, object]:
    return {
        "order_id": "o1",
        "status": "pending_payment",
        "customer_id": "c1",
        "worker_id": "w1",
        "service_id": "svc",
        "service_name": "日常保洁",
        "category_id": "cat_cleaning",
        "start": "2026-12-05T09:00:00+08:00",
        "end": "2026-12-05T11:00:00+08:00",
        "total_fen": 9000,
        "actor": "customer",
        "note": "",
        "at": "2026-12-01T23:30:00+08:00",
        "region": "上海市 徐汇区",
        "channel": "share",
        "duration_minutes": 120,
        **extra,
    }


def tally(kind: str, detail: dict[str, object]) -> rules.Tally:
    return rules.tally(kind, detail, tz=SH, on_time_grace=GRACE)


def test_a_paid_order_counts_its_money_on_the_day_paid_and_its_demand_on_the_service_day() -> None:
    t = tally("OrderPaid", order(paid_fen=9000))

    paid_day, service_day = t.days[date(2026, 12, 1)], t.days[date(2026, 12, 5)]
    assert paid_day["orders_paid"] == 1 and paid_day["gmv_fen"] == 9000
    assert paid_day["channel:share:paid"] == 1 and paid_day["cat:cat_cleaning:amount_fen"] == 9000
    assert service_day == {"cat:cat_cleaning:demand": 1, "cat:cat_cleaning:demand_minutes": 120}
    assert t.customers["c1"] == {"spend_fen": 9000, "paid_orders": 1}


def test_the_business_day_is_shanghai_time_not_utc() -> None:
    t = tally("OrderCreated", order(at="2026-12-01T16:30:00+00:00"))  # 00:30 on the 2nd in Shanghai

    assert list(t.days) == [date(2026, 12, 2)]


def test_a_start_within_the_grace_is_on_time_and_a_later_one_is_not() -> None:
    on_time = tally("OrderStarted", order(at="2026-12-05T09:10:00+08:00"))
    late = tally("OrderStarted", order(at="2026-12-05T09:11:00+08:00"))

    assert on_time.workers[("w1", date(2026, 12, 5))] == {"started": 1, "started_on_time": 1}
    assert late.workers[("w1", date(2026, 12, 5))] == {"started": 1}


def test_a_settled_order_counts_commission_and_the_workers_income() -> None:
    t = tally(
        "OrderSettled", order(paid_fen=9000, refunded_fen=0, commission_fen=1800, worker_earning_fen=7200)
    )

    assert t.days[date(2026, 12, 1)] == {"commission_fen": 1800, "worker_earnings_fen": 7200}
    assert t.workers[("w1", date(2026, 12, 1))] == {"income_fen": 7200}


def test_float_money_in_an_event_is_refused() -> None:
    with pytest.raises(TypeError):
        tally("OrderPaid", order(paid_fen=90.5))


def test_marketing_events_count_by_name() -> None:
    used = tally(
        "CouponUsed",
        {
            "coupon_id": "k",
            "template_id": "t",
            "order_id": "o1",
            "customer_id": "c1",
            "discount_fen": 500,
            "at": "2026-12-01T10:00:00+08:00",
        },
    )
    points = tally(
        "PointsSpent",
        {"customer_id": "c1", "points": 300, "reason": "checkout", "at": "2026-12-01T10:00:00+08:00"},
    )

    assert used.days[date(2026, 12, 1)] == {"coupons_used": 1, "coupon_discount_fen": 500}
    assert points.customers["c1"] == {"points": -300}


def test_an_event_analytics_does_not_count_adds_nothing() -> None:
    assert tally("NotificationRequested", {"at": "2026-12-01T10:00:00+08:00"}).empty()


def test_a_reversed_or_too_long_range_is_refused() -> None:
    today = date(2026, 12, 1)
    with pytest.raises(BadDateRange):
        rules.date_range(date(2026, 12, 2), date(2026, 12, 1), today=today, max_days=366)
    with pytest.raises(BadDateRange):
        rules.date_range(date(2025, 1, 1), date(2026, 12, 1), today=today, max_days=366)
    assert len(rules.date_range(None, None, today=today, max_days=366)) == 30


def test_an_unknown_metric_is_refused() -> None:
    with pytest.raises(UnknownMetric):
        rules.metric_counter("orders_teleported")


def test_a_worker_whose_skill_lags_the_category_average_needs_training() -> None:
    category = {"rating:cat_cleaning:count": 100, "rating:cat_cleaning:skill": 460}  # 4.6 on average
    lagging = {"cat_cleaning": {"count": 4, "skill": 16}}  # 4.0
    fine = {"cat_cleaning": {"count": 4, "skill": 18}}  # 4.5
    too_few = {"cat_cleaning": {"count": 2, "skill": 4}}

    def check(mine: dict[str, dict[str, int]]) -> bool:
        return rules.needs_training(mine, category, lag=0.5, min_reviews=3)

    assert check(lagging) and not check(fine) and not check(too_few)
