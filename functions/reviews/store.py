"""Reviews' items in the one table (docs/access-patterns.md, "reviews"). Nothing else writes them, and no other
module spells their keys.

- review (the record, and the once-per-order-and-side guard): ORDER#{order} / REVIEW#{customer|worker}
- a worker's public list entry of a customer's review:         WORKER#{worker} / REVIEW#{created}#{order}
  (deleted when the review is hidden; the record keeps it, with the reason)
- a customer's rating by workers (ADD):                         CUSTRATING#{customer} / RATING
Credit's items (score, inputs, demerits, history, appeals) are in ``credit_store``.
"""

from __future__ import annotations

from functools import lru_cache

from common.db import Item, connection
from common.pagination import StorePage
from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite


@lru_cache(maxsize=1)
def tx_connection() -> Connection:
    return connection()


def transaction() -> TransactWrite:
    return TransactWrite(connection=tx_connection())


def worker_pk(worker_id: str) -> str:
    return f"WORKER#{worker_id}"


# --- reviews ------------------------------------------------------------------------------------------------


class ReviewItem(Item):
    """The review itself, one per order and side (``attribute_not_exists`` on ORDER#{order} / REVIEW#{side})."""

    id = UnicodeAttribute()
    order_id = UnicodeAttribute()
    side = UnicodeAttribute()
    worker_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    category_id = UnicodeAttribute(null=True)
    attitude = NumberAttribute(null=True)
    skill = NumberAttribute(null=True)
    quality = NumberAttribute(null=True)
    cooperation = NumberAttribute(null=True)
    environment = NumberAttribute(null=True)
    text = UnicodeAttribute(default="")
    media = JSONAttribute(default=list)
    anonymous = BooleanAttribute(default=False)
    author = UnicodeAttribute(null=True)  # the customer's nickname when written
    created_at = UnicodeAttribute()
    month = UnicodeAttribute()  # the credit month it was counted in
    list_sk = UnicodeAttribute(null=True)  # its public list entry (customers' reviews of workers)
    hidden = BooleanAttribute(default=False)
    hidden_reason = UnicodeAttribute(null=True)
    hidden_by = UnicodeAttribute(null=True)
    hidden_at = UnicodeAttribute(null=True)


class ListedReview(Item):
    """A worker's public list entry of one customer review: what the list shows, read without the record."""

    id = UnicodeAttribute()
    order_id = UnicodeAttribute()
    attitude = NumberAttribute()
    skill = NumberAttribute()
    quality = NumberAttribute()
    text = UnicodeAttribute(default="")
    media = JSONAttribute(default=list)
    author = UnicodeAttribute(null=True)  # None when anonymous
    anonymous = BooleanAttribute(default=False)
    created_at = UnicodeAttribute()


class CustomerRatingItem(Item):
    count = NumberAttribute(null=True)
    cooperation = NumberAttribute(null=True)  # sums of 1-5 scores
    environment = NumberAttribute(null=True)


def review_key(order_id: str, side: str) -> tuple[str, str]:
    return f"ORDER#{order_id}", f"REVIEW#{side}"


def list_sk(created_at: str, order_id: str) -> str:
    return f"REVIEW#{created_at}#{order_id}"


def customer_rating_key(customer_id: str) -> tuple[str, str]:
    return f"CUSTRATING#{customer_id}", "RATING"


def get_review(order_id: str, side: str, *, consistent: bool = False) -> ReviewItem | None:
    try:
        return ReviewItem.get(*review_key(order_id, side), consistent_read=consistent)
    except DoesNotExist:
        return None


def put_review(tx: TransactWrite, review: ReviewItem) -> None:
    """The record, once per order and side (the transaction's first operation)."""
    tx.save(review, condition=ReviewItem.PK.does_not_exist())


def put_listed(tx: TransactWrite, worker_id: str, review: ReviewItem) -> None:
    assert review.list_sk is not None
    entry = ListedReview(
        worker_pk(worker_id),
        review.list_sk,
        id=review.id,
        order_id=review.order_id,
        attitude=review.attitude,
        skill=review.skill,
        quality=review.quality,
        text=review.text,
        media=review.media,
        author=None if review.anonymous else review.author,
        anonymous=review.anonymous,
        created_at=review.created_at,
    )
    tx.save(entry)


def hide_review(tx: TransactWrite, review: ReviewItem, *, reason: str, by: str, at: str) -> None:
    """Mark the record hidden (once: the condition) and take its list entry out."""
    tx.update(
        ReviewItem(review.PK, review.SK),
        actions=[
            ReviewItem.hidden.set(True),
            ReviewItem.hidden_reason.set(reason),
            ReviewItem.hidden_by.set(by),
            ReviewItem.hidden_at.set(at),
        ],
        condition=ReviewItem.PK.exists()
        & (ReviewItem.hidden.does_not_exist() | (ReviewItem.hidden == False)),  # noqa: E712
    )
    if review.list_sk:
        tx.delete(ListedReview(worker_pk(review.worker_id), review.list_sk))


def listed_reviews(worker_id: str, limit: int, start: dict | None) -> StorePage[ListedReview]:
    result = ListedReview.query(
        worker_pk(worker_id),
        ListedReview.SK.startswith("REVIEW#"),
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=start,
    )
    return StorePage.of(result)


def add_customer_rating(
    tx: TransactWrite, customer_id: str, cooperation: int, environment: int, sign: int
) -> None:
    tx.update(
        CustomerRatingItem(*customer_rating_key(customer_id)),
        actions=[
            CustomerRatingItem.count.add(sign),
            CustomerRatingItem.cooperation.add(sign * cooperation),
            CustomerRatingItem.environment.add(sign * environment),
        ],
    )


class RatingOrReview(Item):
    """The customer's rating or a worker's review of them, as one BatchGetItem returns them together."""

    count = NumberAttribute(null=True)
    cooperation = NumberAttribute(null=True)
    environment = NumberAttribute(null=True)
    worker_id = UnicodeAttribute(null=True)
    hidden = BooleanAttribute(null=True)


def customer_rating_and_review(
    customer_id: str, order_id: str
) -> tuple[RatingOrReview | None, RatingOrReview | None]:
    """The customer's rating and the worker's review of this order, in one BatchGetItem."""
    rating_key, review = customer_rating_key(customer_id), review_key(order_id, "worker")
    found = {(i.PK, i.SK): i for i in RatingOrReview.batch_get([rating_key, review])}
    return found.get(rating_key), found.get(review)
