"""Marketing's pure decisions: coupon terms and discounts, points, sign-in, tiers, expiry dates, share links.

No I/O and no clock reads: every instant comes in as an argument, every limit as a parameter (the settings are
turned into these parameters in ``policy``).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from common.errors import (
    CouponExpired,
    CouponNotApplicable,
    CouponUsed,
    InsufficientPoints,
    PointsLimit,
    RuleViolation,
)
from common.money import percent_of

CouponKind = Literal["new_user", "holiday", "threshold"]
CouponStatus = Literal["available", "used", "expired"]
Tier = Literal["regular", "silver", "gold", "diamond"]
TIERS: tuple[Tier, ...] = ("regular", "silver", "gold", "diamond")
PENDING_PAYMENT = "pending_payment"  # booking's status word (API.md), as order events carry it


# --- coupons (优惠券) -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CouponTerms:
    """What a coupon promises: a fixed amount (满减 above ``threshold_fen``) or a percentage with an optional cap,
    for some categories (none: all), between two instants."""

    discount_fen: int | None
    percent_off: int | None
    max_discount_fen: int | None
    threshold_fen: int
    category_ids: tuple[str, ...]
    valid_from: datetime
    valid_until: datetime


def coupon_status(stored: str, valid_until: datetime, now: datetime) -> CouponStatus:
    """What the customer sees: an available coupon past its end is expired even before the job has run."""
    if stored == "available" and now > valid_until:
        return "expired"
    return stored  # type: ignore[return-value]


def coupon_discount(
    terms: CouponTerms, *, stored_status: str, category_id: str, payable_fen: int, now: datetime
) -> int:
    """The coupon's discount on what is still payable, or the reason it cannot be used here:
    ``CouponUsed`` (held by an order), ``CouponExpired``, ``CouponNotApplicable`` (not yet valid, another
    category, below the threshold)."""
    status = coupon_status(stored_status, terms.valid_until, now)
    if status == "used":
        raise CouponUsed()
    if status == "expired":
        raise CouponExpired()
    if now < terms.valid_from:
        raise CouponNotApplicable("this coupon is not valid yet")
    if terms.category_ids and category_id not in terms.category_ids:
        raise CouponNotApplicable("this coupon is for other services")
    if payable_fen < terms.threshold_fen:
        raise CouponNotApplicable(f"this coupon needs a total of at least {terms.threshold_fen} fen")
    if terms.percent_off is not None:
        amount = percent_of(payable_fen, terms.percent_off)
        if terms.max_discount_fen is not None:
            amount = min(amount, terms.max_discount_fen)
    else:
        amount = int(terms.discount_fen or 0)
    return max(0, min(amount, payable_fen))


def coupon_validity(
    valid_from: datetime, valid_until: datetime | None, valid_days: int | None, *, issued_at: datetime
) -> tuple[datetime, datetime]:
    """A coupon's own validity: the template's window, or ``valid_days`` from issue (never before the
    template's start)."""
    if valid_until is not None:
        return valid_from, valid_until
    assert valid_days is not None
    start = max(valid_from, issued_at)
    return start, start + timedelta(days=valid_days)


def template_claimable(
    *, valid_from: datetime, valid_until: datetime | None, remaining: int, now: datetime
) -> bool:
    """A template can be claimed (or issued) while it has stock and has not ended."""
    return remaining > 0 and (valid_until is None or now <= valid_until) and now >= valid_from


def expiry_day(valid_until: datetime, tz: ZoneInfo) -> str:
    """The business date on which a coupon valid until ``valid_until`` expires (its sparse index partition)."""
    return valid_until.astimezone(tz).date().isoformat()


def coupon_comes_back(previous_status: str | None, refund_fen: int, total_fen: int) -> bool:
    """A cancelled order gives its coupon back if it was never paid, or was refunded in full."""
    return previous_status == PENDING_PAYMENT or (total_fen > 0 and refund_fen >= total_fen) or total_fen == 0


Segment = tuple[Literal["all", "tier"], Tier | None]


def parse_segment(text: str) -> Segment:
    """``all`` or ``tier:gold`` (any tier word); anything else is a 422."""
    if text == "all":
        return "all", None
    kind, _, tier = text.partition(":")
    if kind == "tier" and tier in TIERS:
        return "tier", tier  # type: ignore[return-value]
    raise RuleViolation(f"unknown segment {text!r}: use all or tier:{'|'.join(TIERS)}", code="BAD_SEGMENT")


# --- points (积分) ---------------------------------------------------------------------------------------------


def points_discount(
    requested: int, *, balance: int, payable_fen: int, max_percent: int, points_per_yuan: int
) -> int:
    """Points asked for at checkout → their discount in fen (``points_per_yuan`` points = 100 fen).
    ``InsufficientPoints`` beyond the balance, ``PointsLimit`` beyond ``max_percent`` of what is payable."""
    if requested <= 0:
        return 0
    if requested > balance:
        raise InsufficientPoints(f"you have {balance} points")
    if requested * 100 % points_per_yuan:
        raise RuleViolation(
            f"points pay whole fen: use multiples of {points_per_yuan // 100 or 1}",
            code="POINTS_NOT_WHOLE_FEN",
        )
    fen = requested * 100 // points_per_yuan
    if fen * 100 > payable_fen * max_percent:
        raise PointsLimit(f"points may pay at most {max_percent}% of the total")
    return fen


def points_for_spend(spend_fen: int, per_yuan: int) -> int:
    """Points earned on settled spend: ``per_yuan`` for each whole yuan."""
    return max(0, spend_fen) // 100 * per_yuan


def signin_reward(streak: int, *, base: int, bonus: int, cap: int) -> int:
    """A sign-in's points: the base and a bonus growing with the streak (consecutive days), capped."""
    return base + min(max(0, streak - 1) * bonus, cap)


def next_streak(signed_in_yesterday_streak: int | None) -> int:
    """Today's streak: yesterday's plus one, or 1 after a gap."""
    return (signed_in_yesterday_streak or 0) + 1


def points_expiry_year(earned_on: date) -> int:
    """Points earned in year Y expire at the end of year Y+1."""
    return earned_on.year + 1


def points_expiring(*, earned_through_year: int, consumed_total: int) -> int:
    """First in, first out: of the points earned up to the expiring year, what spends, expiries and give-backs
    have not consumed yet."""
    return max(0, earned_through_year - consumed_total)


# --- tiers (会员等级) ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TierRule:
    tier: Tier
    min_spend_fen: int
    discount_percent: int
    priority_booking_days: int
    extra_candidates: int
    exclusive_support: bool
    birthday_coupon_fen: int


def tier_for(spend_fen: int, tiers: tuple[TierRule, ...]) -> TierRule:
    """The highest tier whose threshold the rolling spend reaches (tiers lowest first)."""
    found = tiers[0]
    for rule in tiers:
        if spend_fen >= rule.min_spend_fen:
            found = rule
    return found


def next_tier(spend_fen: int, tiers: tuple[TierRule, ...]) -> tuple[Tier, int] | None:
    """The next tier up and the spend still needed for it; None at the top."""
    for rule in tiers:
        if rule.min_spend_fen > spend_fen:
            return rule.tier, rule.min_spend_fen - spend_fen
    return None


def window_start(day: date, window_days: int) -> date:
    """The first day still inside the rolling window that ends on ``day``."""
    return day - timedelta(days=window_days - 1)


def leaves_window_on(spend_day: date, window_days: int) -> date:
    """The day a spend made on ``spend_day`` drops out of the rolling window."""
    return spend_day + timedelta(days=window_days)


def birthday_keys(day: date) -> list[str]:
    """The MM-DD birthdays celebrated on ``day``: 29 February ones on 28 February of a common year."""
    keys = [day.strftime("%m-%d")]
    if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
        keys.append("02-29")
    return keys


# --- referral and sharing --------------------------------------------------------------------------------------


def referral_code(customer_id: str) -> str:
    """A customer's code: the last eight characters of the id (identity gives the same code on the profile)."""
    return customer_id[-8:]


def share_link(page: str, target_key: str, target_id: str, code: str, title: str) -> dict[str, str]:
    """The mini-program page of a share, with the sharer's code in the query."""
    return {"path": page, "query": urlencode({target_key: target_id, "ref": code}), "title": title}
