"""Marketing's steps in booking's quote pipeline (member, coupon, points) and its priority-booking provider.

Each step computes its line of the quote and adds its conditional writes to the order's own TransactWriteItems:
the coupon is held by the order only while it is available (of many racing orders one holds it), the points are
an ADD on the balance under ``balance ≥ points`` (racing spends never take it below zero), and a ``USE#{order}``
record says what the order holds, so the cancellation and payment reactions know what to give back or consume.
Giving back happens on the order events (``reactions``), not in ``release``: only the OrderCancelled event says
whether the order was paid and how much was refunded.
"""

from __future__ import annotations

import threading
from datetime import datetime

from common.clock import iso
from common.errors import CouponExpired, CouponUsed, DomainError, InsufficientPoints, NotFound
from common.money import percent_of
from common.settings import get_settings
from pynamodb.transactions import TransactWrite

from functions.booking.pricing import Line, PricedOrder, PricingContext
from functions.marketing import policy, rules, store, writes
from functions.marketing.coupons import terms_of
from functions.marketing.store import MemberItem, UseItem

_memo = threading.local()


def member_for(ctx: PricingContext) -> MemberItem | None:
    """The customer's member item, read once per quote (all three steps look at it)."""
    cached = getattr(_memo, "value", None)
    if cached is not None and cached[0] is ctx:
        return cached[1]
    item = store.get_member(ctx.customer_id)
    _memo.value = (ctx, item)
    return item


def tier_of(member: MemberItem | None) -> rules.TierRule:
    return policy.tier_rule(member.tier if member else "regular")


class MemberDiscount:
    """The tier's member price (会员价): ``discount_percent`` of the subtotal."""

    line: Line = "member_discount_fen"

    def discount(self, ctx: PricingContext, payable_fen: int) -> int:
        return percent_of(payable_fen, tier_of(member_for(ctx)).discount_percent)

    def reserve(self, tx: TransactWrite, ctx: PricingContext, order: PricedOrder) -> None:
        return None

    def release(self, order: PricedOrder) -> None:
        return None

    def refused(self, ctx: PricingContext, order: PricedOrder) -> DomainError | None:
        return None


class CouponDiscount:
    """The coupon line: the coupon's terms on what is left after the member price."""

    line: Line = "coupon_discount_fen"

    def discount(self, ctx: PricingContext, payable_fen: int) -> int:
        if not ctx.coupon_id:
            return 0
        coupon = store.get_coupon(ctx.customer_id, ctx.coupon_id)
        if coupon is None:
            raise NotFound("no such coupon")
        return rules.coupon_discount(
            terms_of(coupon),
            stored_status=coupon.status,
            category_id=ctx.category_id,
            payable_fen=payable_fen,
            now=ctx.now,
        )

    def reserve(self, tx: TransactWrite, ctx: PricingContext, order: PricedOrder) -> None:
        if not order.coupon_id and not order.points:
            return
        coupon_template = None
        if order.coupon_id:
            writes.hold_coupon(tx, order.customer_id, order.coupon_id, order.order_id, now=ctx.now)
            held = store.get_coupon(order.customer_id, order.coupon_id)
            coupon_template = held.template_id if held else None
        use = UseItem(
            *store.use_key(order.customer_id, order.order_id),
            order_id=order.order_id,
            customer_id=order.customer_id,
            coupon_id=order.coupon_id,
            coupon_discount_fen=order.price.coupon_discount_fen,
            template_id=coupon_template,
            points=order.points or 0,
            status="held",
            at=iso(ctx.now),
        )
        writes.put_use(tx, use)

    def release(self, order: PricedOrder) -> None:
        return None

    def refused(self, ctx: PricingContext, order: PricedOrder) -> DomainError | None:
        """Why the order's transaction was refused, if the coupon was the reason."""
        if not order.coupon_id:
            return None
        coupon = store.get_coupon(order.customer_id, order.coupon_id, consistent=True)
        if coupon is None:
            return NotFound("no such coupon")
        if coupon.status == "used" and coupon.order_id != order.order_id:
            return CouponUsed()
        status = rules.coupon_status(coupon.status, policy.parse_time(coupon.valid_until), ctx.now)
        return CouponExpired() if status == "expired" else None


class PointsDiscount:
    """The points line: 100 points (``points_per_yuan_redeemed``) pay one yuan, at most ``points_max_percent``
    of what is left to pay."""

    line: Line = "points_discount_fen"

    def discount(self, ctx: PricingContext, payable_fen: int) -> int:
        if not ctx.points:
            return 0
        member = member_for(ctx)
        s = get_settings()
        return rules.points_discount(
            ctx.points,
            balance=int(member.balance) if member else 0,
            payable_fen=payable_fen,
            max_percent=s.points_max_percent,
            points_per_yuan=s.points_per_yuan_redeemed,
        )

    def reserve(self, tx: TransactWrite, ctx: PricingContext, order: PricedOrder) -> None:
        if not order.points:
            return
        writes.change_points(
            tx,
            order.customer_id,
            -order.points,
            "checkout",
            ref=order.order_id,
            order_id=order.order_id,
            now=ctx.now,
        )
        writes.emit(
            tx,
            "PointsSpent",
            {
                "customer_id": order.customer_id,
                "points": order.points,
                "reason": "checkout",
                "order_id": order.order_id,
            },
            cause=f"points-spent:{order.order_id}",
            now=ctx.now,
        )

    def release(self, order: PricedOrder) -> None:
        return None

    def refused(self, ctx: PricingContext, order: PricedOrder) -> DomainError | None:
        if not order.points:
            return None
        member = store.get_member(order.customer_id, consistent=True)
        balance = int(member.balance) if member else 0
        return InsufficientPoints(f"you have {balance} points") if balance < order.points else None


def priority_for(customer_id: str, now: datetime) -> tuple[int, int]:
    """Priority booking of the customer's tier: (extra horizon days, extra candidates tried when matching)."""
    member = store.get_member(customer_id)
    rule = tier_of(member)
    return rule.priority_booking_days, rule.extra_candidates
