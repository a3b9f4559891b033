"""Interviews' language: a request to meet a worker before an engagement, and the interview as both sides see it."""

from __future__ import annotations

from typing import Literal

from common.models import Id, Moment, Strict
from common.pagination import PageQuery
from pydantic import BaseModel

Mode = Literal["video", "in_person"]
Status = Literal["requested", "accepted", "declined"]  # 待确认, 已接受, 已拒绝


class InterviewRequest(Strict):
    worker_id: Id
    service_id: Id
    at: Moment
    mode: Mode


class Interview(BaseModel):
    id: str
    status: Status
    customer_id: str
    worker_id: str
    worker_name: str | None = None
    service_id: str
    service_name: str
    at: str
    mode: Mode
    created_at: str
    decided_at: str | None = None


class InterviewsQuery(PageQuery):
    pass
