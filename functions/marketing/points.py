"""Points use cases (积分): the balance and history, daily sign-in (签到), shares, rewards (积分兑换), and the
yearly expiry. Every change is one transaction: the balance ADD (debits conditioned on covering them), the
history entry, the guard that makes it once (a day, a target, a redemption) and its event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from common import audit
from common.clock import business_tz, iso
from common.db import transact
from common.errors import AlreadySignedIn, CouponLimit, InsufficientPoints, NotFound, OutOfStock
from common.pagination import Page, decode_cursor, encode_cursor
from common.settings import get_settings
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from functions import catalog, workers
from functions.marketing import coupons, rules, store, writes
from functions.marketing.models import (
    Link,
    Points,
    PointsEntry,
    Redemption,
    Reward,
    RewardIn,
    Share,
    SignIn,
)
from functions.marketing.store import RedemptionItem, RewardItem, ShareItem, SignInItem

GUARD_TTL_DAYS = 400  # sign-in and share guards outlive the day they guard (streaks look one day back)


def _ttl(now: datetime) -> int:
    return int((now + timedelta(days=GUARD_TTL_DAYS)).timestamp())


def _cancelled(exc: TransactWriteError) -> bool:
    return exc.cause_response_code == "TransactionCanceledException"


def balance_of(customer_id: str, *, consistent: bool = False) -> int:
    member = store.get_member(customer_id, consistent=consistent)
    return int(member.balance) if member else 0


def my_points(customer_id: str, *, limit: int, cursor: str | None) -> Points:
    """The balance and the history, newest first."""
    start = decode_cursor(cursor, expect={"PK": store.member_pk(customer_id)})
    items, last = store.points_entries(customer_id, limit, start)
    entries = [PointsEntry(at=i.at, delta=int(i.delta), reason=i.reason, order_id=i.order_id) for i in items]
    return Points(balance=balance_of(customer_id), items=entries, next_cursor=encode_cursor(last))


def earn(
    tx: TransactWrite,
    customer_id: str,
    points: int,
    reason: str,
    *,
    ref: str,
    now: datetime,
    order_id: str | None = None,
    extra: list[Any] | None = None,
    sets_tier: bool = False,
) -> None:
    """Add earned points to ``tx``: the balance, the year's lot (it expires at the end of next year), the history
    and a PointsEarned event; ``extra`` member actions ride on the same update."""
    if points > 0:
        writes.change_points(
            tx,
            customer_id,
            points,
            reason,
            ref=ref,
            now=now,
            order_id=order_id,
            earned=True,
            earned_year=now.astimezone(business_tz()).year,
            extra=extra,
            sets_tier=sets_tier,
        )
        detail = {"customer_id": customer_id, "points": points, "reason": reason}
        if order_id:
            detail["order_id"] = order_id
        writes.emit(tx, "PointsEarned", detail, cause=f"points-earned:{customer_id}:{ref}", now=now)
    elif extra:
        tx.update(
            store.member(customer_id), actions=writes.member_ensured(customer_id, tier=not sets_tier) + extra
        )


def sign_in(customer_id: str, *, now: datetime) -> SignIn:
    """Today's sign-in: once a day (a conditional put of the day's guard), points growing with the streak."""
    s = get_settings()
    today = now.astimezone(business_tz()).date()
    yesterday = store.get_signin(customer_id, (today - timedelta(days=1)).isoformat())
    streak = rules.next_streak(int(yesterday.streak) if yesterday else None)
    points = rules.signin_reward(
        streak, base=s.signin_points, bonus=s.signin_streak_bonus, cap=s.signin_streak_bonus_cap
    )
    guard = SignInItem(
        *store.signin_key(customer_id, today.isoformat()), streak=streak, points=points, expires_at=_ttl(now)
    )
    try:

        def build(tx: TransactWrite) -> None:
            tx.save(guard, condition=SignInItem.PK.does_not_exist())
            earn(tx, customer_id, points, "sign_in", ref=f"signin-{today.isoformat()}", now=now)

        transact(build)
    except TransactWriteError as exc:
        if _cancelled(exc):
            raise AlreadySignedIn() from exc
        raise
    return SignIn(points=points, streak=streak, balance=balance_of(customer_id, consistent=True))


def _target(service_id: str | None, worker_id: str | None) -> tuple[str, str, str, str]:
    """(kind, id, query key, title) of a share target; NotFound for an unknown one."""
    if service_id:
        return "service", service_id, "service_id", catalog.get_service(service_id).name
    assert worker_id is not None
    profile = workers.get_public_profile(worker_id)
    return "worker", worker_id, "worker_id", f"{profile.name} · 家政服务"


def share_link(customer_id: str, *, service_id: str | None, worker_id: str | None) -> Link:
    """The mini-program page of a service or worker, with the customer's referral code in the query."""
    kind, target_id, key, title = _target(service_id, worker_id)
    page = get_settings().share_pages[kind]
    return Link(**rules.share_link(page, key, target_id, rules.referral_code(customer_id), title))


