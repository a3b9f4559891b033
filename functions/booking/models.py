"""Booking's language: quotes, orders (订单) and their timeline, complaints (投诉)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from common.models import Day, Id, Moment, Strict, Text, Url, text
from common.money import Fen
from common.pagination import PageQuery
from pydantic import BaseModel, Field, StrictInt, StringConstraints

from functions.booking.rules import Actor, Status

Progress = Literal["on_the_way", "arrived", "confirmed"]  # 出发, 到达, 已确认 (API.md "On-site service")
LineName = text(40)  # a price difference line's name
Note = text(500)  # how an operator resolved something
ComplaintText = text(1000)


class QuoteRequest(Strict):
    service_id: Id
    start: Moment
    units: Annotated[int, Field(ge=1, le=1000)]
    coupon_id: Id | None = None
    points: Annotated[int, Field(ge=0)] | None = None
    worker_id: Id | None = None
    addons: list[Id] = Field(
        default=[],
        max_length=20,
        description="ids of the service's add-ons (加项): priced in `addons_fen`, their minutes lengthen the "
        "booking (422 UNKNOWN_ADDON)",
    )


class PriceLine(BaseModel):
    """A signed change of the subtotal before the discounts (e.g. the chosen worker's credit multiplier)."""

    line: str
    amount_fen: int = Field(description="fen; positive raises the price, negative lowers it")
    note: str = ""


class Quote(BaseModel):
    """The price of a booking: unit price × units, the adjustment lines, then the discount lines (member,
    coupon, points)."""

    subtotal_fen: Fen
    addons_fen: Fen = Field(0, description="the add-ons' prices, part of subtotal_fen")
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


class AddonRef(BaseModel):
    """An add-on (加项) booked with the order, as it was priced."""

    id: str
    name: str
    price_fen: Fen
    minutes: int


class ServiceRef(BaseModel):
    """The service as it was booked (a snapshot: later catalog edits do not change the order)."""

    id: str
    name: str
    category_id: str
    unit: str
    unit_price_fen: Fen
    duration_minutes: int
    addons: list[AddonRef] = Field(default=[], description="the add-ons booked")
    checklist: list[str] = Field(default=[], description="ticked by the worker at completion")
    requires_arrival: bool | None = None
    requires_after_photos: bool = False


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


class Arrival(BaseModel):
    """Where the worker checked in and the door photo taken there."""

    lat: float
    lng: float
    photo_url: str
    distance_m: int = Field(description="from the order's address, rounded up")


class Photos(BaseModel):
    """The worker's photos of the job, before and after (each list in the order added)."""

    before: list[str] = []
    after: list[str] = []


ExtraStatus = Literal["proposed", "approved", "paid", "rejected", "refunded"]
PositiveFen = Annotated[StrictInt, Field(ge=1, description="amount in fen (CNY cents), at least 1")]


class ExtraLine(Strict):
    """One line of an on-site price difference (补差价): what it is for, and its amount."""

    name: LineName
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
    progress: Progress | None = Field(
        None,
        description="the visit's progress inside the status: on_the_way (出发), arrived (到达), confirmed "
        "(确认完成); null until departure",
    )
    departed_at: str | None = Field(None, description="when the worker set out (ISO)")
    arrived_at: str | None = Field(None, description="when the worker checked in at the door (ISO)")
    confirmed_at: str | None = Field(
        None, description="when the completed order was confirmed (by the customer or automatically)"
    )
    arrival: Arrival | None = Field(None, description="the arrival check-in at the door")
    photos: Photos = Photos()
    checklist: dict[str, bool] | None = Field(
        None, description="the checklist as ticked at completion; null before (or without one)"
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
    date: Day | None = None
    worker_id: Id | None = None
    customer_id: Id | None = None


class OrdersQuery(PageQuery):
    pass


ComplaintStatus = Literal["open", "resolved"]


class ComplaintRequest(Strict):
    text: ComplaintText
    media: list[Url] = Field(default=[], max_length=9)


class ResolveRequest(Strict):
    resolution: Note
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


# --- on-site service: the operators' exception queue (issue 17) ---

ExceptionKind = Literal["late_start", "no_checkin", "overtime", "unconfirmed", "unpaid_extra"]


class ExceptionsQuery(PageQuery):
    """The open exceptions, oldest first; ``kind`` narrows them to one kind."""

    kind: ExceptionKind | None = None


class ExceptionResolveRequest(Strict):
    note: Note


class OrderException(BaseModel):
    """An order that needs a person (异常单): what is wrong (``kind``, ``reason``) and since when."""

    id: str = Field(description="the exception's id (one per order and kind)")
    order_id: str
    kind: ExceptionKind
    reason: str
    since: str = Field(description="when the order started needing a person (ISO)")
    raised_at: str
    status: Literal["open", "resolved"]
    service_name: str
    start: str
    customer_id: str
    worker_id: str | None = None
    note: str | None = Field(None, description="the operator's note at resolution")
    resolved_at: str | None = None
    resolved_by: str | None = None


# --- on-site service (issue 17) ------------------------------------------------------------------------------

Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]


class DepartRequest(Strict):
    """Where the worker sets out from (optional, not checked)."""

    lat: Latitude | None = None
    lng: Longitude | None = None


class ArriveRequest(Strict):
    """The arrival check-in (到达打卡): the worker's position (GCJ-02) and a photo of the door, uploaded first
    through `POST /v1/worker/media`."""

    lat: Latitude
    lng: Longitude
    photo_url: Url


class PhotosRequest(Strict):
    """Photos of the job before or after the service, uploaded first through `POST /v1/worker/media`."""

    stage: Literal["before", "after"]
    urls: list[Url] = Field(min_length=1, max_length=9)


class CompleteRequest(Strict):
    """The service's checklist as ticked by the worker: every item of `GET /v1/services/{id}` `checklist`,
    each `true`."""

    checklist: dict[Annotated[str, StringConstraints(min_length=1, max_length=40)], bool] | None = Field(
        None, max_length=30
    )
