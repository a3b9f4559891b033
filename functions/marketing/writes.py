"""Marketing's writes, as operations added to a caller's TransactWriteItems (the order's, a consumer's, a route's),
so a change and the event announcing it commit together. Each operation's condition is what makes it safe under
races: stock and balances are ADDs conditioned on covering the debit; a coupon is held only while available.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from common import events
from common.clock import iso
from common.ids import derived_id
from pynamodb.transactions import TransactWrite

from functions.marketing import store
from functions.marketing.store import (
    ClaimsItem,
    CouponItem,
    MemberItem,
    PointsEntryItem,
    PointsLotItem,
    SpendItem,
    TemplateItem,
    UseItem,
)


def emit(tx: TransactWrite, detail_type: str, detail: dict[str, Any], *, cause: str, now: datetime) -> None:
    """The event in the same transaction as the change (the outbox); its id comes from the cause."""
    events.add(tx, detail_type, {**detail, "at": iso(now)}, event_id=derived_id(now, cause), now=now)


def member_ensured(customer_id: str, *, tier: bool = True) -> list[Any]:
    """Actions that give a member item created by an ADD its identity and its place in the tier index
    (``tier=False`` when the same update sets the tier itself)."""
    actions = [MemberItem.customer_id.set(customer_id), MemberItem.GSI3SK.set(customer_id)]
    if tier:
        actions += [
            MemberItem.tier.set(MemberItem.tier | "regular"),
            MemberItem.GSI3PK.set(MemberItem.GSI3PK | store.tier_partition("regular")),
        ]
    return actions


def change_points(
    tx: TransactWrite,
    customer_id: str,
    delta: int,
    reason: str,
    *,
    ref: str,
    now: datetime,
    order_id: str | None = None,
    earned: bool = False,
    earned_year: int | None = None,
    extra: list[Any] | None = None,
    sets_tier: bool = False,
) -> None:
    """Move a customer's points: the balance (a debit conditioned on the balance covering it, so racing spends
    can never take it below zero), the FIFO totals, a history entry, and for earnings the year's lot that the
    ``points-expiry`` job will find. ``extra`` actions go on the same member update (one operation per item in a
    transaction); ``sets_tier`` when they set the tier."""
    at = iso(now)
    actions = [
        *member_ensured(customer_id, tier=not sets_tier),
        MemberItem.balance.add(delta),
        *list(extra or []),
    ]
    if earned:
        actions.append(MemberItem.earned_total.add(delta))
    else:
        actions.append(MemberItem.consumed_total.add(-delta))
    condition = None
    if delta < 0:
        condition = MemberItem.balance.exists() & (MemberItem.balance >= -delta)
    tx.update(store.member(customer_id), actions=actions, condition=condition)
    entry = PointsEntryItem(
        *store.points_entry_key(customer_id, at, ref), at=at, delta=delta, reason=reason, order_id=order_id
    )
    tx.save(entry)
    if earned and earned_year is not None:
        lot = PointsLotItem(*store.points_lot_key(customer_id, earned_year))
        tx.update(
            lot,
            actions=[
                PointsLotItem.earned.add(delta),
                PointsLotItem.customer_id.set(customer_id),
                PointsLotItem.year.set(earned_year),
                PointsLotItem.GSI2PK.set(store.points_expiry_partition(earned_year + 1)),
                PointsLotItem.GSI2SK.set(customer_id),
            ],
        )


def put_coupon(tx: TransactWrite, coupon: CouponItem, expiry_day: str, *, now: datetime) -> None:
    coupon.GSI2PK = store.coupon_expiry_partition(expiry_day)
    coupon.GSI2SK = f"{coupon.customer_id}#{coupon.id}"
    tx.save(coupon, condition=CouponItem.PK.does_not_exist())
    emit(
        tx,
        "CouponIssued",
        {
            "coupon_id": coupon.id,
            "template_id": coupon.template_id,
            "customer_id": coupon.customer_id,
            "source": coupon.source,
        },
        cause=f"coupon-issued:{coupon.customer_id}:{coupon.id}",
        now=now,
    )


def take_stock(tx: TransactWrite, template_id: str, customer_id: str, per_user_limit: int) -> None:
    """One coupon of the template's stock (ADD −1 under ``remaining ≥ 1``) and one of the customer's
    allowance (ADD +1 under ``count < per_user_limit``)."""
    tx.update(
        TemplateItem(*store.template_key(template_id)),
        actions=[TemplateItem.remaining.add(-1), TemplateItem.issued.add(1)],
        condition=TemplateItem.remaining >= 1,
    )
    tx.update(
        ClaimsItem(*store.claims_key(customer_id, template_id)),
        actions=[ClaimsItem.count.add(1)],
        condition=ClaimsItem.count.does_not_exist() | (ClaimsItem.count < per_user_limit),
    )


def hold_coupon(tx: TransactWrite, customer_id: str, coupon_id: str, order_id: str, *, now: datetime) -> None:
    """The order takes the coupon: only while it is available and valid now (of many racing orders, one)."""
    at = iso(now)
    tx.update(
        CouponItem(*store.coupon_key(customer_id, coupon_id)),
        actions=[
            CouponItem.status.set("used"),
            CouponItem.order_id.set(order_id),
            CouponItem.GSI2PK.remove(),
            CouponItem.GSI2SK.remove(),
        ],
        condition=(CouponItem.status == "available")
        & (CouponItem.valid_until >= at)
        & (CouponItem.valid_from <= at),
    )


def put_use(tx: TransactWrite, use: UseItem) -> None:
    tx.save(use, condition=UseItem.PK.does_not_exist())


def release_coupon(
    tx: TransactWrite, coupon: CouponItem, order_id: str, *, expiry_day: str, expired: bool
) -> None:
    """The coupon comes back from a cancelled order: available again (in the expiry index), or expired if its
    time ran out meanwhile."""
    actions: list[Any] = [CouponItem.order_id.remove()]
    if expired:
        actions.append(CouponItem.status.set("expired"))
    else:
        actions += [
            CouponItem.status.set("available"),
            CouponItem.GSI2PK.set(store.coupon_expiry_partition(expiry_day)),
            CouponItem.GSI2SK.set(f"{coupon.customer_id}#{coupon.id}"),
        ]
    tx.update(
        coupon, actions=actions, condition=(CouponItem.status == "used") & (CouponItem.order_id == order_id)
    )


def set_use_status(tx: TransactWrite, use: UseItem, status: str, expected: str) -> None:
    tx.update(use, actions=[UseItem.status.set(status)], condition=UseItem.status == expected)


def coupon_consumed(tx: TransactWrite, coupon: CouponItem, order_id: str, *, now: datetime) -> None:
    tx.update(
        coupon,
        actions=[CouponItem.consumed_at.set(iso(now))],
        condition=(CouponItem.status == "used") & (CouponItem.order_id == order_id),
    )
    tx.update(TemplateItem(*store.template_key(coupon.template_id)), actions=[TemplateItem.used.add(1)])


def expire_coupon(tx: TransactWrite, coupon: CouponItem) -> None:
    tx.update(
        coupon,
        actions=[CouponItem.status.set("expired"), CouponItem.GSI2PK.remove(), CouponItem.GSI2SK.remove()],
        condition=CouponItem.status == "available",
    )


def add_spend(tx: TransactWrite, customer_id: str, day: str, amount_fen: int, drop_day: str) -> None:
    """A day's settled spend (ADD), indexed under the day it leaves the rolling window."""
    tx.update(
        SpendItem(*store.spend_key(customer_id, day)),
        actions=[
            SpendItem.spend_fen.add(amount_fen),
            SpendItem.customer_id.set(customer_id),
            SpendItem.day.set(day),
            SpendItem.GSI4PK.set(store.spend_drop_partition(drop_day)),
            SpendItem.GSI4SK.set(customer_id),
        ],
    )


def tier_actions(tier: str, spend_fen: int) -> list[Any]:
    return [
        MemberItem.tier.set(tier),
        MemberItem.spend_12m_fen.set(spend_fen),
        MemberItem.GSI3PK.set(store.tier_partition(tier)),
    ]


def remind_expiry(tx: TransactWrite, coupon: CouponItem, *, now: datetime) -> None:
    """Once per coupon: ask notifications to tell the customer the coupon ends soon."""
    tx.update(
        coupon,
        actions=[CouponItem.reminded.set(True)],
        condition=(CouponItem.status == "available")
        & (CouponItem.reminded.does_not_exist() | (CouponItem.reminded == False)),  # noqa: E712
    )
    emit(
        tx,
        "NotificationRequested",
        {
            "recipient_role": "customer",
            "user_id": coupon.customer_id,
            "kind": "coupon_expiring",
            "title": "优惠券即将过期",
            "body": f"您的优惠券「{coupon.name}」将于 {coupon.valid_until[:10]} 到期",
            "data": {"coupon_id": coupon.id, "valid_until": coupon.valid_until},
        },
        cause=f"coupon-reminder:{coupon.customer_id}:{coupon.id}",
        now=now,
    )
