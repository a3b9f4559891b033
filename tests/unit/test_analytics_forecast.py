"""The demand forecast on generated history (functions/analytics/forecast.py, demo.py)."""

from __future__ import annotations

from datetime import date, timedelta

from common.settings import Settings

from functions.analytics import demo
from functions.analytics import forecast as fc

HOLIDAY = fc.holiday_factors(Settings().analytics_holidays)
OPTIONS = {"fit_weeks": 8, "level_weeks": 2, "trend": True}


def history(weeks: int, base: float, first: date = date(2026, 6, 1)) -> list[tuple[date, float]]:
    return [(d.day, float(d.orders)) for d in demo.daily_orders(first, weeks * 7, base=base, holiday=HOLIDAY)]


def test_the_back_test_on_16_weeks_beats_a_flat_mean_by_far() -> None:
    past = history(16, base=40)
    days, error = fc.backtest(past, holiday=HOLIDAY, holdout_weeks=2, **OPTIONS)

    train, held = past[:-14], past[-14:]
    flat = sum(v for _, v in train[-14:]) / 14
    flat_error = fc.mape([v for _, v in held], [flat] * 14)
    assert days == 14
    assert error is not None and flat_error is not None
    assert error < 15 and error < flat_error * 0.7


def test_the_weekday_factors_find_the_weekend_peak() -> None:
    model = fc.fit(history(12, base=200), holiday=HOLIDAY, **OPTIONS)

    saturday, tuesday = model.weekday_factors[5], model.weekday_factors[1]
    assert saturday > 1.4 * tuesday
    assert abs(sum(model.weekday_factors) / 7 - 1) < 1e-9


def test_a_holiday_lowers_the_forecast_by_its_factor() -> None:
    past = history(12, base=100, first=date(2026, 7, 5))  # ends 2026-09-26
    model = fc.fit(past, holiday=HOLIDAY, **OPTIONS)
    national_day, week_later = date(2026, 10, 3), date(2026, 10, 10)  # both Saturdays

    before, during = fc.forecast(model, [national_day, week_later], holiday=HOLIDAY)[::-1]
    assert during < 0.8 * before


def test_a_falling_trend_never_forecasts_below_zero() -> None:
    start = date(2026, 3, 2)
    falling = [(start + timedelta(days=n), float(max(0, 70 - n))) for n in range(70)]
    model = fc.fit(falling, holiday=lambda d: 1.0, **OPTIONS)

    ahead = [falling[-1][0] + timedelta(days=n) for n in range(1, 60)]
    assert min(fc.forecast(model, ahead, holiday=lambda d: 1.0)) >= 0


def test_no_history_forecasts_zero_and_reports_no_error() -> None:
    model = fc.fit([], holiday=HOLIDAY, **OPTIONS)

    assert fc.forecast(model, [date(2026, 12, 2)], holiday=HOLIDAY) == [0.0]
    assert fc.backtest([], holiday=HOLIDAY, holdout_weeks=2, **OPTIONS) == (0, None)
