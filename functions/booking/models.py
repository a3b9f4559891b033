"""Booking's language: quotes, orders (订单) and their timeline, complaints (投诉)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from common.models import Strict, Text, Url
from common.money import Fen
from common.pagination import PageQuery
from pydantic import AwareDatetime, BaseModel, Field, StrictInt, StringConstraints

from functions.booking.rules import Actor, Status

Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class QuoteRequest(Strict):
    service_id: Id
    start: AwareDatetime
    units: Annotated[int, Field(ge=1, le=1000)]
    coupon_id: Id | None = None
    points: Annotated[int, Field(ge=0)] | None = None
    worker_id: Id | None = None


class PriceLine(BaseModel):
    """A signed change of the subtotal before the discounts (e.g. the chosen worker's credit multiplier)."""

    line: str
    amount_fen: int = Field(description="fen; positive raises the price, negative lowers it")
    note: str = ""


class Quote(BaseModel):
    """The price of a booking: unit price × units, the adjustment lines, then the discount lines (member,
    coupon, points)."""

    subtotal_fen: Fen
    adjustments: list[PriceLine] = []
    member_discount_fen: Fen = 0
    coupon_discount_fen: Fen = 0
    points_discount_fen: Fen = 0
    total_fen: Fen
    # An engagement (a service priced per day): 定金 paid at booking and 尾款 due before the first day.
    deposit_fen: Fen | None = None
    balance_fen: Fen | None = None


class OrderRequest(QuoteRequest):
    address_id: Id
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    # Where the booking came from, for the statistics by channel: a share link, a referral, an ad campaign …
    channel: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")] | None = None
    # The referral code a share link carried (the sharer's), if the booking came through one.
    ref_code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{4,16}$")] | None = None


class ServiceRef(BaseModel):
    id: str
    name: str
    category_id: str
    unit: str
    unit_price_fen: Fen
    duration_minutes: int


class WorkerRef(BaseModel):
    id: str
    name: str | None = None


class AddressRef(BaseModel):
    id: str
    contact_name: str
    phone: str
    region: str
    detail: str
    lat: float
    lng: float


class TimelineEvent(BaseModel):
    at: str
    status: Status
    actor: Actor
    note: str = ""


class ServedStint(BaseModel):
    """A worker replaced on an engagement, with the days they served (paid for those at settlement)."""

    worker_id: str
    worker_name: str | None = None
    days: int


class Engagement(BaseModel):
    """What an order of a service priced per day has besides an ordinary order's fields."""

    first_day: dt.date
    days: int
    deposit_fen: Fen
    balance_fen: Fen
    balance_due: str = Field(description="the balance (尾款) is due by then, before the first day")
    balance_paid_fen: Fen = 0
    replacements: int = 0
    served: list[ServedStint] = []


ExtraStatus = Literal["proposed", "approved", "paid", "rejected", "refunded"]
PositiveFen = Annotated[StrictInt, Field(ge=1, description="amount in fen (CNY cents), at least 1")]


class ExtraLine(Strict):
    """One line of an on-site price difference (补差价): what it is for, and its amount."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=r"\S")]
    amount_fen: PositiveFen


class ExtraRequest(Strict):
    """A price difference (补差价) the worker found on site: its lines (at most ``settings.extra_max_items``,
    at most ``settings.extra_max_amount_fen`` in all) and why."""

    items: list[ExtraLine] = Field(min_length=1, max_length=50)
    reason: Text


class ExtraProposed(BaseModel):
    """The difference proposed: the customer is asked to approve (then pay) or reject it."""

    id: str
    status: Literal["proposed"] = "proposed"


class Extra(BaseModel):
    """An on-site price difference (补差价) of an order: its own payment, refunded on its own. ``approved``:
    the customer agreed and it waits for payment."""

    id: str
    items: list[ExtraLine]
    amount_fen: Fen
    reason: str
    status: ExtraStatus
    proposed_at: str
    approved_at: str | None = None
    paid_at: str | None = None
    rejected_at: str | None = None
    refunded_at: str | None = None


class UnpaidExtra(BaseModel):
    """A price difference the customer approved and has not paid (what the exception queue shows)."""

    order_id: str
    extra_id: str
    amount_fen: Fen
    approved_at: str
    customer_id: str
    worker_id: str


class Order(BaseModel):
    """An order as its customer, its worker and operators see it (never its workflow's task token)."""

    id: str
    status: Status
    customer_id: str
    service: ServiceRef
    worker: WorkerRef | None
    units: int
    start: str
    end: str
    address: AddressRef
    price: Quote
    note: str | None = None
    created_at: str
    pay_deadline: str
    paid_fen: Fen = 0
    refund_fen: Fen = 0
    cancel_reason: str | None = None
    timeline: list[TimelineEvent]
    engagement: Engagement | None = Field(
        None, description="an engagement's days and parts; null when hourly"
    )
    extras: list[Extra] = Field(
        [],
        description="on-site price differences (补差价), oldest first; listed on one order's view, not on lists",
    )


class CustomerRating(BaseModel):
    """How workers rated the customer (1-5 averages, rounded to 2 decimals; null before the first review)."""

    count: int = 0
    cooperation: float | None = None
    environment: float | None = None


class Navigation(BaseModel):
    """Where to go: the point (GCJ-02), the address, and a Tencent Maps route link the worker's phone opens."""

    lat: float
    lng: float
    address: str
    url: str


class WorkerOrder(Order):
    """An order as its worker sees it: with the customer's rating from other workers' reviews, and
    ``navigation`` once accepted (null otherwise)."""

    customer_rating: CustomerRating = CustomerRating()
    navigation: Navigation | None = None


class OrderPaymentView(BaseModel):
    """What payments needs to take a payment for an order (INTERFACES.md)."""

    id: str
    status: Status
    total_fen: Fen
    description: str
    customer_id: str
    pay_deadline: str


class OrderReviewView(BaseModel):
    """What reviews needs to accept a review of an order."""

    id: str
    status: Status
    customer_id: str
    worker_id: str | None
    service_id: str
    category_id: str
    start: str
    completed_at: str | None


class OrderSettlementView(BaseModel):
    """What payments needs to settle an order: who earns what (DESIGN.md "Settlement")."""

    id: str
    status: Status
    customer_id: str
    worker_id: str | None
    paid_fen: Fen
    refund_fen: Fen  # refunded at cancellation
    fee_fen: Fen  # cancellation fee, the worker's
    complaint_refund_fen: Fen  # refunded when complaints were resolved
    commission_percent: int


class CancelRequest(Strict):
    reason: Text


class AdminCancelRequest(Strict):
    reason: Text
    refund_fen: Fen | None = None


class ReassignRequest(Strict):
    worker_id: Id


class WorkerOrdersQuery(PageQuery):
    status: Status | None = None


class AdminOrdersQuery(PageQuery):
    """The operators' board. Served by indexes: a date (default today) with or without a status; a worker with
    or without a status or date; a customer with or without a status."""

    status: Status | None = None
    date: dt.date | None = None
    worker_id: Id | None = None
    customer_id: Id | None = None


class OrdersQuery(PageQuery):
    pass


ComplaintStatus = Literal["open", "resolved"]


class ComplaintRequest(Strict):
    text: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000, pattern=r"\S")
    ]
    media: list[Url] = Field(default=[], max_length=9)


class ResolveRequest(Strict):
    resolution: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    refund_fen: Fen | None = None
    penalize_worker: bool = False


class Complaint(BaseModel):
    id: str
    order_id: str
    customer_id: str
    worker_id: str | None
    status: ComplaintStatus
    text: str
    media: list[str]
    created_at: str
    resolution: str | None = None
    refund_fen: Fen = 0
    penalize_worker: bool = False
    resolved_at: str | None = None
    resolved_by: str | None = None


class ComplaintsQuery(PageQuery):
    status: ComplaintStatus = "open"
