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
    """The dashboard over ?from=&to= (dates): users, orders, workers and marketing, from the daily counters."""
    return service.overview(call.query, now=call.now)


@route(bp, "/v1/admin/stats/timeseries", "GET", query=TimeseriesQuery, response=Timeseries, tags=TAGS)
def stats_timeseries(call: Call) -> Timeseries:
    """One metric, one point a day (zeros included); 422 for an unknown metric or a bad range."""
    return service.timeseries(call.query.metric, call.query, now=call.now)


@route(bp, "/v1/admin/stats/workers", "GET", query=WorkersQuery, response=Page[WorkerPerformance], tags=TAGS)
def stats_workers(call: Call) -> Page[WorkerPerformance]:
    """Worker performance over the range, paginated: completion, on-time starts, rating, credit, training needs."""
    return service.worker_performance(call.query, now=call.now)


@route(bp, "/v1/admin/stats/forecast", "GET", query=ForecastQuery, response=Forecast, tags=TAGS)
def stats_forecast(call: Call) -> Forecast:
    """Expected orders and workers needed per day ahead, with the method and its back-test error."""
    return service.demand_forecast(call.query.category_id, call.query.days, now=call.now)


@route(bp, "/v1/worker/performance", "GET", query=RangeQuery, response=MyPerformance, tags=TAGS)
def my_performance(call: Call) -> MyPerformance:
    """My figures (个人业绩) over the range, with my credit score's trend."""
    return service.my_performance(call.user_id, call.query, now=call.now)


@route(bp, "/v1/admin/customers", "GET", query=CustomersQuery, response=Page[CustomerSummary], tags=TAGS)
def list_customers(call: Call) -> Page[CustomerSummary]:
    """Customers found by nickname or phone prefix (q), or of one tier."""
    return views.customers(call.query)


@route(bp, "/v1/admin/customers/{customer_id}", "GET", response=CustomerDetail, tags=TAGS)
def get_customer(call: Call, customer_id: str) -> CustomerDetail:
    """One customer: addresses, orders, spend, tier, points, coupons and the workers' ratings of them."""
    return views.customer(customer_id)


@route(bp, "/v1/admin/finance/summary", "GET", query=RangeQuery, response=FinanceSummary, tags=TAGS)
def finance_summary(call: Call) -> FinanceSummary:
    """Money over the range and the ledger today, with whether every account sums to zero."""
    return views.finance(call.query, now=call.now)


@route(bp, "/v1/admin/exports/{name}", "GET", query=RangeQuery, tags=TAGS)
def export(call: Call, name: str) -> Response:
    """A CSV (UTF-8 with BOM, header row): orders, workers, customers, ledger or stats over ?from=&to=."""
    text, truncated = exports.export_csv(name, call.query, now=call.now)
    headers = {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{name}.csv"',
        "X-Export-Truncated": "true" if truncated else "false",
    }
    return Response(body=text, status_code=200, headers=headers)
