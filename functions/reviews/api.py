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
    """Rate the worker of a completed order.

    The customer of the order scores the worker's attitude, skill and quality (1-5 each), with an optional
    text, photos and `anonymous`; the review counts towards the worker's rating and credit. Only a `completed`
    order (else 409 `INVALID_TRANSITION`), once per order (again: 409 `ALREADY_REVIEWED`), within
    ``settings.review_window_days`` days of completion (later: 422 `REVIEW_WINDOW_CLOSED`). Another customer's
    order is 404.
    """
    return service.review_worker(call.user_id, order_id, call.body, now=call.now)


@route(bp, "/v1/worker/orders/{order_id}/review", "POST", body=WorkerReviewIn, response=Review, status=201)
def review_customer(call: Call, order_id: str) -> Review:
    """Rate the customer of a completed order.

    The worker assigned to the order scores the customer's cooperation and the home's environment (1-5 each),
    with an optional text; other workers see the average on their orders (`customer_rating`). The same rules
    as the customer's review: only a `completed` order (409 `INVALID_TRANSITION`), once (409
    `ALREADY_REVIEWED`), within ``settings.review_window_days`` days of completion (422
    `REVIEW_WINDOW_CLOSED`); an order not assigned to the caller is 404.
    """
    return service.review_customer(call.user_id, order_id, call.body, now=call.now)


@route(bp, "/v1/workers/{worker_id}/reviews", "GET", query=PageQuery, response=Page[ReviewPublic], auth=None)
def public_reviews(call: Call, worker_id: str) -> Page[ReviewPublic]:
    """A worker's reviews by customers.

    Anyone may read them, newest first, paginated with `limit` and `cursor`; hidden reviews are left out and
    an anonymous one shows no `customer`. A worker who is unknown or not yet verified is 404.
    """
    return service.public_reviews(worker_id, limit=call.query.limit, cursor=call.query.cursor)


@route(bp, "/v1/worker/reviews", "GET", query=PageQuery, response=Page[ReviewPublic])
def own_reviews(call: Call) -> Page[ReviewPublic]:
    """The customers' reviews of the calling worker.

    The caller's own, newest first, paginated with `limit` and `cursor`; hidden reviews are left out.
    """
    return service.own_reviews(call.user_id, limit=call.query.limit, cursor=call.query.cursor)


@route(bp, "/v1/admin/reviews/{review_id}/hide", "POST", body=HideIn, response=Review)
def hide_review(call: Call, review_id: str) -> Review:
    """Hide an abusive review.

    An operator takes the review out of the public lists, the rating aggregates and the credit inputs; it is
    kept, with the reason and who hid it. 404 for an unknown review, 409 `ALREADY_HIDDEN` for one hidden
    already.
    """
    return service.hide(review_id, call.body.reason, operator_id=call.user_id, now=call.now)


@route(bp, "/v1/worker/credit", "GET", query=HistoryQuery, response=CreditView)
def own_credit(call: Call) -> CreditView:
    """The calling worker's credit.

    The score, level and its effects (ranking weight, price multiplier, concurrent orders, commission, whether
    matchable), the reasons behind the score, and the history of changes newest first, paginated with `limit`
    (``settings.credit_history_page`` by default) and `cursor`. A new worker starts at
    ``settings.credit_start_score``.
    """
    return credit_service.credit_view(call.user_id, limit=call.query.limit, cursor=call.query.cursor)


@route(bp, "/v1/admin/workers/{worker_id}/credit", "GET", query=HistoryQuery, response=CreditView)
def worker_credit(call: Call, worker_id: str) -> CreditView:
    """A worker's credit, for operators.

    What the worker sees at `GET /v1/worker/credit`: score, level, effects, the reasons, and the history of
    changes newest first, paginated with `limit` (``settings.credit_history_page`` by default) and `cursor`.
    """
    return credit_service.credit_view(worker_id, limit=call.query.limit, cursor=call.query.cursor)


@route(
    bp, "/v1/admin/workers/{worker_id}/violations", "POST", body=ViolationIn, response=Violation, status=201
)
def record_violation(call: Call, worker_id: str) -> Violation:
    """Record a worker's violation.

    An operator records a `no_show`, `late`, `misconduct`, `fraud` or `other` violation, with a note and
    optionally the order; its points (``settings.credit_violation_points``) count against the credit from the
    next recalculation. A worker who is unknown or not verified is 404.
    """
    return credit_service.record_violation(worker_id, call.body, operator_id=call.user_id, now=call.now)


@route(bp, "/v1/worker/appeals", "POST", body=AppealIn, response=Appeal, status=201)
def file_appeal(call: Call) -> Appeal:
    """Appeal something that counts against my credit.

    The calling worker appeals their own violation, a complaint upheld against them, or a customer's review of
    them; it opens with status `open` for an operator to decide. Once per subject (again: 409
    `ALREADY_APPEALED`); a subject that is not the caller's is 404, a review hidden already 422
    `NOTHING_TO_APPEAL`.
    """
    return credit_service.file_appeal(call.user_id, call.body, now=call.now)


@route(bp, "/v1/admin/appeals", "GET", query=AppealsQuery, response=Page[Appeal])
def list_appeals(call: Call) -> Page[Appeal]:
    """Appeals awaiting or past a decision.

    For operators: the appeals in one `status` (`open` by default, `upheld`, `rejected`), oldest first,
    paginated with `limit` and `cursor`.
    """
    return credit_service.list_appeals(call.query)


@route(bp, "/v1/admin/appeals/{appeal_id}/decide", "POST", body=DecideIn, response=Appeal)
def decide_appeal(call: Call, appeal_id: str) -> Appeal:
    """Decide an appeal.

    An operator upholds or rejects an open appeal, with a note. An upheld one takes its subject's effect off
    the credit score at the next recalculation: a review is hidden, a violation or complaint stops counting.
    404 for an unknown appeal, 409 `ALREADY_DECIDED` for one decided already.
    """
    return credit_service.decide_appeal(
        appeal_id, call.body.upheld, call.body.note, operator_id=call.user_id, now=call.now
    )
