"""Marketing's items in the one table (docs/access-patterns.md). Nothing else writes them; the key strings are
spelled only here. A customer's marketing items share one partition, ``MEMBER#{customer}``:

- member:        MEMBER#{c} / PROFILE        tier, rolling spend, points balance and totals, referral;
                 GSI3 TIER#{tier} / {c}      (segments: ``all`` is the four tier partitions; never a Scan)
- coupon:        MEMBER#{c} / COUPON#{id}    GSI2 COUPONEXP#{expiry date} / {c}#{id} while available (sparse)
- claims:        MEMBER#{c} / CLAIMS#{template}   how many of a template the customer holds (per-user limit)
- order use:     MEMBER#{c} / USE#{order}    the coupon and points an order holds (given back from here)
- points entry:  MEMBER#{c} / PTS#{at}#{ref} the points history, newest first
- points lot:    MEMBER#{c} / PEXP#{year}    points earned in a year; GSI2 POINTSEXP#{year + 1} / {c} (sparse)
- sign-in:       MEMBER#{c} / SIGNIN#{date}  once a day (TTL)
- shares:        MEMBER#{c} / SHARE#{date}#{target}, SHARES#{date} (count)   once per target, capped (TTL)
- spend:         MEMBER#{c} / SPEND#{date}   settled spend of a day; GSI4 SPENDDROP#{date + window} / {c} (sparse)
- referral:      REFCODE#{code} / REFCODE    the code's owner; MEMBER#{c} / REFERRAL_REWARD (once per newcomer)
- template:      COUPONTPL#{id} / TEMPLATE   stock counters; GSI1 COUPONTPLS / {created}#{id}
- reward:        REWARD#{id} / REWARD        stock; GSI1 REWARDS / {created}#{id}
- redemption:    MEMBER#{c} / REDEEM#{id}
"""

from __future__ import annotations

from collections.abc import Iterator

from common.db import Item, connection
from common.table import GSI1, GSI2, GSI3, GSI4
from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.transactions import TransactWrite


def member_pk(customer_id: str) -> str:
    return f"MEMBER#{customer_id}"


class MemberItem(Item):
    by_tier = GSI3()

    customer_id = UnicodeAttribute()
    tier = UnicodeAttribute(default="regular")
    spend_12m_fen = NumberAttribute(default=0)
    balance = NumberAttribute(default=0)  # points; every debit is conditioned on it covering the debit
    earned_total = NumberAttribute(default=0)  # points ever earned
    consumed_total = NumberAttribute(default=0)  # spent + expired − given back (first in, first out)
    referred_by = UnicodeAttribute(null=True)
    invited = NumberAttribute(default=0)
    rewarded = NumberAttribute(default=0)
    created_at = UnicodeAttribute(null=True)


class CouponItem(Item):
    by_expiry = GSI2()

    id = UnicodeAttribute()
    template_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    name = UnicodeAttribute()
    kind = UnicodeAttribute()
    discount_fen = NumberAttribute(null=True)
    percent_off = NumberAttribute(null=True)
    max_discount_fen = NumberAttribute(null=True)
    threshold_fen = NumberAttribute(default=0)
    category_ids = ListAttribute(of=UnicodeAttribute, default=list)
    valid_from = UnicodeAttribute()
    valid_until = UnicodeAttribute()
    status = UnicodeAttribute()  # available | used (held by order_id) | expired
    order_id = UnicodeAttribute(null=True)
    source = UnicodeAttribute()
    issued_at = UnicodeAttribute()
    consumed_at = UnicodeAttribute(null=True)  # the holding order was paid
    reminded = BooleanAttribute(default=False)


class ClaimsItem(Item):
    count = NumberAttribute(default=0)


class UseItem(Item):
    order_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    coupon_id = UnicodeAttribute(null=True)
    coupon_discount_fen = NumberAttribute(default=0)
    template_id = UnicodeAttribute(null=True)
    points = NumberAttribute(default=0)
    status = UnicodeAttribute()  # held | paid | released
    at = UnicodeAttribute()


class PointsEntryItem(Item):
    at = UnicodeAttribute()
    delta = NumberAttribute()
    reason = UnicodeAttribute()
    order_id = UnicodeAttribute(null=True)


class PointsLotItem(Item):
    by_expiry = GSI2()

    customer_id = UnicodeAttribute()
    year = NumberAttribute()
    earned = NumberAttribute(default=0)


class SignInItem(Item):
    streak = NumberAttribute()
    points = NumberAttribute()
    expires_at = NumberAttribute(null=True)


