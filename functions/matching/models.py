"""Matching's language: a request for workers, and each match with its score explained part by part."""

from __future__ import annotations

from typing import Annotated

from common.models import Moment, Strict
from pydantic import BaseModel, Field

from functions.workers import WorkerSummary


class MatchRequest(Strict):
    """``POST /v1/matches`` (API.md)."""

    service_id: str
    start: Moment
    units: Annotated[int, Field(ge=1, le=1000)]
    address_id: str
    limit: Annotated[int, Field(ge=1, le=50)] = 20


class Reason(BaseModel):
    """One part of the score: its value (0..1), its weight, what it adds to the score, and why."""

    value: float
    weight: float
    contribution: float
    note: str


class Reasons(BaseModel):
    skill: Reason
    distance: Reason
    rating: Reason
    credit: Reason
    experience: Reason


class Match(BaseModel):
    worker: WorkerSummary
    score: float = Field(description="0..1, the sum of the reasons' contributions")
    distance_km: float
    reasons: Reasons


class MatchList(BaseModel):
    items: list[Match]
