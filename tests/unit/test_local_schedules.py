"""The local stack's ticker reads Rate/Cron like EventBridge and runs due jobs on the business clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from chalice import Chalice, Cron, Rate

from infra.local.schedules import Ticker, find_job, jobs, parse_schedule

T0 = datetime(2026, 11, 26, 17, 30, tzinfo=UTC)  # a Thursday


def test_a_rate_fires_one_period_later() -> None:
    assert parse_schedule(Rate(15, unit=Rate.MINUTES)).next_after(T0) == T0 + timedelta(minutes=15)
    assert parse_schedule("rate(1 day)").next_after(T0) == T0 + timedelta(days=1)


def test_a_daily_cron_fires_at_its_utc_time_today_or_tomorrow() -> None:
    daily = parse_schedule(Cron(0, 18, "*", "*", "?", "*"))

    assert daily.next_after(T0) == datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
    assert daily.next_after(datetime(2026, 11, 26, 18, 0, tzinfo=UTC)) == datetime(
        2026, 11, 27, 18, 0, tzinfo=UTC
    )


def test_cron_understands_weekday_names_lists_and_steps() -> None:
    mondays = parse_schedule("cron(0 1 ? * MON *)")
    quarter_hours = parse_schedule("cron(0/15 9-10 * * ? *)")
    first_of_month = parse_schedule("cron(30 2 1 JAN,JUL ? *)")

    assert mondays.next_after(T0) == datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    assert quarter_hours.next_after(T0) == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert first_of_month.next_after(T0) == datetime(2027, 1, 1, 2, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "expression", ["cron(0 18 * *)", "cron(0 25 * * ? *)", "cron(0 18 L * ? *)", "daily"]
)
def test_an_expression_it_cannot_read_is_refused(expression: str) -> None:
    with pytest.raises(ValueError):
        parse_schedule(expression)


def _app_with_jobs(ran: list[str]) -> Chalice:
    app = Chalice(app_name="ticker-test")

    @app.schedule(Cron(0, 18, "*", "*", "?", "*"), name="daily-stats")
    def daily_stats(event: Any) -> dict[str, str]:
        ran.append("daily-stats")
        return {"day": event.time}

    @app.schedule(Rate(6, unit=Rate.HOURS), name="coupon_expiry")
    def coupon_expiry(event: Any) -> None:
        ran.append("coupon_expiry")

    return app


def test_a_clock_jump_over_many_due_times_runs_each_due_job_once() -> None:
    ran: list[str] = []
    ticker = Ticker(jobs(_app_with_jobs(ran)))

    ticker.tick(T0)
    ticker.tick(T0 + timedelta(minutes=20))
    assert ran == []

    ticker.tick(T0 + timedelta(days=3))
    assert sorted(ran) == ["coupon_expiry", "daily-stats"]

    ticker.tick(T0 + timedelta(days=3, minutes=1))
    assert len(ran) == 2


def test_setting_the_clock_back_does_not_run_jobs() -> None:
    ran: list[str] = []
    ticker = Ticker(jobs(_app_with_jobs(ran)))

    ticker.tick(T0)
    ticker.tick(T0 - timedelta(days=30))
    ticker.tick(T0 - timedelta(days=30, minutes=-1))

    assert ran == []


def test_a_job_is_found_by_its_name_with_hyphens_or_underscores() -> None:
    all_jobs = jobs(_app_with_jobs([]))

    assert find_job(all_jobs, "coupon-expiry").name == "coupon_expiry"
    assert find_job(all_jobs, "daily-stats").name == "daily-stats"
