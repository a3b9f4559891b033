"""Demand forecast (需求预测) per category: weekday seasonality × level (× damped trend) × holiday factor.

Pure Python (no numpy), on a list of daily order counts ending yesterday. The method, step by step
(docs/analytics.md has the why):

1. **Holidays out.** Each past day's count is divided by its holiday factor (settings ``analytics_holidays``:
   Chinese public holidays and the days before the Spring Festival, with the factor they move demand by), so a
   holiday does not bend the weekday pattern or the level.
2. **Weekday factors.** Over the trailing ``fit_weeks`` whole weeks, the mean of each weekday divided by the mean
   of all days: seven multiplicative factors averaging 1 (Saturday 1.3 means Saturdays run 30 % above an
   average day). A weekday with no data gets 1.
3. **Level.** The mean of the deseasonalised counts over the last ``level_weeks`` weeks.
4. **Trend (optional).** The least-squares slope of the weekly means over the fit weeks, per day, damped
   (×0.5) and capped so that it cannot take the level below zero within the horizon.
5. **Forecast** for day *h* ahead: ``max(0, (level + trend × (h + centre))) × weekday factor × holiday factor``,
   where *centre* is the distance from the middle of the level window to today.

The back-test holds out the last ``backtest_weeks`` whole weeks, fits on what came before, forecasts the held
out days and reports the MAPE (mean absolute percentage error, in percent) over the held-out days with orders.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

DAMPING = 0.5


@dataclass(frozen=True)
class Model:
    weekday_factors: tuple[float, ...]  # Monday first
    level: float
    trend_per_day: float
    last_day: date  # the last day the model was fitted on
    centre_days: float  # from the middle of the level window to last_day

    def predict(self, day: date, holiday_factor: float = 1.0) -> float:
        ahead = (day - self.last_day).days
        base = max(0.0, self.level + self.trend_per_day * (ahead + self.centre_days))
        return base * self.weekday_factors[day.weekday()] * holiday_factor


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def fit(
    history: Sequence[tuple[date, float]],
    *,
    holiday: Callable[[date], float],
    fit_weeks: int,
    level_weeks: int,
    trend: bool,
) -> Model:
    """Fit on ``history`` ((day, count) for consecutive days, oldest first; zeros included)."""
    if not history:
        return Model((1.0,) * 7, 0.0, 0.0, date.min, 0.0)
    window = list(history[-fit_weeks * 7 :])
    plain = [(d, v / (holiday(d) or 1.0)) for d, v in window]
    overall = _mean([v for _, v in plain])
    factors = []
    for weekday in range(7):
        values = [v for d, v in plain if d.weekday() == weekday]
        factors.append(_mean(values) / overall if values and overall else 1.0)
    norm = _mean(factors) or 1.0
    factors = [f / norm for f in factors]
    deseason = [(d, v / factors[d.weekday()] if factors[d.weekday()] else v) for d, v in plain]
    level_window = deseason[-level_weeks * 7 :]
    level = _mean([v for _, v in level_window])
    slope = 0.0
    weeks = [deseason[i : i + 7] for i in range(len(deseason) % 7, len(deseason), 7)]
    if trend and len(weeks) >= 3:
        xs = list(range(len(weeks)))
        ys = [_mean([v for _, v in w]) for w in weeks]
        mx, my = _mean(xs), _mean(ys)
        var = sum((x - mx) ** 2 for x in xs)
        slope = (
            DAMPING * sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var / 7 if var else 0.0
        )
    centre = (len(level_window) - 1) / 2
    return Model(tuple(factors), level, slope, window[-1][0], centre)


def forecast(model: Model, days: Sequence[date], *, holiday: Callable[[date], float]) -> list[float]:
    horizon = (days[-1] - model.last_day).days if days else 0
    m = model
    if m.trend_per_day < 0 and horizon:  # never let a falling trend take the level below zero
        floor = -m.level / (horizon + m.centre_days) if (horizon + m.centre_days) else 0.0
        m = Model(m.weekday_factors, m.level, max(m.trend_per_day, floor), m.last_day, m.centre_days)
    return [m.predict(d, holiday(d)) for d in days]


def mape(actual: Sequence[float], predicted: Sequence[float]) -> float | None:
    """Mean absolute percentage error in percent over the days with a non-zero actual; None without any."""
    errors = [abs(a - p) / a for a, p in zip(actual, predicted, strict=True) if a > 0]
    return round(100 * _mean(errors), 1) if errors else None


def backtest(
    history: Sequence[tuple[date, float]],
    *,
    holiday: Callable[[date], float],
    fit_weeks: int,
    level_weeks: int,
    trend: bool,
    holdout_weeks: int,
) -> tuple[int, float | None]:
    """(days held out, MAPE %) of fitting without the last ``holdout_weeks`` weeks and forecasting them."""
    held = holdout_weeks * 7
    if len(history) < held + 14:
        return 0, None
    train, test = history[:-held], history[-held:]
    model = fit(train, holiday=holiday, fit_weeks=fit_weeks, level_weeks=level_weeks, trend=trend)
    predicted = forecast(model, [d for d, _ in test], holiday=holiday)
    return held, mape([v for _, v in test], predicted)


def holiday_factors(holidays: Sequence[tuple[str, str, float, str]]) -> Callable[[date], float]:
    """Settings ``analytics_holidays`` → a function of the day (1.0 on an ordinary day)."""
    table: dict[date, float] = {}
    for first, last, factor, _name in holidays:
        day, end = date.fromisoformat(first), date.fromisoformat(last)
        while day <= end:
            table[day] = factor
            day += timedelta(days=1)
    return lambda d: table.get(d, 1.0)
