"""The workers' language: a worker's (家政人员) profile, availability, verification and public views.

Who sees what (DESIGN.md "Security"): the worker and operators see everything on ``WorkerOwn``/``WorkerAdmin``;
everyone else sees ``WorkerPublic``/``WorkerSummary``, which have no phone, ID number, certificate number or
home coordinates.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from common.errors import RuleViolation
from common.models import Day, Strict, Url, text
from common.pagination import PageQuery
from common.settings import get_settings
from pydantic import BaseModel, Field, StringConstraints, field_validator, model_validator

from functions.workers.rules import CardSkill

Name = text(20)
Short = text(40)
Number = text(64)  # a certificate's number
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 -]{5,19}$")]
IdNumber = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z]{6,30}$")]
# Template times fall on the half hour, like bookable start times; "24:00" closes a day.
HalfHour = Annotated[str, StringConstraints(pattern=r"^(([01][0-9]|2[0-3]):[03]0|24:00)$")]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WorkerStatus = Literal["pending", "verified", "rejected", "suspended"]  # 待审核, 已认证, 未通过, 已停用
Gender = Literal["female", "male"]


class Certificate(Strict):
    """A qualification (家政服务员证, 母婴护理证, 育婴师证 …) with its number; the number stays private."""

    type: Short
    number: Number
    expires_on: Day | None = None
    media_url: Url | None = None


class Health(Strict):
    """Health status and the health certificate (健康证) a worker must hold to be booked."""

    status: Literal["healthy", "unhealthy"]
    certificate_expires_on: Day


class GeoPoint(Strict):
    lat: Annotated[float, Field(ge=-90, le=90)]
    lng: Annotated[float, Field(ge=-180, le=180)]


class ProfileIn(Strict):
    """``PUT /v1/worker/profile``: the whole profile the worker keeps (API.md), replaced on each PUT."""

    name: Name
    gender: Gender
    birth_year: Annotated[int, Field(ge=1900, le=2100)]
    hometown: Short  # 籍贯
    experience_years: Annotated[int, Field(ge=0, le=60)]
    skills: list[Annotated[str, StringConstraints(min_length=1, max_length=64)]] = Field(
        min_length=1, max_length=20, description="category or service ids"
    )
    certificates: list[Certificate] = Field(default=[], max_length=20)
    health: Health
    bio: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""  # 自我评价
    photos: list[Url] = Field(default=[], max_length=9)
    case_photos: list[Url] = Field(default=[], max_length=30)  # 服务案例
    videos: list[Url] = Field(default=[], max_length=5)
    home: GeoPoint
    service_radius_km: Annotated[float, Field(gt=0, le=100)] | None = None
    phone: Phone | None = None  # private
    id_number: IdNumber | None = None  # 身份证号, private

    @field_validator("skills")
    @classmethod
    def _distinct(cls, skills: list[str]) -> list[str]:
        return list(dict.fromkeys(skills))


class SkillRef(BaseModel):
    """A skill as the worker named it, resolved against the catalog."""

    id: str
    kind: Literal["category", "service"]
    name: str
    category_id: str


class AvailabilityIn(Strict):
    """``PUT /v1/worker/availability``: weekly template and days off (API.md)."""

    weekly: dict[Weekday, Annotated[list[tuple[HalfHour, HalfHour]], Field(max_length=6)]] = Field(default={})
    days_off: list[Day] = Field(default=[], max_length=366)

    @model_validator(mode="after")
    def _intervals_are_ordered(self) -> AvailabilityIn:
        # A rule the schema cannot state (start before end): 422 with its own code, not a schema refusal.
        for day, intervals in self.weekly.items():
            for start, end in intervals:
                if start >= end:
                    raise RuleViolation(
                        f"{day}: {start}-{end} must start before it ends", code="INVALID_HOURS"
                    )
        return self


class Availability(BaseModel):
    weekly: dict[Weekday, list[tuple[str, str]]]
    days_off: list[date]
    accepting: bool = Field(description="接单中 (true) or 休息中 (false)")
    travel_buffer_minutes: int


class AcceptingIn(Strict):
    accepting: bool


class Review(BaseModel):
    """The last operator decision on the worker."""

    action: Literal["submitted", "approved", "rejected", "suspended", "reinstated"]
    note: str = ""
    by: str
    at: str


class WorkerOwn(BaseModel):
    """The worker's own view (and the operators')."""

    id: str
    status: WorkerStatus
    profile: ProfileIn
    skills: list[SkillRef]
    age: int
    service_radius_km: float
    availability: Availability
    credit_score: int
    last_review: Review | None = None
    created_at: str
    updated_at: str


class WorkerAdminSummary(BaseModel):
    id: str
    name: str
    status: WorkerStatus
    skills: list[SkillRef]
    since: str = Field(description="when the worker entered this status")


class VerifyIn(Strict):
    approved: bool
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class NoteIn(Strict):
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class AdminWorkersQuery(PageQuery):
    status: WorkerStatus = "pending"


class Rating(BaseModel):
    """Averages of the customers' 1-5 scores; null until the first review."""

    count: int = 0
    attitude: float | None = None
    skill: float | None = None
    quality: float | None = None
    overall: float | None = None


