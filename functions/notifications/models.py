"""Notifications' language: the order event they react to, a notice (who is told what, on which channels),
and the inbox and subscription shapes of the API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from common.models import text
from common.pagination import PageQuery
from pydantic import BaseModel, ConfigDict, Field

RecipientRole = Literal["customer", "worker", "operator"]


class OrderEvent(BaseModel):
    """The ``detail`` of an order event (INTERFACES.md "booking"). Only what a notice needs is required, so a
    producer adding fields never breaks delivery."""

    model_config = ConfigDict(extra="allow")

    order_id: str
    customer_id: str
    start: datetime
    at: datetime
    status: str = ""
    worker_id: str | None = None
    service_id: str | None = None
    service_name: str = "家政服务"
    category_id: str | None = None
    end: datetime | None = None
    total_fen: int = 0
    actor: str = "system"
    note: str | None = None
    refund_fen: int | None = None  # OrderCancelled, ComplaintResolved
    previous_worker_id: str | None = None  # OrderReassigned
    penalize_worker: bool | None = None  # ComplaintResolved
    complaint_id: str | None = None  # ComplaintFiled, ComplaintResolved
    resolution: str | None = None  # ComplaintResolved
    worker_earning_fen: int | None = None  # OrderSettled


class Push(BaseModel):
    """A WeChat subscription message: our template kind (mapped to a template id by settings), the page the
    card opens, and ``data`` already fitted to the keyword value limits."""

    template: str
    page: str
    data: dict[str, dict[str, str]]


class Sms(BaseModel):
    """An SMS: our template kind (mapped to the provider's template id by settings) and its parameters."""

    template: str
    params: list[str]


class Notice(BaseModel):
    """One recipient told one thing: the inbox item, plus how to reach them outside the app (optional)."""

    role: RecipientRole
    user_id: str | None  # None with role operator: the operators' shared inbox
    kind: str
    title: str
    body: str
    data: dict[str, Any] = Field(default_factory=dict)
    push: Push | None = None
    sms: Sms | None = None

    @property
    def delivers(self) -> bool:
        """Whether anything besides the inbox is tried (operators use the console only)."""
        return self.role != "operator" and self.user_id is not None and bool(self.push or self.sms)


class NotificationRequest(BaseModel):
    """The ``detail`` of a ``NotificationRequested`` event: another capability wants one person (or the
    operators) told something; ``push``/``sms`` say how to reach them outside the app, if at all."""

    model_config = ConfigDict(extra="allow")

    recipient_role: RecipientRole
    user_id: str | None = None
    kind: str
    title: str
    body: str
    data: dict[str, Any] = Field(default_factory=dict)
    push: Push | None = None
    sms: Sms | None = None
    at: datetime


class Notification(BaseModel):
    """An inbox item as its owner sees it."""

    id: str
    kind: str
    title: str
    body: str
    data: dict[str, Any]
    created_at: str
    read: bool


class InboxScope(BaseModel):
    scope: Literal["team", "mine"] = "team"  # the operators' shared inbox, or the caller's own


class AdminInboxQuery(PageQuery, InboxScope):
    pass


TemplateId = text(128)


class SubscriptionsIn(BaseModel):
    """The templates the user accepted in one ``wx.requestSubscribeMessage`` prompt (at most 3 per prompt)."""

    model_config = ConfigDict(extra="forbid")

    template_ids: Annotated[list[TemplateId], Field(min_length=1, max_length=3)]


class TemplateQuota(BaseModel):
    kind: str
    template_id: str
    remaining: int  # messages we may still send with it (one per accepted prompt)


class Subscriptions(BaseModel):
    """The templates the app should ask this user to accept, and what is left of each."""

    templates: list[TemplateQuota]
