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
    """Create a coupon template.

    An operator defines a `new_user`, `holiday` or `threshold` (满减) coupon: a fixed `discount_fen` or a
    `percent_off` (capped by `max_discount_fen`), the spend it needs (`threshold_fen`), its validity
    (`valid_until` or `valid_days` from issue), the stock (`total`), the `per_user_limit` and optionally the
    categories it applies to. New-user coupons are given at a customer's first login; the others are claimed
    or issued. Send an `Idempotency-Key`: a retry with the same key and body answers the first response.
    """
    return idempotent(
        call,
        "coupon-templates",
        Template,
        lambda: coupons.create_template(call.body, operator_id=call.user_id, now=call.now, new_id=new_id),
    )


@route(bp, "/v1/admin/coupon-templates", "GET", query=PageQuery, response=Page[Template], tags=TAGS)
def list_templates(call: Call) -> Page[Template]:
    """The coupon templates, for operators.

    Every template, newest first, with how many coupons were `issued` and `used`; paginated with `limit` and
    `cursor`.
    """
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
    """Issue coupons to customers.

    An operator gives one coupon of the template to each of `customer_ids`, or to a `segment` (`all`,
    `tier:gold`…; an unknown segment is 422); never beyond the template's stock and at most
    ``settings.coupon_issue_max`` customers a request. Customers at the per-user limit are skipped; the answer
    counts the coupons `issued`. 404 for an unknown template, 409 `OUT_OF_STOCK` for one ended or run out.
    Honours `Idempotency-Key`.
    """
    return idempotent(
        call,
        "coupon-issue",
        Issued,
        lambda: coupons.issue(template_id, call.body, operator_id=call.user_id, now=call.now, new_id=new_id),
        template_id=template_id,
    )


@route(bp, "/v1/admin/rewards", "POST", body=RewardIn, response=Reward, status=201, tags=TAGS)
def create_reward(call: Call) -> Reward:
    """Create a points reward.

    An operator offers a `coupon` (of an existing template, else 422 `UNKNOWN_TEMPLATE`), a `gift` or a
    `service` that customers redeem for `points_cost` points, while its `stock` lasts. Honours
    `Idempotency-Key`.
    """
    return idempotent(
        call,
        "rewards",
        Reward,
        lambda: points.create_reward(call.body, operator_id=call.user_id, now=call.now, new_id=new_id),
    )


# --- anyone and customers --------------------------------------------------------------------------------------


@route(bp, "/v1/rewards", "GET", query=PageQuery, response=Page[Reward], auth=None, tags=TAGS)
def list_rewards(call: Call) -> Page[Reward]:
    """The rewards points can be redeemed for.

    Anyone may read them (积分兑换), newest first, with their cost and stock; paginated with `limit` and `cursor`.
    Redeem one with `POST /v1/me/rewards/{reward_id}/redeem`.
    """
    return points.list_rewards(limit=call.query.limit, cursor=call.query.cursor)


@route(bp, "/v1/coupon-templates", "GET", response=Page[Template], auth="customer", tags=TAGS)
def claimable_templates(call: Call) -> Page[Template]:
    """The coupons a customer can claim now.

    The coupon centre (领券中心): every template that is live and in stock, in one page; new-user coupons are not
    listed, they come by themselves at the first login. Claim one with `POST /v1/me/coupons/claim`.
    """
    return Page(items=coupons.claimable_templates(now=call.now), next_cursor=None)


@route(bp, "/v1/me/coupons", "GET", query=CouponsQuery, response=Page[Coupon], tags=TAGS)
def my_coupons(call: Call) -> Page[Coupon]:
    """The customer's coupons.

    Only the caller's own, newest first, paginated with `limit` and `cursor`; `status` (`available`, `used`,
    `expired`) filters them. A used coupon names its `order_id`; one held by an order comes back `available`
    when the order is cancelled before payment or refunded in full.
    """
    q = call.query
    return coupons.my_coupons(call.user_id, status=q.status, limit=q.limit, cursor=q.cursor, now=call.now)