class ShareItem(Item):
    count = NumberAttribute(default=0)
    expires_at = NumberAttribute(null=True)


class SpendItem(Item):
    by_drop = GSI4()

    customer_id = UnicodeAttribute()
    day = UnicodeAttribute()
    spend_fen = NumberAttribute(default=0)


class RefCodeItem(Item):
    customer_id = UnicodeAttribute()


class GuardItem(Item):
    at = UnicodeAttribute()
    ref = UnicodeAttribute(null=True)


class TemplateItem(Item):
    listing = GSI1()

    id = UnicodeAttribute()
    name = UnicodeAttribute()
    kind = UnicodeAttribute()
    discount_fen = NumberAttribute(null=True)
    percent_off = NumberAttribute(null=True)
    max_discount_fen = NumberAttribute(null=True)
    threshold_fen = NumberAttribute(default=0)
    valid_from = UnicodeAttribute()
    valid_until = UnicodeAttribute(null=True)
    valid_days = NumberAttribute(null=True)
    total = NumberAttribute()
    per_user_limit = NumberAttribute()
    category_ids = ListAttribute(of=UnicodeAttribute, default=list)
    remaining = NumberAttribute()  # ADD −1 under the condition remaining ≥ 1: never oversold
    issued = NumberAttribute(default=0)
    used = NumberAttribute(default=0)
    created_at = UnicodeAttribute()


class RewardItem(Item):
    listing = GSI1()

    id = UnicodeAttribute()
    name = UnicodeAttribute()
    kind = UnicodeAttribute()
    points_cost = NumberAttribute()
    stock = NumberAttribute()
    template_id = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()


class RedemptionItem(Item):
    id = UnicodeAttribute()
    reward_id = UnicodeAttribute()
    points = NumberAttribute()
    coupon_id = UnicodeAttribute(null=True)
    at = UnicodeAttribute()


# --- keys ----------------------------------------------------------------------------------------------------

PROFILE = "PROFILE"
TEMPLATES = "COUPONTPLS"
REWARDS = "REWARDS"


def member(customer_id: str) -> MemberItem:
    """A member item to update (created by the first ADD if it was missing)."""
    return MemberItem(member_pk(customer_id), PROFILE)


def coupon_key(customer_id: str, coupon_id: str) -> tuple[str, str]:
    return member_pk(customer_id), f"COUPON#{coupon_id}"


def coupon_expiry_partition(day: str) -> str:
    return f"COUPONEXP#{day}"


def claims_key(customer_id: str, template_id: str) -> tuple[str, str]:
    return member_pk(customer_id), f"CLAIMS#{template_id}"


def use_key(customer_id: str, order_id: str) -> tuple[str, str]:
    return member_pk(customer_id), f"USE#{order_id}"


def points_entry_key(customer_id: str, at: str, ref: str) -> tuple[str, str]:
    return member_pk(customer_id), f"PTS#{at}#{ref}"


def points_lot_key(customer_id: str, year: int) -> tuple[str, str]:
    return member_pk(customer_id), f"PEXP#{year}"


def points_expiry_partition(year: int) -> str:
    return f"POINTSEXP#{year}"


def signin_key(customer_id: str, day: str) -> tuple[str, str]:
    return member_pk(customer_id), f"SIGNIN#{day}"


def share_key(customer_id: str, day: str, target: str) -> tuple[str, str]:
    return member_pk(customer_id), f"SHARE#{day}#{target}"


def shares_count_key(customer_id: str, day: str) -> tuple[str, str]:
    return member_pk(customer_id), f"SHARES#{day}"


def spend_key(customer_id: str, day: str) -> tuple[str, str]:
    return member_pk(customer_id), f"SPEND#{day}"


def spend_drop_partition(day: str) -> str:
    return f"SPENDDROP#{day}"


def refcode_key(code: str) -> tuple[str, str]:
    return f"REFCODE#{code}", "REFCODE"


def referral_guard_key(newcomer_id: str) -> tuple[str, str]:
    return member_pk(newcomer_id), "REFERRAL_REWARD"


def template_key(template_id: str) -> tuple[str, str]:
    return f"COUPONTPL#{template_id}", "TEMPLATE"


def reward_key(reward_id: str) -> tuple[str, str]:
    return f"REWARD#{reward_id}", "REWARD"


def redemption_key(customer_id: str, redemption_id: str) -> tuple[str, str]:
    return member_pk(customer_id), f"REDEEM#{redemption_id}"


def tier_partition(tier: str) -> str:
    return f"TIER#{tier}"


# --- reads ---------------------------------------------------------------------------------------------------


