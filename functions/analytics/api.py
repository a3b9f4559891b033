"""Statistics, customers and finance routes (API.md "Statistics, customers and finance")."""

from __future__ import annotations

from chalice import Blueprint, Response
from common.api import Call, route
from common.pagination import Page

from functions.analytics import exports, service, views
from functions.analytics.models import (
    CustomerDetail,
    CustomersQuery,
    CustomerSummary,
    FinanceSummary,
    Forecast,
    ForecastQuery,
    MyPerformance,
    Overview,
    RangeQuery,
    Timeseries,
    TimeseriesQuery,
    WorkerPerformance,
    WorkersQuery,
)

bp = Blueprint(__name__)
TAGS = ("analytics",)


@route(bp, "/v1/admin/stats/overview", "GET", query=RangeQuery, response=Overview, tags=TAGS)
def stats_overview(call: Call) -> Overview:
    """The dashboard over a range of days.

    Users, orders, workers and marketing over ``from``..``to`` (dates, default the last 30 days), summed from the
    daily counters: one Query per shard, whatever the number of orders."""
    return service.overview(call.query, now=call.now)


@route(bp, "/v1/admin/stats/timeseries", "GET", query=TimeseriesQuery, response=Timeseries, tags=TAGS)
def stats_timeseries(call: Call) -> Timeseries:
    """One metric, one point a day.

    Zeros for quiet days; 422 UNKNOWN_METRIC for a metric it does not know, 422 BAD_DATE_RANGE for a reversed
    range or one longer than the setting analytics_max_range_days."""
    return service.timeseries(call.query.metric, call.query, now=call.now)


@route(bp, "/v1/admin/stats/workers", "GET", query=WorkersQuery, response=Page[WorkerPerformance], tags=TAGS)
def stats_workers(call: Call) -> Page[WorkerPerformance]:
    """Worker performance over a range, a page at a time.

    Completion and on-time start rates, rating, complaints, credit, service minutes, income, and whether the
    worker needs training (their skill rating lags their category's)."""
    return service.worker_performance(call.query, now=call.now)


@route(bp, "/v1/admin/stats/forecast", "GET", query=ForecastQuery, response=Forecast, tags=TAGS)
def stats_forecast(call: Call) -> Forecast:
    """Demand forecast and staffing for the days ahead.

    Expected orders per day (weekday seasonality, holidays as settings) and workers needed, with the method and
    its back-test error (MAPE over held-out weeks)."""
    return service.demand_forecast(call.query.category_id, call.query.days, now=call.now)


@route(bp, "/v1/worker/performance", "GET", query=RangeQuery, response=MyPerformance, tags=TAGS)
def my_performance(call: Call) -> MyPerformance:
    """My figures (个人业绩).

    Completed orders, service minutes, income and rating over the range, with my credit score's trend."""
    return service.my_performance(call.user_id, call.query, now=call.now)


@route(bp, "/v1/admin/customers", "GET", query=CustomersQuery, response=Page[CustomerSummary], tags=TAGS)
def list_customers(call: Call) -> Page[CustomerSummary]:
    """Customers found by nickname or phone.

    ``q`` is a nickname prefix or a phone prefix of 3+ digits (identity's search index); ``tier`` lists a
    membership tier. One of them is required (422 QUERY_REQUIRED)."""
    return views.customers(call.query)


@route(bp, "/v1/admin/customers/{customer_id}", "GET", response=CustomerDetail, tags=TAGS)
def get_customer(call: Call, customer_id: str) -> CustomerDetail:
    """One customer's whole picture.

    Profile, addresses, order count and spend, tier, points, coupons and the workers' ratings of them."""
    return views.customer(customer_id)


@route(bp, "/v1/admin/finance/summary", "GET", query=RangeQuery, response=FinanceSummary, tags=TAGS)
def finance_summary(call: Call) -> FinanceSummary:
    """The finance summary (财务).

    GMV, refunds, commission and worker earnings over the range; withdrawn and pending withdrawals from the
    ledger's balances, and whether every account sums to zero."""
    return views.finance(call.query, now=call.now)


@route(bp, "/v1/admin/exports/{name}", "GET", query=RangeQuery, tags=TAGS)
def export(call: Call, name: str) -> Response:
    """A CSV export: orders, workers, customers, ledger or stats.

    UTF-8 with a BOM and a header row, built page by page and cut at the setting analytics_export_max_rows (with
    a last line saying so); an unknown name is 404."""
    text, truncated = exports.export_csv(name, call.query, now=call.now)
    headers = {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{name}.csv"',
        "X-Export-Truncated": "true" if truncated else "false",
    }
    return Response(body=text, status_code=200, headers=headers)
