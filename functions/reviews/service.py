"""Review use cases: a customer reviews the worker, a worker reviews the customer, the lists, an operator hides a
review, the customer's rating on the worker's view of an order.

A review is one TransactWriteItems: its record on the order (``attribute_not_exists``: one per order and side, so
of racing submissions exactly one commits), its public list entry, the rating counters (ADD, workers'
``record_rating`` inside our transaction), the worker's credit inputs for the month (ADD) and the dirty mark.
Hiding is the same writes taken back, once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from common import audit, events
from common.clock import business_tz, iso
from common.db import cancellation_reasons, transact
from common.errors import AlreadyReviewed, Conflict, InvalidTransition, NotFound
from common.ids import derived_id
from common.pagination import Page, decode_cursor, encode_cursor
from common.settings import get_settings
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from functions import booking, identity, workers
from functions.reviews import credit_store, rules, store
from functions.reviews.credit import month_of
from functions.reviews.models import (
    CustomerReviewIn,
    Review,
    ReviewAuthor,
    ReviewPublic,
    WorkerReviewIn,
)

CONFLICT_RETRIES = 8  # reviews and consumers touch the same counters at once: DynamoDB cancels, we retry


def submitted(tx: TransactWrite, item: store.ReviewItem, now: datetime) -> None:
    """``ReviewSubmitted`` with the review; for a customer's review, the worker is told (``NotificationRequested``)."""
    scores = ("attitude", "skill", "quality") if item.side == "customer" else ("cooperation", "environment")
    detail = {
        "review_id": item.id,
        "order_id": item.order_id,
        "side": item.side,
        "worker_id": item.worker_id,
        "customer_id": item.customer_id,
        "category_id": item.category_id,
        **{name: getattr(item, name) for name in scores},
        "at": item.created_at,
    }
    if item.side == "customer":
        detail["overall"] = round((item.attitude + item.skill + item.quality) / 3, 2)
    events.add(tx, "ReviewSubmitted", detail, event_id=derived_id(now, f"ReviewSubmitted:{item.id}"), now=now)
    if item.side == "customer":
        notice = {
            "recipient_role": "worker",
            "user_id": item.worker_id,
            "kind": "new_review",
            "title": "收到新评价",
            "body": f"客户给了您{detail['overall']:.1f}分的评价",
            "data": {"review_id": item.id, "order_id": item.order_id},
            "at": item.created_at,
        }
        events.add(
            tx, "NotificationRequested", notice, event_id=derived_id(now, f"review-notice:{item.id}"), now=now
        )


def commit(
    write: Callable[[TransactWrite], None], *, first: Callable[[str], Exception], message: str
) -> None:
    """Run ``write`` in one transaction; ``first`` when its first operation's condition failed; retried while
    DynamoDB cancels it only for a concurrent transaction on the same items (``common.db.retry_conflicts``)."""
    try:
        transact(write, retries=CONFLICT_RETRIES)
    except TransactWriteError as exc:
        reasons = cancellation_reasons(exc)
        if reasons and reasons[0] == "ConditionalCheckFailed":
            raise first(message) from exc
        if reasons:
            raise Conflict("the review changed meanwhile; try again") from exc
        raise


def _month(now: datetime) -> str:
    return month_of(now.astimezone(business_tz()))


def _window() -> timedelta:
    return timedelta(days=get_settings().review_window_days)


def mark(
    tx: TransactWrite, worker_id: str, at: str, cause: tuple[str, str | None], since: str | None = None
) -> None:
    """Mark the worker's credit for the next recalculation."""
    shard = rules.dirty_shard(worker_id, get_settings().credit_dirty_shards)
    credit_store.mark_dirty(tx, worker_id, shard=shard, at=at, cause=cause, since=since)


def to_review(item: store.ReviewItem) -> Review:
    return Review.model_validate(
        {
            name: getattr(item, name, None)
            for name in Review.model_fields
            if getattr(item, name, None) is not None
        }
    )


# --- writing ------------------------------------------------------------------------------------------------


def review_worker(customer_id: str, order_id: str, body: CustomerReviewIn, *, now: datetime) -> Review:
    """The customer rates the worker of a completed order of theirs, once, within the review window."""
    order = booking.get_order_for_review(order_id)
    if order.customer_id != customer_id:
        raise NotFound("no such order")
    rules.check_reviewable(order.status, order.completed_at, now=now, window=_window())
    if order.worker_id is None:
        raise InvalidTransition("the order has no worker to review")
    worker_id, at = order.worker_id, iso(now)
    item = store.ReviewItem(
        *store.review_key(order_id, "customer"),
        id=rules.review_id(order_id, "customer"),
        order_id=order_id,
        side="customer",
        worker_id=worker_id,
        customer_id=customer_id,
        category_id=order.category_id,
        attitude=body.attitude,
        skill=body.skill,
        quality=body.quality,
        text=body.text,
        media=list(body.media),
        anonymous=body.anonymous,
        author=identity.nickname_of(customer_id),
        created_at=at,
        month=_month(now),
        list_sk=store.list_sk(at, order_id),
    )

    def write(tx: TransactWrite) -> None:
        store.put_review(tx, item)
        store.put_listed(tx, worker_id, item)
        workers.record_rating(
            worker_id, attitude=body.attitude, skill=body.skill, quality=body.quality, tx=tx
        )
        points = body.attitude + body.skill + body.quality
        credit_store.add_tally(tx, worker_id, item.month, reviews=1, review_points=points)
        mark(tx, worker_id, at, ("review", item.id))
        submitted(tx, item, now)

    commit(write, first=AlreadyReviewed, message="you have already reviewed this order")
    workers.refresh_rating(worker_id)
    return to_review(item)


