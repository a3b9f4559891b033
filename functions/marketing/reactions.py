"""Marketing's reactions to other capabilities' events, each adding its writes to the consumer's transaction
(``consume_atomic``: the once-per-event guard commits with them, so a redelivered event changes nothing):

- UserRegistered (a customer's first login): the member item, the referral code and link, new-user coupons.
- OrderPaid: the order's coupon is consumed (CouponUsed).
- OrderCancelled: points come back; the coupon too if the order was never paid or was refunded in full.
- ComplaintResolved with a full refund: the same give-back.
- OrderCompleted: a referred newcomer's first completed order rewards both (once, by a guard item).
- OrderSettled: points on the settled spend (1 per yuan), the day's spend in the rolling window, the tier.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from common.clock import business_tz
from common.log import logger
from common.settings import get_settings
from pynamodb.transactions import TransactWrite

from functions.marketing import coupons, membership, points, policy, rules, store, writes

CONSUMER = "marketing"
EVENTS = (
    "UserRegistered",
    "OrderPaid",
    "OrderCancelled",
    "ComplaintResolved",
    "OrderCompleted",
    "OrderSettled",
)


class Event(Protocol):
    id: str
    type: str
    detail: dict[str, Any]


def on_event(e: Event, tx: TransactWrite, *, now: datetime) -> None:
    """Dispatch one event to its reaction (others are ignored)."""
    d = e.detail
    if e.type == "UserRegistered":
        if d.get("role") == "customer":
            membership.register(tx, d["user_id"], d.get("referral_code"), now=now)
            coupons.give_new_user_coupons(d["user_id"], now=now)  # own transactions, idempotent by coupon id
    elif e.type == "OrderPaid":
        consume_coupon(tx, d["customer_id"], d["order_id"], now=now)
    elif e.type == "OrderCancelled":
        back = rules.coupon_comes_back(
            d.get("previous_status"), int(d.get("refund_fen") or 0), int(d["total_fen"])
        )
        give_back(tx, d["customer_id"], d["order_id"], coupon=back, now=now)
    elif e.type == "ComplaintResolved":
        total = int(d["total_fen"])
        if total > 0 and int(d.get("refund_fen") or 0) >= total:
            give_back(tx, d["customer_id"], d["order_id"], coupon=True, now=now)
    elif e.type == "OrderCompleted":
        membership.reward_referral(tx, d["customer_id"], d["order_id"], now=now)
    elif e.type == "OrderSettled" and d.get("status") == "completed":
        settled(
            tx,
            d["customer_id"],
            d["order_id"],
            int(d["paid_fen"]) - int(d.get("refunded_fen") or 0),
            now=now,
        )


def consume_coupon(tx: TransactWrite, customer_id: str, order_id: str, *, now: datetime) -> None:
    """The order was paid: its coupon is consumed (counted used on its template) and CouponUsed is told."""
    use = store.get_use(customer_id, order_id)
    if use is None or use.status != "held":
        return
    writes.set_use_status(tx, use, "paid", "held")
    if use.coupon_id:
        coupon = store.get_coupon(customer_id, use.coupon_id, consistent=True)
        if coupon is not None and coupon.order_id == order_id:
            writes.coupon_consumed(tx, coupon, order_id, now=now)
            writes.emit(
                tx,
                "CouponUsed",
                {
                    "coupon_id": coupon.id,
                    "template_id": coupon.template_id,
                    "order_id": order_id,
                    "customer_id": customer_id,
                    "discount_fen": int(use.coupon_discount_fen or 0),
                },
                cause=f"coupon-used:{order_id}",
                now=now,
            )


def give_back(tx: TransactWrite, customer_id: str, order_id: str, *, coupon: bool, now: datetime) -> None:
    """Points the order spent come back; its coupon too when ``coupon`` (back to available, or expired if its
    time ran out meanwhile). Once per order (the USE record moves to ``released``)."""
    use = store.get_use(customer_id, order_id)
    if use is None or use.status == "released":
        return
    writes.set_use_status(tx, use, "released", use.status)
    if int(use.points or 0) > 0:
        writes.change_points(
            tx,
            customer_id,
            int(use.points),
            "order_cancelled",
            ref=f"back-{order_id}",
            order_id=order_id,
            now=now,
        )
    if coupon and use.coupon_id:
        item = store.get_coupon(customer_id, use.coupon_id, consistent=True)
        if item is not None and item.status == "used" and item.order_id == order_id:
            until = policy.parse_time(item.valid_until)
            writes.release_coupon(
                tx, item, order_id, expiry_day=rules.expiry_day(until, business_tz()), expired=now > until
            )
            writes.emit(
                tx,
                "CouponReleased",
                {"coupon_id": item.id, "order_id": order_id, "customer_id": customer_id},
                cause=f"coupon-released:{order_id}",
                now=now,
            )
    logger.info("order's discounts given back", extra={"order_id": order_id, "coupon": coupon})


def settled(tx: TransactWrite, customer_id: str, order_id: str, spend_fen: int, *, now: datetime) -> None:
    """A completed order was settled: its spend counts for the tier, and earns points."""
    if spend_fen <= 0:
        return
    s = get_settings()
    today = now.astimezone(business_tz()).date()
    drop = rules.leaves_window_on(today, s.tier_window_days)
    writes.add_spend(tx, customer_id, today.isoformat(), spend_fen, drop.isoformat())
    member = store.get_member(customer_id, consistent=True)
    rolling = membership.rolling_spend(customer_id, today, plus_fen=spend_fen)
    tier = membership.tier_change(tx, member, customer_id, rolling, now=now)
    earned = rules.points_for_spend(spend_fen, s.points_per_yuan)
    points.earn(
        tx,
        customer_id,
        earned,
        "order",
        ref=f"order-{order_id}",
        order_id=order_id,
        now=now,
        extra=tier,
        sets_tier=True,
    )