def share(customer_id: str, *, service_id: str | None, worker_id: str | None, now: datetime) -> Share:
    """A share: its link, and points once per target a day while under the day's cap (else 0 points)."""
    link = share_link(customer_id, service_id=service_id, worker_id=worker_id)
    s = get_settings()
    day = now.astimezone(business_tz()).date().isoformat()
    target = f"{'service' if service_id else 'worker'}:{service_id or worker_id}"
    points = s.share_points
    if points <= 0 or s.share_daily_cap <= 0:
        return Share(points=0, link=link)
    try:

        def build(tx: TransactWrite) -> None:
            tx.save(
                ShareItem(*store.share_key(customer_id, day, target), count=1, expires_at=_ttl(now)),
                condition=ShareItem.PK.does_not_exist(),
            )
            tx.update(
                ShareItem(*store.shares_count_key(customer_id, day)),
                actions=[ShareItem.count.add(1), ShareItem.expires_at.set(_ttl(now))],
                condition=ShareItem.count.does_not_exist() | (ShareItem.count < s.share_daily_cap),
            )
            earn(tx, customer_id, points, "share", ref=f"share-{day}-{target}", now=now)

        transact(build)
    except TransactWriteError as exc:
        if _cancelled(exc):
            return Share(points=0, link=link)  # shared that today already, or the day's cap is reached
        raise
    return Share(points=points, link=link)


# --- rewards (积分兑换) ----------------------------------------------------------------------------------------


def _reward(item: RewardItem) -> Reward:
    return Reward(
        id=item.id,
        name=item.name,
        kind=item.kind,  # type: ignore[arg-type]
        points_cost=int(item.points_cost),
        stock=int(item.stock),
        template_id=item.template_id,
    )


def create_reward(body: RewardIn, *, operator_id: str, now: datetime, new_id: Callable[[], str]) -> Reward:
    """A new reward, recorded in the audit trail with it."""
    if body.template_id:
        coupons.check_template_exists(body.template_id)
    reward_id = new_id()
    item = RewardItem(
        *store.reward_key(reward_id),
        id=reward_id,
        name=body.name,
        kind=body.kind,
        points_cost=body.points_cost,
        stock=body.stock,
        template_id=body.template_id,
        created_at=iso(now),
    )
    item.GSI1PK, item.GSI1SK = store.REWARDS, f"{item.created_at}#{reward_id}"
    details = {"name": body.name, "kind": body.kind, "points_cost": body.points_cost, "stock": body.stock}

    def build(tx: TransactWrite) -> None:
        tx.save(item, condition=RewardItem.PK.does_not_exist())
        audit.add(tx, operator_id, "reward.create", f"reward:{reward_id}", details, now)

    transact(build)
    return _reward(item)


def list_rewards(*, limit: int, cursor: str | None) -> Page[Reward]:
    items, last = store.rewards(limit, decode_cursor(cursor, expect={"GSI1PK": store.REWARDS}))
    return Page(items=[_reward(i) for i in items], next_cursor=encode_cursor(last))