def review_customer(worker_id: str, order_id: str, body: WorkerReviewIn, *, now: datetime) -> Review:
    """The worker rates the customer of a completed order assigned to them, once, within the review window."""
    order = booking.get_order_for_review(order_id)
    if order.worker_id != worker_id:
        raise NotFound("no such order")
    rules.check_reviewable(order.status, order.completed_at, now=now, window=_window())
    item = store.ReviewItem(
        *store.review_key(order_id, "worker"),
        id=rules.review_id(order_id, "worker"),
        order_id=order_id,
        side="worker",
        worker_id=worker_id,
        customer_id=order.customer_id,
        category_id=order.category_id,
        cooperation=body.cooperation,
        environment=body.environment,
        text=body.text,
        created_at=iso(now),
        month=_month(now),
    )

    def write(tx: TransactWrite) -> None:
        store.put_review(tx, item)
        store.add_customer_rating(tx, order.customer_id, body.cooperation, body.environment, 1)
        submitted(tx, item, now)

    commit(write, first=AlreadyReviewed, message="you have already reviewed this order")
    return to_review(item)


def take_back(tx: TransactWrite, review: store.ReviewItem, *, reason: str, by: str, now: datetime) -> None:
    """Hide a review in ``tx``: out of the list, the rating and the credit inputs, kept with the reason;
    ``ReviewHidden`` with it."""
    at = iso(now)
    store.hide_review(tx, review, reason=reason, by=by, at=at)
    detail = {"review_id": review.id, "worker_id": review.worker_id, "at": at}
    events.add(tx, "ReviewHidden", detail, event_id=derived_id(now, f"ReviewHidden:{review.id}"), now=now)
    if review.side == "customer":
        scores = {
            "attitude": int(review.attitude),
            "skill": int(review.skill),
            "quality": int(review.quality),
        }
        workers.record_rating(review.worker_id, **scores, tx=tx, remove=True)
        credit_store.add_tally(
            tx, review.worker_id, review.month, reviews=-1, review_points=-sum(scores.values())
        )
        mark(tx, review.worker_id, at, ("review", review.id))
    else:
        store.add_customer_rating(
            tx, review.customer_id, int(review.cooperation), int(review.environment), -1
        )


def find_review(review_id: str) -> store.ReviewItem:
    order_id, side = rules.parse_review_id(review_id)
    item = store.get_review(order_id, side, consistent=True)
    if item is None:
        raise NotFound("no such review")
    return item


def hide(review_id: str, reason: str, *, operator_id: str, now: datetime) -> Review:
    """An operator hides an abusive review: gone from the lists and the aggregates, kept with the reason;
    recorded in the audit trail."""
    item = find_review(review_id)
    if item.hidden:
        raise Conflict("the review is already hidden", code="ALREADY_HIDDEN")

    def write(tx: TransactWrite) -> None:
        take_back(tx, item, reason=reason, by=operator_id, now=now)
        audit.add(tx, operator_id, "review.hide", f"review:{review_id}", {"reason": reason}, now)

    commit(write, first=Conflict, message="the review is already hidden")
    if item.side == "customer":
        workers.refresh_rating(item.worker_id)
    return to_review(find_review(review_id))


# --- reading ------------------------------------------------------------------------------------------------


def _page(worker_id: str, limit: int, cursor: str | None) -> Page[ReviewPublic]:
    start = decode_cursor(cursor, expect={"PK": store.worker_pk(worker_id)})
    page = store.listed_reviews(worker_id, limit, start)
    items, last = page.items, page.last_key
    reviews = [
        ReviewPublic(
            id=i.id,
            attitude=int(i.attitude),
            skill=int(i.skill),
            quality=int(i.quality),
            text=i.text or "",
            media=list(i.media or []),
            customer=None if i.anonymous else ReviewAuthor(nickname=i.author),
            created_at=i.created_at,
        )
        for i in items
    ]
    return Page[ReviewPublic](items=reviews, next_cursor=encode_cursor(last))


def public_reviews(worker_id: str, *, limit: int, cursor: str | None) -> Page[ReviewPublic]:
    """A verified worker's reviews by customers, newest first, hidden ones left out (NotFound for others)."""
    workers.ensure_public(worker_id)
    return _page(worker_id, limit, cursor)


def own_reviews(worker_id: str, *, limit: int, cursor: str | None) -> Page[ReviewPublic]:
    """The customers' reviews of this worker, newest first."""
    return _page(worker_id, limit, cursor)


def customer_rating(customer_id: str, worker_id: str, order_id: str) -> booking.CustomerRating:
    """How other workers rated the customer: the aggregate less this worker's own review of this order."""
    rating, own = store.customer_rating_and_review(customer_id, order_id)
    count = int(rating.count or 0) if rating else 0
    cooperation = float(rating.cooperation or 0) if rating else 0.0
    environment = float(rating.environment or 0) if rating else 0.0
    if own is not None and own.worker_id == worker_id and not own.hidden and count > 0:
        count, cooperation, environment = (
            count - 1,
            cooperation - float(own.cooperation or 0),
            environment - float(own.environment or 0),
        )
    return booking.CustomerRating(
        count=count,
        cooperation=rules.average(cooperation, count),
        environment=rules.average(environment, count),
    )