@route(bp, "/v1/me/coupons/claim", "POST", body=ClaimRequest, response=Coupon, status=201, tags=TAGS)
def claim_coupon(call: Call) -> Coupon:
    """Claim a coupon.

    The customer takes one coupon of a claimable template (see `GET /v1/coupon-templates`): beyond the
    template's per-user limit 409 `COUPON_LIMIT`, beyond its stock or outside its validity 409 `OUT_OF_STOCK`;
    an unknown or new-user template is 404. Honours `Idempotency-Key`.
    """
    return idempotent(
        call,
        "coupon-claim",
        Coupon,
        lambda: coupons.claim(call.user_id, call.body.template_id, now=call.now, new_id=new_id),
    )


@route(bp, "/v1/me/points", "GET", query=PageQuery, response=Points, tags=TAGS)
def my_points(call: Call) -> Points:
    """The customer's points.

    The balance and the history of changes, newest first, paginated with `limit` and `cursor`. Points are
    earned (``settings.points_per_yuan`` a yuan of settled spend, sign-ins, shares, referrals) and pay at
    checkout, ``settings.points_per_yuan_redeemed`` points a yuan.
    """
    return points.my_points(call.user_id, limit=call.query.limit, cursor=call.query.cursor)


@route(bp, "/v1/me/sign-in", "POST", response=SignIn, tags=TAGS, errors=(409,))
def sign_in(call: Call) -> SignIn:
    """Sign in for today (签到).

    Once a (business) day: ``settings.signin_points`` points plus ``settings.signin_streak_bonus`` for each
    consecutive day beyond the first, the bonus growing up to ``settings.signin_streak_bonus_cap``. The answer
    gives the points, the streak and the new balance; a second sign-in the same day is 409
    `ALREADY_SIGNED_IN`.
    """
    return points.sign_in(call.user_id, now=call.now)


@route(bp, "/v1/me/shares", "POST", body=ShareRequest, response=Share, tags=TAGS, errors=(404,))
def share(call: Call) -> Share:
    """Share a service or a worker.

    With `service_id` or `worker_id` (one of them): the link to share, carrying the customer's referral code,
    and ``settings.share_points`` points once per target a day, for at most ``settings.share_daily_cap``
    shares a day (after that, or again for the same target, 0 points). An unknown target is 404.
    """
    b = call.body
    return points.share(call.user_id, service_id=b.service_id, worker_id=b.worker_id, now=call.now)


@route(bp, "/v1/me/share-link", "GET", query=ShareLinkQuery, response=Link, errors=(404,), tags=TAGS)
def share_link(call: Call) -> Link:
    """The link to share a service or a worker.

    The mini-program page (path, query and title) of the service or worker named by `service_id` or
    `worker_id` (one of them), with the customer's referral code in the query; no points. An unknown target is
    404.
    """
    q = call.query
    return points.share_link(call.user_id, service_id=q.service_id, worker_id=q.worker_id)


@route(bp, "/v1/me/referral", "GET", response=Referral, tags=TAGS)
def my_referral(call: Call) -> Referral:
    """The customer's referral code and what it brought.

    The `code`, the newcomers it `invited` (they logged in with it as `referral_code`), and how many were
    `rewarded`: after a newcomer's first completed order both get ``settings.referral_reward_points`` points.
    """
    return membership.get_referral(call.user_id)


@route(bp, "/v1/me/rewards/{reward_id}/redeem", "POST", response=Redemption, status=201, tags=TAGS)
def redeem(call: Call, reward_id: str) -> Redemption:
    """Redeem points for a reward.

    The reward's points are taken from the customer's balance and its stock goes down by one, together; a
    coupon reward's coupon follows. 404 for an unknown reward, 409 `OUT_OF_STOCK` when it has run out, 422
    `INSUFFICIENT_POINTS` when the balance is short. Honours `Idempotency-Key`.
    """
    return idempotent(
        call,
        "reward-redeem",
        Redemption,
        lambda: points.redeem(call.user_id, reward_id, now=call.now, new_id=new_id),
        reward_id=reward_id,
    )


@route(bp, "/v1/me/membership", "GET", response=Membership, tags=TAGS)
def my_membership(call: Call) -> Membership:
    """The customer's membership tier.

    The tier (`regular`, `silver`, `gold`, `diamond`) from the settled spend over the last
    ``settings.tier_window_days`` days, that spend, what the next tier needs (null at the top), and the tier's
    benefits: discount, priority booking, exclusive support, birthday coupon.
    """
    return membership.get_membership(call.user_id)
