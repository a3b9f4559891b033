"""Reviews and credit routes (API.md "Reviews and credit"): two-way reviews, the lists, hiding; the credit view,
violations, appeals and their decisions."""

from __future__ import annotations

from chalice import Blueprint
from common.api import Call, route
from common.pagination import Page, PageQuery

from functions.reviews import credit_service, service
from functions.reviews.models import (
    Appeal,
    AppealIn,
    AppealsQuery,
    CreditView,
    CustomerReviewIn,
    DecideIn,
    HideIn,
    HistoryQuery,
    Review,
    ReviewPublic,
    Violation,
    ViolationIn,
    WorkerReviewIn,
)

bp = Blueprint(__name__)


@route(
    bp,
    "/v1/orders/{order_id}/review",
    "POST",
    body=CustomerReviewIn,
    response=Review,
    status=201,
    auth="customer",
)
def review_worker(call: Call, order_id: str) -> Review:
    """Rate the worker of a completed order (once, within the review window)."""
    return service.review_worker(call.user_id, order_id, call.body, now=call.now)


@route(bp, "/v1/worker/orders/{order_id}/review", "POST", body=WorkerReviewIn, response=Review, status=201)
def review_customer(call: Call, order_id: str) -> Review:
    """Rate the customer of a completed order (once, within the review window)."""
    return service.review_customer(call.user_id, order_id, call.body, now=call.now)


@route(bp, "/v1/workers/{worker_id}/reviews", "GET", query=PageQuery, response=Page[ReviewPublic], auth=None)
def public_reviews(call: Call, worker_id: str) -> Page[ReviewPublic]:
    """Customers' reviews of a worker, newest first; hidden ones are left out."""
    return service.public_reviews(worker_id, limit=call.query.limit, cursor=call.query.cursor)


@route(bp, "/v1/worker/reviews", "GET", query=PageQuery, response=Page[ReviewPublic])
def own_reviews(call: Call) -> Page[ReviewPublic]:
    """The customers' reviews of me, newest first."""
    return service.own_reviews(call.user_id, limit=call.query.limit, cursor=call.query.cursor)


@route(bp, "/v1/admin/reviews/{review_id}/hide", "POST", body=HideIn, response=Review)
def hide_review(call: Call, review_id: str) -> Review:
    """Hide an abusive review: out of the lists and the rating, kept with the reason."""
    return service.hide(review_id, call.body.reason, operator_id=call.user_id, now=call.now)


@route(bp, "/v1/worker/credit", "GET", query=HistoryQuery, response=CreditView)
def own_credit(call: Call) -> CreditView:
    """My credit score, level, its effects, why, and every change."""
    return credit_service.credit_view(call.user_id, limit=call.query.limit, cursor=call.query.cursor)


@route(bp, "/v1/admin/workers/{worker_id}/credit", "GET", query=HistoryQuery, response=CreditView)
def worker_credit(call: Call, worker_id: str) -> CreditView:
    """A worker's credit score, level, effects, reasons and history."""
    return credit_service.credit_view(worker_id, limit=call.query.limit, cursor=call.query.cursor)


@route(
    bp, "/v1/admin/workers/{worker_id}/violations", "POST", body=ViolationIn, response=Violation, status=201
)
def record_violation(call: Call, worker_id: str) -> Violation:
    """Record a violation; it counts against the credit from the next recalculation."""
    return credit_service.record_violation(worker_id, call.body, operator_id=call.user_id, now=call.now)


@route(bp, "/v1/worker/appeals", "POST", body=AppealIn, response=Appeal, status=201)
def file_appeal(call: Call) -> Appeal:
    """Appeal a violation, an upheld complaint or a review (once per subject)."""
    return credit_service.file_appeal(call.user_id, call.body, now=call.now)


@route(bp, "/v1/admin/appeals", "GET", query=AppealsQuery, response=Page[Appeal])
def list_appeals(call: Call) -> Page[Appeal]:
    """Appeals in one status (open by default), oldest first."""
    return credit_service.list_appeals(call.query)


@route(bp, "/v1/admin/appeals/{appeal_id}/decide", "POST", body=DecideIn, response=Appeal)
def decide_appeal(call: Call, appeal_id: str) -> Appeal:
    """Decide an appeal; an upheld one takes its subject's effect off the credit score."""
    return credit_service.decide_appeal(
        appeal_id, call.body.upheld, call.body.note, operator_id=call.user_id, now=call.now
    )
