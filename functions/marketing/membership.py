"""Membership (会员) and referral use cases: the tier by rolling settled spend, its benefits, the daily
recomputation for customers whose window loses spend, birthday perks, referral codes and rewards."""

from __future__ import annotations

from datetime import date, datetime

from common.clock import business_tz
from common.db import transact
from common.settings import get_settings
from pynamodb.transactions import TransactWrite

from functions import identity
from functions.marketing import coupons, policy, rules, store, writes
from functions.marketing.models import Benefits, Membership, NextTier, Referral
from functions.marketing.store import GuardItem, MemberItem, RefCodeItem


def benefits(rule: rules.TierRule) -> Benefits:
    return Benefits(
        discount_percent=rule.discount_percent,
        priority_booking_days=rule.priority_booking_days,
        exclusive_support=rule.exclusive_support,
        birthday_coupon=rule.birthday_coupon_fen > 0,
    )


def get_membership(customer_id: str) -> Membership:
    """The customer's tier, rolling 12-month settled spend, what the next tier needs, and the benefits."""
    member = store.get_member(customer_id)
    spend = int(member.spend_12m_fen) if member else 0
    rule = policy.tier_rule(member.tier if member else "regular")
    up = rules.next_tier(spend, policy.tiers())
    return Membership(
        tier=rule.tier,
        spend_12m_fen=spend,
        next_tier=NextTier(tier=up[0], spend_needed_fen=up[1]) if up else None,
        benefits=benefits(rule),
    )


def profile_flags(customer_id: str) -> dict[str, bool]:
    """What the customer's profile shows of the tier: exclusive support (专属客服)."""
    member = store.get_member(customer_id)
    return {"exclusive_support": policy.tier_rule(member.tier if member else "regular").exclusive_support}


def rolling_spend(customer_id: str, day: date, *, plus_fen: int = 0) -> int:
    """Settled spend over the window ending ``day`` (and ``plus_fen`` not yet written)."""
    first = rules.window_start(day, get_settings().tier_window_days)
    return store.spend_between(customer_id, first.isoformat(), day.isoformat()) + plus_fen


def tier_change(
    tx: TransactWrite, member: MemberItem | None, customer_id: str, spend_fen: int, *, now: datetime
) -> list:
    """The tier actions for a new rolling spend (to put on the member update), and a TierChanged event in ``tx``
    when the tier moves."""
    rule = rules.tier_for(spend_fen, policy.tiers())
    previous = member.tier if member else "regular"
    if rule.tier != previous:
        writes.emit(
            tx,
            "TierChanged",
            {"customer_id": customer_id, "tier": rule.tier, "previous_tier": previous},
            cause=f"tier:{customer_id}:{previous}:{rule.tier}:{policy.day_of(now)}",
            now=now,
        )
    return writes.tier_actions(rule.tier, spend_fen)


def recompute_tiers(*, now: datetime) -> dict[str, int]:
    """The daily job: only customers whose window drops a day of spend today (the sparse index) are read;
    each gets the rolling spend and tier of today."""
    today = now.astimezone(business_tz()).date()
    changed = 0
    for drop in store.customers_losing_spend(today.isoformat()):
        customer_id = drop.customer_id
        member = store.get_member(customer_id, consistent=True)
        spend = rolling_spend(customer_id, today)
        before = member.tier if member else "regular"

        def build(
            tx: TransactWrite,
            member: MemberItem | None = member,
            customer_id: str = customer_id,
            spend: int = spend,
        ) -> None:
            actions = tier_change(tx, member, customer_id, spend, now=now)
            tx.update(
                store.member(customer_id), actions=writes.member_ensured(customer_id, tier=False) + actions
            )

        transact(build)
        changed += rules.tier_for(spend, policy.tiers()).tier != before
    return {"changed": changed}


def birthday_perks(*, now: datetime) -> dict[str, int]:
    """The daily job: customers born on today's MM-DD (identity's sparse birthday index) get their tier's
    birthday coupon, once a year."""
    today = now.astimezone(business_tz()).date()
    issued = 0
    for key in rules.birthday_keys(today):
        for batch in identity.customers_born_on(key):
            members = store.get_members(batch)
            for customer_id in batch:
                member = members.get(customer_id)
                rule = policy.tier_rule(member.tier if member else "regular")
                issued += coupons.give_birthday_coupon(customer_id, rule, now=now)
    return {"issued": issued}


# --- referral (邀请) -------------------------------------------------------------------------------------------


def ensure_code(customer_id: str) -> str:
    """The customer's referral code, findable by code from now on."""
    code = rules.referral_code(customer_id)
    RefCodeItem(*store.refcode_key(code), customer_id=customer_id).save()
    return code


def get_referral(customer_id: str) -> Referral:
    """The code, how many newcomers it brought, how many of them completed a first order (both rewarded)."""
    code = rules.referral_code(customer_id)
    if store.owner_of_code(code) != customer_id:
        ensure_code(customer_id)
    member = store.get_member(customer_id)
    return Referral(
        code=code,
        invited=int(member.invited) if member else 0,
        rewarded=int(member.rewarded) if member else 0,
    )


def register(tx: TransactWrite, customer_id: str, referral_code: str | None, *, now: datetime) -> None:
    """A customer's first login (UserRegistered): the member item in the tier index, the referral code, and the
    link to the referrer whose code the newcomer came with (never oneself)."""
    ensure_code(customer_id)  # idempotent put: safe outside the event's transaction
    referrer = store.owner_of_code(referral_code) if referral_code else None
    actions = [
        *writes.member_ensured(customer_id),
        MemberItem.created_at.set(MemberItem.created_at | policy.day_of(now)),
    ]
    if referrer and referrer != customer_id:
        actions.append(MemberItem.referred_by.set(referrer))
        tx.update(
            store.member(referrer), actions=[*writes.member_ensured(referrer), MemberItem.invited.add(1)]
        )
    tx.update(store.member(customer_id), actions=actions)


def reward_referral(tx: TransactWrite, newcomer_id: str, order_id: str, *, now: datetime) -> bool:
    """The newcomer's first completed order rewards both, once (a guard item per newcomer)."""
    member = store.get_member(newcomer_id, consistent=True)
    if member is None or not member.referred_by:
        return False
    if store.referral_rewarded(newcomer_id):
        return False
    referrer = member.referred_by
    points = get_settings().referral_reward_points
    tx.save(
        GuardItem(*store.referral_guard_key(newcomer_id), at=policy.day_of(now), ref=order_id),
        condition=GuardItem.PK.does_not_exist(),
    )
    from functions.marketing.points import earn  # points sits above membership

    earn(
        tx,
        referrer,
        points,
        "referral",
        ref=f"referral-{newcomer_id}",
        now=now,
        extra=[MemberItem.rewarded.add(1)],
    )
    earn(tx, newcomer_id, points, "referred", ref=f"referred-{newcomer_id}", now=now)
    writes.emit(
        tx,
        "ReferralRewarded",
        {"referrer_id": referrer, "newcomer_id": newcomer_id},
        cause=f"referral:{newcomer_id}",
        now=now,
    )
    return True
