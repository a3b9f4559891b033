"""Reviews' language: two-way reviews (双向评价), the credit view (信用分) with effects and history, operators'
violations (违规) and workers' appeals (申诉)."""

from __future__ import annotations

from typing import Annotated, Literal

from common.models import Strict, Url, text
from common.pagination import PageQuery
from pydantic import BaseModel, Field, StringConstraints

from functions.reviews.credit import CreditEffects, CreditReason

Score = Annotated[int, Field(ge=1, le=5)]
Id = text(80)
Note = text(500)
ReviewText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
Side = Literal[
    "customer", "worker"
]  # who wrote it: the customer (of the worker) or the worker (of the customer)


class CustomerReviewIn(Strict):
    """The customer rates the worker's attitude (态度), skill (技能) and quality (质量)."""

    attitude: Score
    skill: Score
    quality: Score
    text: ReviewText = ""
    anonymous: bool = False
    media: list[Url] = Field(default=[], max_length=9)


class WorkerReviewIn(Strict):
    """The worker rates the customer's cooperation (配合度) and the home (环境)."""

    cooperation: Score
    environment: Score
    text: ReviewText = ""


class Review(BaseModel):
    """A review as its author and operators see it (hidden ones included, with the reason)."""

    id: str
    order_id: str
    side: Side
    worker_id: str
    customer_id: str
    attitude: int | None = None
    skill: int | None = None
    quality: int | None = None
    cooperation: int | None = None
    environment: int | None = None
    text: str = ""
    media: list[str] = []
    anonymous: bool = False
    created_at: str
    hidden: bool = False
    hidden_reason: str | None = None
    hidden_at: str | None = None


class ReviewAuthor(BaseModel):
    nickname: str | None = None


class ReviewPublic(BaseModel):
    """A customer's review of a worker in a public list (no customer id; no author at all when anonymous)."""

    id: str
    attitude: int
    skill: int
    quality: int
    text: str = ""
    media: list[str] = []
    customer: ReviewAuthor | None = Field(None, description="null when the review is anonymous")
    created_at: str


class HideIn(Strict):
    reason: Note


class Source(BaseModel):
    kind: str  # review | order | complaint | violation | appeal | start
    id: str | None = None


class HistoryEntry(BaseModel):
    at: str
    delta: int
    score: int
    reason: str
    source: Source
    reasons: list[CreditReason] = []


class CreditView(BaseModel):
    """``GET /v1/worker/credit``: the score, its level, what the level changes, why, and every change."""

    score: int
    level: str
    effects: CreditEffects
    reasons: list[CreditReason]
    history: list[HistoryEntry]
    next_cursor: str | None = None


ViolationKind = Literal["no_show", "late", "misconduct", "fraud", "other"]


class ViolationIn(Strict):
    kind: ViolationKind
    note: Note
    order_id: Id | None = None


class Violation(BaseModel):
    id: str
    worker_id: str
    kind: ViolationKind
    note: str
    order_id: str | None = None
    points: int
    active: bool
    created_at: str
    created_by: str


SubjectKind = Literal["violation", "complaint", "review"]


class Subject(Strict):
    kind: SubjectKind
    id: Id


class AppealIn(Strict):
    subject: Subject
    text: Note


AppealStatus = Literal["open", "upheld", "rejected"]


class Appeal(BaseModel):
    id: str
    worker_id: str
    subject: Subject
    text: str
    status: AppealStatus
    created_at: str
    note: str | None = None
    decided_at: str | None = None
    decided_by: str | None = None


class AppealsQuery(PageQuery):
    status: AppealStatus = "open"


class DecideIn(Strict):
    upheld: bool
    note: Note


class HistoryQuery(PageQuery):
    """The history's page (``credit_history_page`` by default)."""


class Recalculated(BaseModel):
    recalculated: int
