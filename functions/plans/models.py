"""Recurring plans (周期服务) as customers see them: a weekly, fortnightly or 4-weekly visit of one service at one
address, optionally by one worker, for a count of visits or up to an end date (or until cancelled)."""

from __future__ import annotations

from typing import Annotated, Literal

from common.models import Day, Id, Strict
from pydantic import BaseModel, Field, StringConstraints

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# A start on the hour or the half hour, like any booking.
ClockTime = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[03]0$")]
PlanStatus = Literal["active", "paused", "cancelled", "ended"]
OccurrenceStatus = Literal["scheduled", "booking", "booked", "skipped", "holiday", "unfilled", "cancelled"]


class PlanRequest(Strict):
    service_id: Id
    address_id: Id
    worker_id: Id | None = None
    weekday: Weekday
    time: ClockTime
    units: Annotated[int, Field(ge=1, le=1000)]
    every_weeks: Literal[1, 2, 4]
    count: Annotated[int, Field(ge=1, le=1000)] | None = None
    until: Day | None = None  # a count or an end date, not both (422 COUNT_OR_UNTIL)


class SkipRequest(Strict):
    date: Day


class Occurrence(BaseModel):
    """One visit of the plan: its date and, once the plan-occurrences job booked it, its order."""

    date: str
    order_id: str | None = None
    status: OccurrenceStatus = "scheduled"
    worker_id: str | None = None
    substitute: bool = False  # booked with another worker than the plan's (who was not free)


class Plan(BaseModel):
    id: str
    status: PlanStatus
    service_id: str
    address_id: str
    worker_id: str | None = None
    weekday: Weekday
    time: str
    units: int
    every_weeks: int
    count: int | None = None
    until: str | None = None
    first_date: str
    last_date: str | None = None
    created_at: str
    upcoming: list[Occurrence]
