"""What analytics talks in: the statistics, customer and finance views of API.md "Statistics, customers and
finance" (field names fixed by the contract)."""

from __future__ import annotations

import datetime as dt

from common.models import Day, Strict
from common.pagination import PageQuery
from pydantic import BaseModel, ConfigDict, Field


class RangeQuery(Strict):
    """``?from=&to=`` (dates, business time zone, inclusive); default the last 30 days to today."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    start: Day | None = Field(default=None, alias="from")
    to: Day | None = None


class TimeseriesQuery(RangeQuery):
    metric: str


class WorkersQuery(RangeQuery, PageQuery):
    pass


class ForecastQuery(Strict):
    category_id: str | None = Field(default=None, max_length=64)
    days: int | None = Field(default=None, ge=1)


class CustomersQuery(Strict, PageQuery):
    q: str | None = Field(default=None, min_length=1, max_length=40)
    tier: str | None = Field(default=None, max_length=20)


# -- overview ---------------------------------------------------------------------------------------------------


class Conversion(BaseModel):
    paid_per_created: float | None


class UsersOverview(BaseModel):
    new: int
    active: int = Field(description="active users per day, summed over the days (user-days)")
    by_region: dict[str, int] = Field(description="active user-days by the region of their orders")


class OrdersOverview(BaseModel):
    created: int
    paid: int
    completed: int
    cancelled: int
    amount_fen: int
    by_category: dict[str, dict[str, int]]
    conversion: Conversion


class WorkersOverview(BaseModel):
    total: int = Field(description="workers registered to date")
    active: int = Field(description="active workers per day (accepted, started or completed), summed")
    by_region: dict[str, int]
    service_minutes: int
    income_fen: int


class MarketingOverview(BaseModel):
    coupons_issued: int
    coupons_used: int
    points_earned: int
    points_spent: int
    by_channel: dict[str, dict[str, int]]


class Overview(BaseModel):
    users: UsersOverview
    orders: OrdersOverview
    workers: WorkersOverview
    marketing: MarketingOverview


class Point(BaseModel):
    date: dt.date
    value: int


class Timeseries(BaseModel):
    metric: str
    points: list[Point]


# -- workers ---------------------------------------------------------------------------------------------------


class WorkerRef(BaseModel):
    id: str
    name: str | None


class WorkerPerformance(BaseModel):
    worker: WorkerRef
    completed: int
    completion_rate: float | None = Field(description="completed ÷ (completed + no-shows + declines)")
    on_time_rate: float | None = Field(description="starts by the scheduled start + grace ÷ starts")
    rating: float | None
    complaints: int
    credit: int | None
    service_minutes: int
    income_fen: int
    needs_training: bool


class CreditPoint(BaseModel):
    date: dt.date
    score: int


class CreditTrend(BaseModel):
    score: int | None
    trend: list[CreditPoint]


class MyPerformance(BaseModel):
    completed: int
    service_minutes: int
    income_fen: int
    rating: float | None
    credit: CreditTrend


# -- forecast --------------------------------------------------------------------------------------------------


class Backtest(BaseModel):
    days: int
    mape: float | None = Field(
        description="mean absolute percentage error over the held-out days, in percent"
    )


class ForecastDay(BaseModel):
    date: dt.date
    orders: float
    workers_needed: int


class Forecast(BaseModel):
    category_id: str | None
    method: str
    backtest: Backtest
    items: list[ForecastDay]


# -- customers and finance -------------------------------------------------------------------------------------


class CustomerSummary(BaseModel):
    id: str
    nickname: str | None
    phone: str | None = Field(description="masked: 138****8001")
    tier: str | None
    orders: int
    spend_fen: int


class CustomerRating(BaseModel):
    count: int
    cooperation: float | None
    environment: float | None


class CustomerAddress(BaseModel):
    id: str
    contact_name: str
    region: str
    detail: str


class CustomerDetail(BaseModel):
    id: str
    nickname: str | None
    phone: str | None
    region: str | None
    created_at: str | None
    addresses: list[CustomerAddress]
    orders: int
    completed_orders: int
    cancelled_orders: int
    spend_fen: int
    tier: str | None
    points: int
    coupons: dict[str, int] | None = Field(
        description="issued, used: counted from marketing's events; None before any"
    )
    rating_by_workers: CustomerRating


class FinanceSummary(BaseModel):
    gmv_fen: int
    refunds_fen: int
    commission_fen: int
    worker_earnings_fen: int
    withdrawn_fen: int
    withdrawals_pending_fen: int
    ledger_balanced: bool
