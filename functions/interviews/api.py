"""Interview routes: the customer requests and lists; the worker lists, accepts and declines."""

from __future__ import annotations

from chalice import Blueprint
from common.api import Call, route
from common.idempotency import idempotent
from common.ids import new_id
from common.pagination import Page

from functions.interviews import service
from functions.interviews.models import Interview, InterviewRequest, InterviewsQuery

bp = Blueprint(__name__)


@route(
    bp,
    "/v1/interviews",
    "POST",
    body=InterviewRequest,
    response=Interview,
    status=201,
    auth="customer",
    errors=(404,),
)
def request_interview(call: Call) -> Interview:
    """Ask to meet a worker before an engagement (面试).

    For a service priced per day (422 `NOT_AN_ENGAGEMENT` otherwise), by `video` or `in_person`, at a time
    ahead (422 `INTERVIEW_IN_PAST`); the worker accepts or declines, and both are told. An interview holds no
    days of the worker's calendar. 404 for an unknown service or a worker not verified. Honours
    `Idempotency-Key`.
    """
    return idempotent(
        call,
        "interviews",
        Interview,
        lambda: service.request(call.user_id, call.body, now=call.now, new_id=new_id),
    )


@route(bp, "/v1/me/interviews", "GET", query=InterviewsQuery, response=Page[Interview], auth="customer")
def my_interviews(call: Call) -> Page[Interview]:
    """The customer's interviews, newest first.

    Paginated with `limit` and `cursor`.
    """
    return service.of_customer(call.user_id, limit=call.query.limit, cursor=call.query.cursor)


@route(bp, "/v1/worker/interviews", "GET", query=InterviewsQuery, response=Page[Interview])
def worker_interviews(call: Call) -> Page[Interview]:
    """The worker's interviews, latest time first.

    Paginated with `limit` and `cursor`.
    """
    return service.of_worker(call.user_id, limit=call.query.limit, cursor=call.query.cursor)


@route(bp, "/v1/worker/interviews/{interview_id}/accept", "POST", response=Interview)
def accept_interview(call: Call, interview_id: str) -> Interview:
    """Accept a requested interview.

    Only the worker asked (404 otherwise), once (409 when already decided); the customer is told.
    """
    return service.decide(call.user_id, interview_id, True, now=call.now)


@route(bp, "/v1/worker/interviews/{interview_id}/decline", "POST", response=Interview)
def decline_interview(call: Call, interview_id: str) -> Interview:
    """Decline a requested interview.

    Only the worker asked (404 otherwise), once (409 when already decided); the customer is told.
    """
    return service.decide(call.user_id, interview_id, False, now=call.now)
