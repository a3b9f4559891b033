"""Marketing routes (API.md "Marketing"): customers' coupons, points, sign-in, shares, referral, rewards and
membership; operators' coupon templates, issuing and rewards. POSTs that create coupons or move points honour
``Idempotency-Key``."""

from __future__ import annotations

from chalice import Blueprint
from common.api import Call, route
from common.idempotency import idempotent
from common.ids import new_id
from common.pagination import Page, PageQuery

from functions.marketing import coupons, membership, points
from functions.marketing.models import (
    ClaimRequest,
    Coupon,
    CouponsQuery,
    Issued,
    IssueRequest,
    Link,
    Membership,
    Points,
    Redemption,
    Referral,
    Reward,
    RewardIn,
    Share,
    ShareLinkQuery,
    ShareRequest,
    SignIn,
    Template,
    TemplateIn,
)

bp = Blueprint(__name__)
TAGS = ("marketing",)


# --- operators -------------------------------------------------------------------------------------------------


@route(bp, "/v1/admin/coupon-templates", "POST", body=TemplateIn, response=Template, status=201, tags=TAGS)
def create_template(call: Call) -> Template:
    """Create a coupon template (new-user, holiday, threshold 满减; fixed or percent off with a cap)."""
    return idempotent(
        call,
        "coupon-templates",
        Template,
        lambda: coupons.create_template(call.body, now=call.now, new_id=new_id),
    )


@route(bp, "/v1/admin/coupon-templates", "GET", query=PageQuery, response=Page[Template], tags=TAGS)
def list_templates(call: Call) -> Page[Template]:
    """Every coupon template, newest first, with its issued and used counts."""
    return coupons.list_templates(limit=call.query.limit, cursor=call.query.cursor)


@route(
    bp,
    "/v1/admin/coupon-templates/{template_id}/issue",
    "POST",
    body=IssueRequest,
    response=Issued,
    tags=TAGS,
)
def issue_coupons(call: Call, template_id: str) -> Issued:
    """Issue a coupon to each of some customers or a segment (all, tier:gold…), never beyond the stock."""
    return idempotent(
        call,
        "coupon-issue",
        Issued,
        lambda: coupons.issue(template_id, call.body, now=call.now, new_id=new_id),
        template_id=template_id,
    )


@route(bp, "/v1/admin/rewards", "POST", body=RewardIn, response=Reward, status=201, tags=TAGS)
def create_reward(call: Call) -> Reward:
    """A reward customers can redeem points for (a coupon, a gift or a service)."""
    return idempotent(
        call, "rewards", Reward, lambda: points.create_reward(call.body, now=call.now, new_id=new_id)
    )


# --- anyone and customers --------------------------------------------------------------------------------------


@route(bp, "/v1/rewards", "GET", query=PageQuery, response=Page[Reward], auth=None, tags=TAGS)
def list_rewards(call: Call) -> Page[Reward]:
    """The rewards points can be redeemed for."""
    return points.list_rewards(limit=call.query.limit, cursor=call.query.cursor)


@route(bp, "/v1/coupon-templates", "GET", response=Page[Template], auth="customer", tags=TAGS)
def claimable_templates(call: Call) -> Page[Template]:
    """The coupons a customer can claim now (领券中心)."""
    return Page(items=coupons.claimable_templates(now=call.now), next_cursor=None)


@route(bp, "/v1/me/coupons", "GET", query=CouponsQuery, response=Page[Coupon], tags=TAGS)
def my_coupons(call: Call) -> Page[Coupon]:
    """My coupons, newest first; ``?status=available|used|expired``."""
    q = call.query
    return coupons.my_coupons(call.user_id, status=q.status, limit=q.limit, cursor=q.cursor, now=call.now)


@route(bp, "/v1/me/coupons/claim", "POST", body=ClaimRequest, response=Coupon, status=201, tags=TAGS)
def claim_coupon(call: Call) -> Coupon:
    """Claim a coupon; beyond the per-user limit 409 COUPON_LIMIT, beyond the stock 409 OUT_OF_STOCK."""
    return idempotent(
        call,
        "coupon-claim",
        Coupon,
        lambda: coupons.claim(call.user_id, call.body.template_id, now=call.now, new_id=new_id),
    )


@route(bp, "/v1/me/points", "GET", query=PageQuery, response=Points, tags=TAGS)
def my_points(call: Call) -> Points:
    """My points balance and history, newest first."""
    return points.my_points(call.user_id, limit=call.query.limit, cursor=call.query.cursor)


@route(bp, "/v1/me/sign-in", "POST", response=SignIn, tags=TAGS)
def sign_in(call: Call) -> SignIn:
    """Today's sign-in (签到): points growing with the streak; a second the same day 409 ALREADY_SIGNED_IN."""
    return points.sign_in(call.user_id, now=call.now)


@route(bp, "/v1/me/shares", "POST", body=ShareRequest, response=Share, tags=TAGS)
def share(call: Call) -> Share:
    """Share a service or a worker: the link with my code; points once per target a day, capped a day."""
    b = call.body
    return points.share(call.user_id, service_id=b.service_id, worker_id=b.worker_id, now=call.now)


@route(bp, "/v1/me/share-link", "GET", query=ShareLinkQuery, response=Link, tags=TAGS)
def share_link(call: Call) -> Link:
    """The mini-program page of a service or worker, with my referral code in the query."""
    q = call.query
    return points.share_link(call.user_id, service_id=q.service_id, worker_id=q.worker_id)


@route(bp, "/v1/me/referral", "GET", response=Referral, tags=TAGS)
def my_referral(call: Call) -> Referral:
    """My referral code, the newcomers it brought, and how many of them were rewarded."""
    return membership.get_referral(call.user_id)


@route(bp, "/v1/me/rewards/{reward_id}/redeem", "POST", response=Redemption, status=201, tags=TAGS)
def redeem(call: Call, reward_id: str) -> Redemption:
    """Redeem points for a reward; 409 OUT_OF_STOCK, 422 INSUFFICIENT_POINTS."""
    return idempotent(
        call,
        "reward-redeem",
        Redemption,
        lambda: points.redeem(call.user_id, reward_id, now=call.now, new_id=new_id),
        reward_id=reward_id,
    )


@route(bp, "/v1/me/membership", "GET", response=Membership, tags=TAGS)
def my_membership(call: Call) -> Membership:
    """My tier, rolling 12-month settled spend, the next tier and my benefits."""
    return membership.get_membership(call.user_id)
