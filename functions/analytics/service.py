"""Statistics use cases: the dashboard, series, worker performance and the demand forecast.

Every read is of counters (functions/analytics/store.py): a dashboard over N days is one Query per shard,
whatever the number of orders behind it.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta

from common.clock import business_tz
from common.errors import NotFound, ValidationFailed
from common.pagination import Page, decode_cursor, encode_cursor
from common.settings import get_settings

from functions.analytics import forecast as fc
from functions.analytics import rules, store
from functions.analytics.models import (
    Backtest,
    Conversion,
    CreditPoint,
    CreditTrend,
    Forecast,
    ForecastDay,
    MarketingOverview,
    MyPerformance,
    OrdersOverview,
    Overview,
    Point,
    RangeQuery,
    Timeseries,
    UsersOverview,
    WorkerPerformance,
    WorkerRef,
    WorkersOverview,
    WorkersQuery,
)
from functions.analytics.rules import Deltas
from functions.workers import WorkerPublic, get_public_profile


def days_of(query: RangeQuery, now: datetime) -> list[date]:
    """The query's days (422 BAD_DATE_RANGE when reversed or longer than analytics_max_range_days)."""
    today = now.astimezone(business_tz()).date()
    return rules.date_range(
        query.start, query.to, today=today, max_days=get_settings().analytics_max_range_days
    )


def summed(days: list[date], names: list[str] | None = None) -> Deltas:
    """The counters (all, or only ``names``) summed over ``days``."""
    total: Deltas = {}
    for counters in store.day_counters(days[0], days[-1], names).values():
        for name, value in counters.items():
            total[name] = total.get(name, 0) + value
    return total


def _dim(c: Deltas, prefix: str, measure: str) -> dict[str, int]:
    return {k: v[measure] for k, v in rules.dimension(c, prefix).items() if v.get(measure)}


def overview(query: RangeQuery, *, now: datetime) -> Overview:
    """The dashboard over the range: users, orders, workers, marketing (API.md)."""
    days = days_of(query, now)
    c = summed(days)
    all_time = store.totals()
    categories = {
        cat: {m: v.get(m, 0) for m in ("created", "paid", "completed", "cancelled", "amount_fen")}
        for cat, v in rules.dimension(c, "cat").items()
        if any(v.get(m) for m in ("created", "paid", "completed", "cancelled"))
    }
    channels = {
        ch: {m: v.get(m, 0) for m in ("orders", "paid", "amount_fen", "users")}
        for ch, v in rules.dimension(c, "channel").items()
    }
    return Overview(
        users=UsersOverview(
            new=c.get("new_users", 0), active=c.get("active_users", 0), by_region=_dim(c, "region", "users")
        ),
        orders=OrdersOverview(
            created=c.get("orders_created", 0),
            paid=c.get("orders_paid", 0),
            completed=c.get("orders_completed", 0),
            cancelled=c.get("orders_cancelled", 0),
            amount_fen=c.get("gmv_fen", 0),
            by_category=categories,
            conversion=Conversion(
                paid_per_created=rules.ratio(c.get("orders_paid", 0), c.get("orders_created", 0))
            ),
        ),
        workers=WorkersOverview(
            total=all_time.get("workers", 0),
            active=c.get("active_workers", 0),
            by_region=_dim(c, "region", "workers"),
            service_minutes=c.get("service_minutes", 0),
            income_fen=c.get("worker_earnings_fen", 0),
        ),
        marketing=MarketingOverview(
            coupons_issued=c.get("coupons_issued", 0),
            coupons_used=c.get("coupons_used", 0),
            points_earned=c.get("points_earned", 0),
            points_spent=c.get("points_spent", 0),
            by_channel=channels,
        ),
    )


def timeseries(metric: str, query: RangeQuery, *, now: datetime) -> Timeseries:
    """One point a day, zeros for quiet days; 422 UNKNOWN_METRIC for a metric not in rules.METRICS."""
    counter = rules.metric_counter(metric)
    days = days_of(query, now)
    by_day = store.day_counters(days[0], days[-1], [counter])
    points = [Point(date=d, value=by_day.get(d, {}).get(counter, 0)) for d in days]
    return Timeseries(metric=metric, points=points)


# -- workers ---------------------------------------------------------------------------------------------------


def _public(worker_id: str, now: datetime) -> WorkerPublic | None:
    try:
        return get_public_profile(worker_id, now=now)
    except NotFound:
        return None  # never verified (or gone): still counted, shown without name, rating or credit


def _worker_row(
    worker_id: str, days: list[date], category_totals: Deltas, now: datetime
) -> WorkerPerformance:
    s = get_settings()
    c: Deltas = {}
    for counters in store.worker_days(worker_id, days[0], days[-1]).values():
        for name, value in counters.items():
            c[name] = c.get(name, 0) + value
    profile = _public(worker_id, now)
    finished = c.get("completed", 0) + c.get("no_shows", 0) + c.get("declined", 0)
    return WorkerPerformance(
        worker=WorkerRef(id=worker_id, name=profile.name if profile else None),
        completed=c.get("completed", 0),
        completion_rate=rules.ratio(c.get("completed", 0), finished),
        on_time_rate=rules.ratio(c.get("started_on_time", 0), c.get("started", 0)),
        rating=profile.rating.overall if profile else None,
        complaints=c.get("complaints", 0),
        credit=profile.credit.score if profile else None,
        service_minutes=c.get("service_minutes", 0),
        income_fen=c.get("income_fen", 0),
        needs_training=rules.needs_training(
            store.worker_ratings(worker_id),
            category_totals,
            lag=s.analytics_training_lag,
            min_reviews=s.analytics_training_min_reviews,
        ),
    )


