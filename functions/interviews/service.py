"""Interview use cases: request (customer), accept or decline (the worker), list (each side). Both sides are told
of each, through notifications (a ``NotificationRequested`` per person, in the same transaction as the change).
An interview reads and holds nothing of the worker's calendar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from common import events
from common.clock import business_tz, iso
from common.errors import InvalidTransition, NotAnEngagement, NotFound, RuleViolation
from common.ids import derived_id
from common.pagination import Page, decode_cursor, encode_cursor
from pynamodb.transactions import TransactWrite

from functions import catalog, workers
from functions.interviews import store
from functions.interviews.models import Interview, InterviewRequest

MODES = {"video": "视频面试", "in_person": "当面面试"}


def to_interview(item: store.InterviewItem) -> Interview:
    return Interview(
        id=item.id,
        status=item.status,  # type: ignore[arg-type]
        customer_id=item.customer_id,
        worker_id=item.worker_id,
        worker_name=item.worker_name,
        service_id=item.service_id,
        service_name=item.service_name,
        at=item.at,
        mode=item.mode,  # type: ignore[arg-type]
        created_at=item.created_at,
        decided_at=item.decided_at,
    )


def _notices(
    item: store.InterviewItem, kind: str, title: str, body: str, now: datetime
) -> Callable[..., None]:
    """Tell the customer and the worker (one ``NotificationRequested`` each, ids from the cause)."""

    def add(tx: TransactWrite) -> None:
        for role, user in (("customer", item.customer_id), ("worker", item.worker_id)):
            notice: dict[str, Any] = {
                "recipient_role": role,
                "user_id": user,
                "kind": kind,
                "title": title,
                "body": body,
                "data": {"interview_id": item.id},
                "at": iso(now),
            }
            event_id = derived_id(datetime.fromisoformat(item.created_at), f"{kind}:{item.id}:{role}")
            events.add(tx, "NotificationRequested", notice, event_id=event_id, now=now)

    return add


def request(
    customer_id: str, req: InterviewRequest, *, now: datetime, new_id: Callable[[], str]
) -> Interview:
    """The customer asks to meet a worker before booking an engagement (a service priced per day): 404 for an
    unknown service or a worker not public; 422 ``NOT_AN_ENGAGEMENT`` for an hourly service, 422
    ``INTERVIEW_IN_PAST`` for a time not ahead."""
    service = catalog.get_service(req.service_id)
    if service.pricing.unit != "day":
        raise NotAnEngagement("interviews are for services priced per day (月嫂, 育儿嫂 …)")
    if req.at <= now:
        raise RuleViolation("the interview must be ahead", code="INTERVIEW_IN_PAST")
    profile = workers.get_public_profile(req.worker_id)  # NotFound unless verified
    item = store.new(
        id=new_id(),
        status="requested",
        customer_id=customer_id,
        worker_id=req.worker_id,
        worker_name=getattr(profile, "name", None),
        service_id=service.id,
        service_name=service.name,
        at=iso(req.at.astimezone(business_tz())),
        mode=req.mode,
        created_at=iso(now),
    )
    when = item.at[:16].replace("T", " ")
    body = f"{service.name}{MODES[req.mode]} {when}，等待阿姨确认"
    store.write(item, _notices(item, "interview_requested", "面试邀请", body, now))
    return to_interview(item)


def decide(worker_id: str, interview_id: str, accept: bool, *, now: datetime) -> Interview:
    """The worker accepts or declines a requested interview, once (409 when already decided); both are told."""
    item = store.get(interview_id)
    if item is None or item.worker_id != worker_id:
        raise NotFound("no such interview")
    status = "accepted" if accept else "declined"
    if item.status != "requested":
        raise InvalidTransition(f"the interview is {item.status}")
    title = "面试已确认" if accept else "面试已婉拒"
    body = f"{item.service_name}{MODES[item.mode]} {item.at[:16].replace('T', ' ')}"
    if not store.decide(item, status, iso(now), _notices(item, f"interview_{status}", title, body, now)):
        raise InvalidTransition("the interview was decided meanwhile")
    item.status, item.decided_at = status, iso(now)
    return to_interview(item)


def of_customer(customer_id: str, *, limit: int, cursor: str | None) -> Page[Interview]:
    """The customer's interviews, newest first (one Query)."""
    start = decode_cursor(cursor, expect={"GSI1PK": store.customer_partition(customer_id)})
    page = store.of_customer(customer_id, limit, start)
    return Page(items=[to_interview(i) for i in page.items], next_cursor=encode_cursor(page.last_key))


def of_worker(worker_id: str, *, limit: int, cursor: str | None) -> Page[Interview]:
    """The worker's interviews, latest time first (one Query)."""
    start = decode_cursor(cursor, expect={"GSI2PK": store.worker_partition(worker_id)})
    page = store.of_worker(worker_id, limit, start)
    return Page(items=[to_interview(i) for i in page.items], next_cursor=encode_cursor(page.last_key))