def get_member(customer_id: str, *, consistent: bool = False) -> MemberItem | None:
    return MemberItem.find(member_pk(customer_id), PROFILE, consistent=consistent)


def get_members(customer_ids: list[str]) -> dict[str, MemberItem]:
    """Members by customer id, in BatchGetItems (missing ones are left out)."""
    keys = [(member_pk(c), PROFILE) for c in dict.fromkeys(customer_ids)]
    return {m.customer_id: m for m in MemberItem.batch_get(keys)} if keys else {}


def get_coupon(customer_id: str, coupon_id: str, *, consistent: bool = False) -> CouponItem | None:
    return CouponItem.find(*coupon_key(customer_id, coupon_id), consistent=consistent)


def coupons_of(
    customer_id: str, limit: int, start: dict | None, status: str | None
) -> tuple[list, dict | None]:
    result = CouponItem.query(
        member_pk(customer_id),
        CouponItem.SK.startswith("COUPON#"),
        filter_condition=(CouponItem.status == status) if status else None,
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=start,
    )
    return list(result), result.last_evaluated_key


def coupons_expiring(day: str) -> Iterator[CouponItem]:
    """The available coupons whose validity ends on ``day`` (the sparse expiry index; nothing else)."""
    return CouponItem.by_expiry.query(coupon_expiry_partition(day))


def get_use(customer_id: str, order_id: str) -> UseItem | None:
    return UseItem.find(*use_key(customer_id, order_id), consistent=True)


def points_entries(customer_id: str, limit: int, start: dict | None) -> tuple[list, dict | None]:
    result = PointsEntryItem.query(
        member_pk(customer_id),
        PointsEntryItem.SK.startswith("PTS#"),
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=start,
    )
    return list(result), result.last_evaluated_key


def lots_expiring(year: int) -> Iterator[PointsLotItem]:
    """Points lots earned in ``year - 1`` not yet expired (the sparse index)."""
    return PointsLotItem.by_expiry.query(points_expiry_partition(year))


def lots_after(customer_id: str, year: int) -> list[PointsLotItem]:
    """A customer's points lots of years after ``year`` (at most two: this year and last)."""
    return list(
        PointsLotItem.query(
            member_pk(customer_id),
            PointsLotItem.SK.between(f"PEXP#{year + 1}", "PEXP#9999"),
            consistent_read=True,
        )
    )


def get_signin(customer_id: str, day: str) -> SignInItem | None:
    return SignInItem.find(*signin_key(customer_id, day), consistent=True)


def spend_between(customer_id: str, first_day: str, last_day: str) -> int:
    """Settled spend over ``first_day..last_day`` (one Query over at most a window of day items)."""
    items = SpendItem.query(
        member_pk(customer_id),
        SpendItem.SK.between(f"SPEND#{first_day}", f"SPEND#{last_day}"),
        consistent_read=True,
    )
    return sum(int(i.spend_fen) for i in items)


def customers_losing_spend(day: str) -> Iterator[SpendItem]:
    """Customers whose rolling window drops a day of spend on ``day`` (the sparse index)."""
    return SpendItem.by_drop.query(spend_drop_partition(day))


def members_in_tier(tier: str, start: dict | None = None, limit: int = 100) -> tuple[list, dict | None]:
    result = MemberItem.by_tier.query(tier_partition(tier), limit=limit, last_evaluated_key=start)
    return list(result), result.last_evaluated_key


def owner_of_code(code: str) -> str | None:
    item = RefCodeItem.find(*refcode_key(code), consistent=False)
    return item.customer_id if item else None


def referral_rewarded(newcomer_id: str) -> bool:
    return GuardItem.find(*referral_guard_key(newcomer_id), consistent=True) is not None


def get_template(template_id: str, *, consistent: bool = False) -> TemplateItem | None:
    return TemplateItem.find(*template_key(template_id), consistent=consistent)


def templates(limit: int = 100, start: dict | None = None) -> tuple[list[TemplateItem], dict | None]:
    result = TemplateItem.listing.query(
        TEMPLATES, scan_index_forward=False, limit=limit, last_evaluated_key=start
    )
    return list(result), result.last_evaluated_key


def get_reward(reward_id: str) -> RewardItem | None:
    return RewardItem.find(*reward_key(reward_id), consistent=True)


def rewards(limit: int, start: dict | None) -> tuple[list[RewardItem], dict | None]:
    result = RewardItem.listing.query(
        REWARDS, scan_index_forward=False, limit=limit, last_evaluated_key=start
    )
    return list(result), result.last_evaluated_key


def transaction() -> TransactWrite:
    return TransactWrite(connection=connection())