def worker_performance(query: WorkersQuery, *, now: datetime) -> Page[WorkerPerformance]:
    """Every worker with counted activity, by id, a page at a time, with their figures over the range."""
    days = days_of(query, now)
    start = decode_cursor(query.cursor, expect={"GSI1PK": "PERFWORKERS"})
    page = store.perf_workers(query.limit, start)
    category_totals = store.totals() if page.items else {}
    rows = [_worker_row(w, days, category_totals, now) for w in page.items]
    return Page[WorkerPerformance](items=rows, next_cursor=encode_cursor(page.last_key))


def my_performance(worker_id: str, query: RangeQuery, *, now: datetime) -> MyPerformance:
    """A worker's own figures (个人业绩) over the range, with their credit score's trend (the last score of each
    day it changed)."""
    days = days_of(query, now)
    row = _worker_row(worker_id, days, {}, now)
    tz = business_tz()
    since = datetime.combine(days[0], time.min, tz)
    until = datetime.combine(days[-1] + timedelta(days=1), time.min, tz)
    by_day: dict[date, int] = {}
    for at, score in store.credit_points(worker_id, since, until):
        by_day[rules.business_day(at, tz)] = score
    trend = [CreditPoint(date=d, score=v) for d, v in sorted(by_day.items())]
    return MyPerformance(
        completed=row.completed,
        service_minutes=row.service_minutes,
        income_fen=row.income_fen,
        rating=row.rating,
        credit=CreditTrend(score=row.credit, trend=trend),
    )


# -- forecast --------------------------------------------------------------------------------------------------

METHOD = (
    "weekday seasonality: multiplicative weekday factors over the trailing {fit} weeks × the level of the last "
    "{level} weeks{trend}, holidays (settings analytics_holidays) as factors; workers needed = orders × "
    "{hours:.2f} service hours ÷ {day_hours:g} hours a day; back-test: the last {holdout} weeks held out"
)


def demand_forecast(category_id: str | None, days: int | None, *, now: datetime) -> Forecast:
    """Expected orders (paid, by service day) for the next ``days`` days from tomorrow, per category or for all,
    with workers needed and the back-test error of the same method (module functions/analytics/forecast.py)."""
    s = get_settings()
    horizon = days or s.analytics_forecast_default_days
    if horizon > s.analytics_forecast_max_days:
        raise ValidationFailed(
            f"at most {s.analytics_forecast_max_days} days ahead", code="FORECAST_TOO_LONG"
        )
    today = now.astimezone(business_tz()).date()
    weeks = s.analytics_forecast_fit_weeks + s.analytics_forecast_backtest_weeks
    first, last = today - timedelta(days=weeks * 7), today - timedelta(days=1)
    wanted = [f"cat:{category_id}:demand", f"cat:{category_id}:demand_minutes"] if category_id else None
    counters = store.day_counters(first, last, wanted)
    prefix = f"cat:{category_id}:" if category_id else "cat:"

    def measure(c: Deltas, what: str) -> int:
        return sum(v for k, v in c.items() if k.startswith(prefix) and k.endswith(f":{what}"))

    history, orders, minutes = [], 0, 0
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        c = counters.get(day, {})
        history.append((day, float(measure(c, "demand"))))
        orders, minutes = orders + measure(c, "demand"), minutes + measure(c, "demand_minutes")
    holiday = fc.holiday_factors(s.analytics_holidays)
    options = {
        "fit_weeks": s.analytics_forecast_fit_weeks,
        "level_weeks": s.analytics_forecast_level_weeks,
        "trend": s.analytics_forecast_trend,
    }
    model = fc.fit(history, holiday=holiday, **options)
    ahead = [today + timedelta(days=n) for n in range(1, horizon + 1)]
    expected = fc.forecast(model, ahead, holiday=holiday)
    held, error = fc.backtest(
        history, holiday=holiday, holdout_weeks=s.analytics_forecast_backtest_weeks, **options
    )
    hours = minutes / orders / 60 if orders and minutes else s.analytics_default_service_hours
    per_day = s.analytics_worker_hours_per_day
    method = METHOD.format(
        fit=options["fit_weeks"],
        level=options["level_weeks"],
        trend=" with a damped trend" if options["trend"] else "",
        hours=hours,
        day_hours=per_day,
        holdout=s.analytics_forecast_backtest_weeks,
    )
    items = [
        ForecastDay(date=d, orders=round(v, 1), workers_needed=math.ceil(round(v * hours / per_day, 6)))
        for d, v in zip(ahead, expected, strict=True)
    ]
    return Forecast(
        category_id=category_id, method=method, backtest=Backtest(days=held, mape=error), items=items
    )
