"""The operators' statistics over counters kept from events: overview, series, workers, forecast, exports."""

from __future__ import annotations

import csv
import io

from common.clock import clock

from tests.integration.analytics_helpers import at_day, order_detail, record
from tests.integration.conftest import Api


def test_overview_sums_the_days_of_the_range_and_leaves_out_the_others(api: Api, operator_token: str) -> None:
    for n, day in enumerate(["2026-11-02", "2026-11-03", "2026-11-03", "2026-11-10"]):
        at = at_day(day)
        record("OrderCreated", order_detail(f"o{n}", at, channel="share" if n else "direct"))
        record("OrderPaid", order_detail(f"o{n}", at, paid_fen=9000, status="pending_acceptance"))
    record(
        "UserRegistered",
        {"user_id": "u9", "role": "customer", "referral_code": "abc", "at": "2026-11-03T08:00:00+08:00"},
    )

    body = api.get("/v1/admin/stats/overview?from=2026-11-01&to=2026-11-07", token=operator_token).body

    assert body["orders"]["created"] == 3 and body["orders"]["paid"] == 3
    assert body["orders"]["amount_fen"] == 27000
    assert body["orders"]["conversion"]["paid_per_created"] == 1.0
    assert body["orders"]["by_category"]["cat_cleaning"]["paid"] == 3
    assert body["users"]["new"] == 1
    assert body["users"]["active"] == 3  # cust-1 on two days, u9 once
    assert body["marketing"]["by_channel"]["share"]["orders"] == 2
    assert body["marketing"]["by_channel"]["referral"]["users"] == 1


def test_the_same_customer_twice_a_day_is_one_active_user(api: Api, operator_token: str) -> None:
    record("OrderCreated", order_detail("o1", at_day("2026-11-02", 9)))
    record("OrderCreated", order_detail("o2", at_day("2026-11-02", 15)))

    body = api.get("/v1/admin/stats/overview?from=2026-11-02&to=2026-11-02", token=operator_token).body

    assert body["orders"]["created"] == 2 and body["users"]["active"] == 1
    assert body["users"]["by_region"] == {"上海市 徐汇区": 1}


def test_a_series_has_one_point_a_day_with_zeros_for_quiet_days(api: Api, operator_token: str) -> None:
    record("OrderCreated", order_detail("o1", at_day("2026-11-03")))

    body = api.get(
        "/v1/admin/stats/timeseries?metric=orders_created&from=2026-11-01&to=2026-11-05", token=operator_token
    ).body

    assert body["metric"] == "orders_created"
    assert [(p["date"], p["value"]) for p in body["points"]] == [
        ("2026-11-01", 0),
        ("2026-11-02", 0),
        ("2026-11-03", 1),
        ("2026-11-04", 0),
        ("2026-11-05", 0),
    ]


def test_unknown_metrics_and_bad_ranges_are_clear_422s(api: Api, operator_token: str) -> None:
    cases = {
        "/v1/admin/stats/timeseries?metric=teleports": "UNKNOWN_METRIC",
        "/v1/admin/stats/timeseries?metric=gmv_fen&from=2026-11-05&to=2026-11-01": "BAD_DATE_RANGE",
        "/v1/admin/stats/overview?from=2024-01-01&to=2026-11-01": "BAD_DATE_RANGE",
        "/v1/admin/stats/overview?from=yesterday": "VALIDATION_FAILED",
        "/v1/admin/stats/forecast?days=1000": "FORECAST_TOO_LONG",
    }
    for path, code in cases.items():
        reply = api.get(path, token=operator_token)
        assert (reply.status, reply.body["error"]["code"]) == (422, code), path


def test_statistics_are_for_operators_only(api: Api) -> None:
    customer = api.login("amy")

    assert api.get("/v1/admin/stats/overview", token=customer).status == 403
    assert api.get("/v1/admin/stats/overview").status == 401


def test_worker_performance_counts_completion_on_time_starts_income_and_complaints(
    api: Api, operator_token: str
) -> None:
    day = at_day("2026-11-02", 9)
    for n, minutes_late in enumerate([0, 5, 30]):
        d = order_detail(f"o{n}", day, worker_id="wkr-7")
        started = {**d, "at": d["start"].replace(":00:00+", f":{minutes_late:02d}:00+")}
        record("OrderStarted", started)
        record("OrderCompleted", {**d, "at": d["end"]})
        record("OrderSettled", {**d, "worker_earning_fen": 7200, "commission_fen": 1800})
    record("OrderNoShow", order_detail("o9", day, worker_id="wkr-7"))
    record("ComplaintFiled", order_detail("o1", day, worker_id="wkr-7", complaint_id="k1"))

    page = api.get("/v1/admin/stats/workers?from=2026-11-01&to=2026-11-30", token=operator_token).body
    [row] = [r for r in page["items"] if r["worker"]["id"] == "wkr-7"]

    assert row["completed"] == 3
    assert row["completion_rate"] == 0.75  # 3 of 3 completed + 1 no-show
    assert row["on_time_rate"] == round(2 / 3, 4)
    assert row["service_minutes"] == 360 and row["income_fen"] == 21600 and row["complaints"] == 1
    assert row["worker"]["name"] is None and row["credit"] is None  # never verified: no public profile


