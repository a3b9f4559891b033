"""A newcomer starts the local stack and the operators' dashboard and forecast already show weeks of history."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import StackClient

pytestmark = pytest.mark.e2e


def test_a_newcomers_dashboard_and_forecast_show_the_demo_history(stack: StackClient) -> None:
    token = stack.operator_token()

    overview = stack.get("/v1/admin/stats/overview", token=token)
    forecast = stack.get("/v1/admin/stats/forecast?category_id=cat_cleaning&days=7", token=token)
    export = stack.session.get(
        f"{stack.base_url}/v1/admin/exports/stats", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )

    assert overview.status == 200 and overview.body["orders"]["created"] > 100
    assert forecast.body["backtest"]["mape"] is not None and len(forecast.body["items"]) == 7
    assert all(item["workers_needed"] >= 1 for item in forecast.body["items"])
    assert export.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert export.content.startswith("\ufeff".encode())