def redeem(customer_id: str, reward_id: str, *, now: datetime, new_id: Callable[[], str]) -> Redemption:
    """Points for a reward, in one transaction: the reward's stock (ADD −1 under ``stock ≥ 1``), the balance
    (under ``balance ≥ cost``), the redemption and a PointsSpent event. A coupon reward's coupon follows (its
    template's stock and limits apply; if they refuse, the redemption stands without it)."""
    reward = store.get_reward(reward_id)
    if reward is None:
        raise NotFound("no such reward")
    cost = int(reward.points_cost)
    if balance_of(customer_id, consistent=True) < cost:
        raise InsufficientPoints(f"this reward costs {cost} points")
    redemption_id = new_id()
    try:

        def build(tx: TransactWrite) -> None:
            tx.update(
                RewardItem(*store.reward_key(reward_id)),
                actions=[RewardItem.stock.add(-1)],
                condition=RewardItem.stock >= 1,
            )
            writes.change_points(tx, customer_id, -cost, f"reward:{reward.name}", ref=redemption_id, now=now)
            tx.save(
                RedemptionItem(
                    *store.redemption_key(customer_id, redemption_id),
                    id=redemption_id,
                    reward_id=reward_id,
                    points=cost,
                    at=iso(now),
                ),
                condition=RedemptionItem.PK.does_not_exist(),
            )
            writes.emit(
                tx,
                "PointsSpent",
                {"customer_id": customer_id, "points": cost, "reason": "reward"},
                cause=f"points-spent:reward:{redemption_id}",
                now=now,
            )

        transact(build)
    except TransactWriteError as exc:
        if not _cancelled(exc):
            raise
        fresh = store.get_reward(reward_id)
        if fresh is None or int(fresh.stock) < 1:
            raise OutOfStock("this reward has run out") from exc
        raise InsufficientPoints(f"this reward costs {cost} points") from exc
    coupon_id = None
    if reward.kind == "coupon" and reward.template_id:
        template = store.get_template(reward.template_id)
        if template is not None:
            try:
                coupon_id = coupons.give(template, customer_id, redemption_id, "reward", now=now).id
            except (OutOfStock, CouponLimit):
                coupon_id = None
    return Redemption(
        id=redemption_id,
        reward_id=reward_id,
        points=cost,
        balance=balance_of(customer_id, consistent=True),
        coupon_id=coupon_id,
        at=iso(now),
    )


# --- expiry ----------------------------------------------------------------------------------------------------


def expire_due(*, now: datetime) -> dict[str, int]:
    """Points earned in a year expire at the end of the next (first in, first out): reads only the lots in the
    sparse index for the year that has ended, each once (a processed lot leaves the index)."""
    ended = now.astimezone(business_tz()).year - 1
    expired = 0
    for lot in store.lots_expiring(ended):
        customer_id, year = lot.customer_id, int(lot.year)
        member = store.get_member(customer_id, consistent=True)
        later = sum(int(x.earned) for x in store.lots_after(customer_id, year))
        amount = 0
        if member is not None:
            amount = rules.points_expiring(
                earned_through_year=int(member.earned_total) - later,
                consumed_total=int(member.consumed_total),
            )
            amount = min(amount, int(member.balance))
        try:

            def build(
                tx: TransactWrite,
                lot: Any = lot,
                amount: int = amount,
                customer_id: str = customer_id,
                year: int = year,
            ) -> None:
                tx.update(
                    lot,
                    actions=[store.PointsLotItem.GSI2PK.remove(), store.PointsLotItem.GSI2SK.remove()],
                    condition=store.PointsLotItem.GSI2PK.exists(),
                )
                if amount > 0:
                    writes.change_points(tx, customer_id, -amount, "expired", ref=f"expiry-{year}", now=now)

            transact(build)
        except TransactWriteError as exc:
            if _cancelled(exc):
                continue  # spent meanwhile: the next run finds it again only if still indexed
            raise
        expired += 1 if amount > 0 else 0
    return {"expired": expired}