def test_a_worker_whose_skill_lags_the_category_needs_training(api: Api, operator_token: str) -> None:
    def review(n: int, worker: str, skill: int) -> None:
        record(
            "ReviewSubmitted",
            {
                "review_id": f"r{worker}{n}",
                "order_id": f"o{n}",
                "side": "customer",
                "worker_id": worker,
                "customer_id": "c",
                "category_id": "cat_cleaning",
                "attitude": 5,
                "skill": skill,
                "quality": 5,
                "overall": 5,
                "at": "2026-11-02T10:00:00+08:00",
            },
        )

    for n in range(6):
        review(n, "good", 5)
        review(n, "weak", 3)
    record("OrderCompleted", order_detail("x", at_day("2026-11-02"), worker_id="good"))
    record("OrderCompleted", order_detail("y", at_day("2026-11-02"), worker_id="weak"))

    rows = api.get("/v1/admin/stats/workers?from=2026-11-01&to=2026-11-30", token=operator_token).body[
        "items"
    ]
    flags = {r["worker"]["id"]: r["needs_training"] for r in rows}

    assert flags == {"good": False, "weak": True}


def test_a_hidden_review_no_longer_counts_towards_training(api: Api, operator_token: str) -> None:
    for n in range(3):
        record(
            "ReviewSubmitted",
            {
                "review_id": f"r{n}",
                "order_id": f"o{n}",
                "side": "customer",
                "worker_id": "w",
                "customer_id": "c",
                "category_id": "cat_cleaning",
                "skill": 1,
                "at": "2026-11-02T10:00:00+08:00",
            },
        )
        record(
            "ReviewSubmitted",
            {
                "review_id": f"s{n}",
                "order_id": f"p{n}",
                "side": "customer",
                "worker_id": "v",
                "customer_id": "c",
                "category_id": "cat_cleaning",
                "skill": 5,
                "at": "2026-11-02T10:00:00+08:00",
            },
        )
    record("OrderCompleted", order_detail("x", at_day("2026-11-02"), worker_id="w"))
    flagged = lambda: {  # noqa: E731
        r["worker"]["id"]: r["needs_training"]
        for r in api.get("/v1/admin/stats/workers", token=operator_token).body["items"]
    }["w"]
    assert flagged()

    record("ReviewHidden", {"review_id": "r0", "worker_id": "w", "at": "2026-11-03T10:00:00+08:00"})
    record("ReviewHidden", {"review_id": "r0", "worker_id": "w", "at": "2026-11-03T10:00:00+08:00"})  # again

    assert not flagged()  # two reviews left: fewer than analytics_training_min_reviews
    from functions.analytics import store

    assert store.worker_ratings("w") == {"cat_cleaning": {"count": 2, "skill": 2}}


def test_the_worker_sees_their_figures_and_credit_trend(api: Api) -> None:
    token = api.post("/v1/auth/wechat", {"code": "dev:ayi", "role": "worker"}).body
    worker_id = token["user"]["id"]
    today = clock.now().date().isoformat()
    record("OrderCompleted", order_detail("o1", at_day(today), worker_id=worker_id))
    for score, hour in ((610, 9), (640, 11)):
        record(
            "CreditChanged",
            {
                "worker_id": worker_id,
                "score": score,
                "level": "good",
                "previous_score": 600,
                "delta": 10,
                "at": at_day(today, hour).isoformat(),
            },
        )

    body = api.get("/v1/worker/performance", token=token["token"]).body

    assert body["completed"] == 1 and body["service_minutes"] == 120
    assert body["credit"]["trend"] == [{"date": today, "score": 640}]


def test_exports_are_csv_with_a_bom_and_a_header(api: Api, operator_token: str) -> None:
    record("OrderCreated", order_detail("o1", at_day("2026-11-03")))

    reply = api.client.http.get(
        "/v1/admin/exports/stats?from=2026-11-02&to=2026-11-04",
        headers={"Authorization": f"Bearer {operator_token}"},
    )

    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = reply.body.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][:2] == ["date", "orders_created"]
    assert [r[:2] for r in rows[1:]] == [["2026-11-02", "0"], ["2026-11-03", "1"], ["2026-11-04", "0"]]


def test_an_export_stops_at_the_row_cap_and_says_so(api: Api, operator_token: str, monkeypatch) -> None:
    from common.settings import get_settings

    monkeypatch.setenv("ANALYTICS_EXPORT_MAX_ROWS", "2")
    get_settings.cache_clear()
    reply = api.client.http.get(
        "/v1/admin/exports/stats?from=2026-11-01&to=2026-11-05",
        headers={"Authorization": f"Bearer {operator_token}"},
    )
    get_settings.cache_clear()

    rows = list(csv.reader(io.StringIO(reply.body.decode().removeprefix("\ufeff"))))
    assert len(rows) == 4 and "truncated" in rows[-1][0]
    assert reply.headers["X-Export-Truncated"] == "true"


def test_an_unknown_export_is_404(api: Api, operator_token: str) -> None:
    reply = api.get("/v1/admin/exports/passwords", token=operator_token)

    assert (reply.status, reply.body["error"]["code"]) == (404, "UNKNOWN_EXPORT")
