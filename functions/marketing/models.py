"""Marketing's language (API.md "Marketing"): coupon templates and coupons (优惠券), points (积分), rewards,
membership (会员), referral and shares."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from common.models import Id, Moment, Strict, text
from common.money import Fen
from common.pagination import PageQuery
from pydantic import BaseModel, Field, StringConstraints, model_validator

from functions.marketing.rules import CouponKind, CouponStatus, Tier

Name = text(100)  # a template's or a reward's name


class TemplateIn(Strict):
    """A coupon template: a fixed amount (``discount_fen``, 满减 above ``threshold_fen``) or ``percent_off``
    (1–99, capped by ``max_discount_fen``), valid in a window (``valid_until``) or for ``valid_days`` from
    issue, ``total`` coupons at most, ``per_user_limit`` per customer, for some categories (none: all)."""

    name: Name
    kind: CouponKind
    discount_fen: Annotated[int, Field(ge=1, strict=True)] | None = None
    percent_off: Annotated[int, Field(ge=1, le=99, strict=True)] | None = None
    max_discount_fen: Annotated[int, Field(ge=1, strict=True)] | None = None
    threshold_fen: Fen = 0
    valid_from: Moment | None = None
    valid_until: Moment | None = None
    valid_days: Annotated[int, Field(ge=1, le=3650)] | None = None
    total: Annotated[int, Field(ge=1, le=100_000_000)]
    per_user_limit: Annotated[int, Field(ge=1, le=1000)] = 1
    category_ids: Annotated[list[Id], Field(default_factory=list, max_length=50)]

    @model_validator(mode="after")
    def _one_of_each(self) -> TemplateIn:
        if (self.discount_fen is None) == (self.percent_off is None):
            raise ValueError("give either discount_fen or percent_off")
        if self.max_discount_fen is not None and self.percent_off is None:
            raise ValueError("max_discount_fen caps a percent_off coupon")
        if (self.valid_until is None) == (self.valid_days is None):
            raise ValueError("give either valid_until or valid_days")
        if self.valid_until and self.valid_from and self.valid_until <= self.valid_from:
            raise ValueError("valid_until must be after valid_from")
        return self


class Template(BaseModel):
    id: str
    name: str
    kind: CouponKind
    discount_fen: int | None = None
    percent_off: int | None = None
    max_discount_fen: int | None = None
    threshold_fen: int
    valid_from: str
    valid_until: str | None = None
    valid_days: int | None = None
    total: int
    per_user_limit: int
    category_ids: list[str]
    issued: int
    used: int
    remaining: int
    created_at: str


class IssueRequest(Strict):
    customer_ids: Annotated[list[Id], Field(min_length=1, max_length=1000)] | None = None
    segment: Annotated[str, StringConstraints(max_length=40)] | None = None

    @model_validator(mode="after")
    def _one(self) -> IssueRequest:
        if (self.customer_ids is None) == (self.segment is None):
            raise ValueError("give either customer_ids or segment")
        return self


class Issued(BaseModel):
    issued: int


class ClaimRequest(Strict):
    template_id: Id


class Coupon(BaseModel):
    id: str
    template_id: str
    name: str
    kind: CouponKind
    discount_fen: int | None = None
    percent_off: int | None = None
    max_discount_fen: int | None = None
    threshold_fen: int
    category_ids: list[str]
    valid_from: str
    valid_until: str
    status: CouponStatus
    order_id: str | None = None


class CouponsQuery(PageQuery):
    status: CouponStatus | None = None


class PointsEntry(BaseModel):
    at: str
    delta: int
    reason: str
    order_id: str | None = None


class Points(BaseModel):
    balance: int
    items: list[PointsEntry]
    next_cursor: str | None = None


class SignIn(BaseModel):
    points: int
    streak: int
    balance: int


class ShareRequest(Strict):
    service_id: Id | None = None
    worker_id: Id | None = None

    @model_validator(mode="after")
    def _one(self) -> ShareRequest:
        if (self.service_id is None) == (self.worker_id is None):
            raise ValueError("give either service_id or worker_id")
        return self


class ShareLinkQuery(BaseModel):
    service_id: Id | None = None
    worker_id: Id | None = None

    @model_validator(mode="after")
    def _one(self) -> ShareLinkQuery:
        if (self.service_id is None) == (self.worker_id is None):
            raise ValueError("give either service_id or worker_id")
        return self


class Link(BaseModel):
    path: str
    query: str
    title: str


class Share(BaseModel):
    points: int
    link: Link


class Referral(BaseModel):
    code: str
    invited: int
    rewarded: int


class RewardIn(Strict):
    name: Name
    kind: Literal["coupon", "gift", "service"]
    points_cost: Annotated[int, Field(ge=1, strict=True)]
    stock: Annotated[int, Field(ge=0, le=100_000_000, strict=True)]
    template_id: Id | None = None  # a coupon reward issues a coupon of this template

    @model_validator(mode="after")
    def _coupon_has_template(self) -> RewardIn:
        if (self.kind == "coupon") != (self.template_id is not None):
            raise ValueError("a coupon reward names its template_id (and only a coupon reward does)")
        return self


class Reward(BaseModel):
    id: str
    name: str
    kind: Literal["coupon", "gift", "service"]
    points_cost: int
    stock: int
    template_id: str | None = None


class Redemption(BaseModel):
    id: str
    reward_id: str
    points: int
    balance: int
    coupon_id: str | None = None
    at: str


class NextTier(BaseModel):
    tier: Tier
    spend_needed_fen: int


class Benefits(BaseModel):
    discount_percent: int
    priority_booking_days: int
    exclusive_support: bool
    birthday_coupon: bool


class Membership(BaseModel):
    tier: Tier
    spend_12m_fen: int
    next_tier: NextTier | None
    benefits: Benefits


JsonDict = dict[str, Any]