class Credit(BaseModel):
    score: int = Field(description="信用分, 0-1000")
    level: str


class PublicCertificate(BaseModel):
    type: str
    expires_on: date | None = None
    valid: bool


class PublicHealth(BaseModel):
    status: Literal["healthy", "unhealthy"]
    certificate_valid: bool


class WorkerPublic(BaseModel):
    """``GET /v1/workers/{id}``: what anyone may see. No phone, ID or certificate numbers, no home point."""

    id: str
    name: str
    gender: Gender
    age: int
    hometown: str
    experience_years: int
    skills: list[SkillRef]
    certificates: list[PublicCertificate]
    health: PublicHealth
    bio: str
    photos: list[str]
    case_photos: list[str]
    videos: list[str]
    service_radius_km: float
    verified: bool
    accepting: bool
    rating: Rating
    credit: Credit
    completed_orders: int


class WorkerSummary(BaseModel):
    """A worker in a list of matches."""

    id: str
    name: str
    gender: Gender
    age: int
    hometown: str
    experience_years: int
    photo: str | None = None
    rating: Rating
    credit: Credit
    completed_orders: int


class MediaIn(Strict):
    # order_photo: a photo of an on-site visit (the door at arrival, the job before and after)
    kind: Literal["photo", "case_photo", "video", "certificate", "order_photo"]
    content_type: Literal["image/jpeg", "image/png", "image/webp", "video/mp4", "video/quicktime"]


class MediaUpload(BaseModel):
    upload_url: str = Field(description="PUT the file here, with the same Content-Type, before it expires")
    url: str = Field(description="where the file will be readable; put this in the profile")
    expires_in: int


class CalendarQuery(Strict):
    start_date: Day = Field(alias="from")
    days: Annotated[int, Field(ge=1, le=14)] = 1


class BookedSlot(BaseModel):
    date: date
    time: str
    order_id: str


class HeldDay(BaseModel):
    """A whole day an engagement (月嫂, 育儿嫂 …) holds."""

    date: date
    order_id: str


class Calendar(BaseModel):
    slots: list[BookedSlot]
    days: list[HeldDay] = []


class WorkerRecord(BaseModel):
    """A worker as stored: the profile they keep plus what the platform keeps about them."""

    id: str
    status: WorkerStatus
    profile: ProfileIn
    skills: list[SkillRef]
    skill_index: dict[str, CardSkill]
    weekly: dict[str, list[list[str]]]
    days_off: list[str]
    accepting: bool = True
    credit_score: int
    credit_matchable: bool = True  # False while the credit level is restricted (set by the credit capability)
    credit_order_cap: int | None = None  # the credit level's concurrent-order cap (None: the platform's)
    last_review: Review | None = None
    verified_at: str | None = None
    since: str
    created_at: str
    updated_at: str
    version: int | None = None

    @property
    def radius_km(self) -> float:
        s = get_settings()
        return min(self.profile.service_radius_km or s.matching_default_radius_km, s.matching_max_radius_km)
