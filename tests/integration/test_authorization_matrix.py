"""The authorization matrix, generated from the route table (``common.api.ROUTES``): every route × {no token,
customer, another customer, worker, another worker, operator} × {own id, someone else's id}, with API.md's answer:
401 without a token, 403 for the wrong role, 404 for someone else's order ("never reveal another user's data").
Every admin route also × {a staff member without a role the permission table allows: 403, one with such a role:
past authorization} (``functions.identity.permissions``).

``EXPECTED`` classifies every route in one line. A route missing from it fails the suite: whoever adds a route
says who may call it (and, for an order, whose it must be).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from common.api import ROUTES
from common.settings import get_settings

from functions.identity.permissions import roles_allowed
from tests.integration.booking_helpers import World, make_world, slot
from tests.integration.conftest import Api
from tests.integration.staff_helpers import staff_token


@dataclass(frozen=True)
class Rule:
    role: str | tuple[str, ...] | None  # the role(s) the route needs (None: anyone, no token needed)
    owner: bool = False  # the {order_id} in the path must be the caller's (customer's own, worker's assigned)
    body: Any = None  # a valid body, so the ownership check is reached past validation
    signed: bool = False  # a webhook: a token means nothing, the signature decides (401 INVALID_NOTIFICATION)


ANYONE = Rule(None)
CUSTOMER, WORKER, OPERATOR = Rule("customer"), Rule("worker"), Rule("operator")
CUSTOMER_OR_WORKER = Rule(("customer", "worker"))
WEBHOOK = Rule(None, signed=True)


def own_order(role: str, body: Any = None) -> Rule:
    return Rule(role, owner=True, body=body)


EXPECTED: dict[tuple[str, str], Rule] = {
    # docs, catalog, login, public worker pages
    ("GET", "/v1/openapi.json"): ANYONE,
    ("GET", "/v1/categories"): ANYONE,
    ("GET", "/v1/services/{service_id}"): ANYONE,
    ("POST", "/v1/auth/wechat"): ANYONE,
    ("POST", "/v1/auth/operator"): ANYONE,
    ("POST", "/v1/auth/sms-code"): CUSTOMER_OR_WORKER,
    ("GET", "/v1/workers/{worker_id}"): ANYONE,
    ("GET", "/v1/workers/{worker_id}/reviews"): ANYONE,
    ("POST", "/v1/payments/wechat/notify"): WEBHOOK,
    ("POST", "/v1/payments/wechat/refund-notify"): WEBHOOK,
    # customers
    ("GET", "/v1/me"): CUSTOMER,
    ("PATCH", "/v1/me"): CUSTOMER,
    ("POST", "/v1/me/phone"): CUSTOMER,
    ("POST", "/v1/me/addresses"): CUSTOMER,
    ("GET", "/v1/me/addresses"): CUSTOMER,
    ("GET", "/v1/me/notifications"): CUSTOMER,
    ("POST", "/v1/me/notifications/{notification_id}/read"): CUSTOMER,
    ("POST", "/v1/me/notifications/read-all"): CUSTOMER,
    ("GET", "/v1/me/subscriptions"): CUSTOMER,
    ("POST", "/v1/me/subscriptions"): CUSTOMER,
    ("POST", "/v1/matches"): CUSTOMER,
    ("POST", "/v1/quotes"): CUSTOMER,
    ("POST", "/v1/orders"): CUSTOMER,
    ("GET", "/v1/orders"): CUSTOMER,
    ("GET", "/v1/orders/{order_id}"): own_order("customer"),
    ("POST", "/v1/orders/{order_id}/pay"): own_order("customer"),
    ("POST", "/v1/orders/{order_id}/cancel"): own_order("customer", {"reason": "plans changed"}),
    ("POST", "/v1/orders/{order_id}/complaints"): own_order("customer", {"text": "the worker never came"}),
    ("POST", "/v1/orders/{order_id}/replace"): own_order("customer", {"reason": "not a good fit"}),
    ("POST", "/v1/interviews"): CUSTOMER,
    ("GET", "/v1/me/interviews"): CUSTOMER,
    ("GET", "/v1/worker/interviews"): WORKER,
    ("POST", "/v1/worker/interviews/{interview_id}/accept"): WORKER,
    ("POST", "/v1/worker/interviews/{interview_id}/decline"): WORKER,
    # workers
    ("GET", "/v1/worker/orders"): WORKER,
    ("POST", "/v1/worker/phone"): WORKER,
    ("GET", "/v1/worker/orders/{order_id}"): own_order("worker"),
    ("POST", "/v1/worker/orders/{order_id}/accept"): own_order("worker"),
    ("POST", "/v1/worker/orders/{order_id}/decline"): own_order("worker"),
    ("POST", "/v1/worker/orders/{order_id}/start"): own_order("worker"),
    ("POST", "/v1/worker/orders/{order_id}/complete"): own_order("worker"),
    ("GET", "/v1/worker/notifications"): WORKER,
    ("POST", "/v1/worker/notifications/{notification_id}/read"): WORKER,
    ("POST", "/v1/worker/notifications/read-all"): WORKER,
    ("GET", "/v1/worker/subscriptions"): WORKER,
    ("POST", "/v1/worker/subscriptions"): WORKER,
    ("GET", "/v1/worker/earnings"): WORKER,
    ("POST", "/v1/worker/withdrawals"): WORKER,
    ("GET", "/v1/worker/withdrawals"): WORKER,
    ("PUT", "/v1/worker/profile"): WORKER,
    ("GET", "/v1/worker/profile"): WORKER,
    ("PUT", "/v1/worker/availability"): WORKER,
    ("GET", "/v1/worker/availability"): WORKER,
    ("PUT", "/v1/worker/accepting"): WORKER,
    ("GET", "/v1/worker/calendar"): WORKER,
    ("POST", "/v1/worker/media"): WORKER,
    # operators
    ("POST", "/v1/admin/categories"): OPERATOR,
    ("POST", "/v1/admin/services"): OPERATOR,
    ("PATCH", "/v1/admin/services/{service_id}"): OPERATOR,
    ("GET", "/v1/admin/orders"): OPERATOR,
    ("GET", "/v1/admin/orders/{order_id}"): OPERATOR,
    ("POST", "/v1/admin/orders/{order_id}/reassign"): OPERATOR,
    ("POST", "/v1/admin/orders/{order_id}/replace"): OPERATOR,
    ("POST", "/v1/admin/orders/{order_id}/cancel"): OPERATOR,
    ("GET", "/v1/admin/complaints"): OPERATOR,
    ("POST", "/v1/admin/complaints/{complaint_id}/resolve"): OPERATOR,
    ("GET", "/v1/admin/notifications"): OPERATOR,
    ("POST", "/v1/admin/notifications/{notification_id}/read"): OPERATOR,
    ("POST", "/v1/admin/notifications/read-all"): OPERATOR,
    ("GET", "/v1/admin/withdrawals"): OPERATOR,
    ("POST", "/v1/admin/withdrawals/{withdrawal_id}/approve"): OPERATOR,
    ("POST", "/v1/admin/withdrawals/{withdrawal_id}/reject"): OPERATOR,
    ("GET", "/v1/admin/workers"): OPERATOR,
    ("GET", "/v1/admin/workers/{worker_id}"): OPERATOR,
    ("POST", "/v1/admin/workers/{worker_id}/verify"): OPERATOR,
    ("POST", "/v1/admin/workers/{worker_id}/suspend"): OPERATOR,
    ("POST", "/v1/admin/workers/{worker_id}/reinstate"): OPERATOR,
    # reviews and credit
    ("POST", "/v1/orders/{order_id}/review"): own_order(
        "customer", {"attitude": 5, "skill": 5, "quality": 5, "text": "好"}
    ),
    ("POST", "/v1/worker/orders/{order_id}/review"): own_order(
        "worker", {"cooperation": 5, "environment": 5, "text": "好"}
    ),
    ("GET", "/v1/worker/reviews"): WORKER,
    ("GET", "/v1/worker/credit"): WORKER,
    ("POST", "/v1/worker/appeals"): WORKER,
    ("GET", "/v1/admin/workers/{worker_id}/credit"): OPERATOR,
    ("POST", "/v1/admin/workers/{worker_id}/violations"): OPERATOR,
    ("POST", "/v1/admin/reviews/{review_id}/hide"): OPERATOR,
    ("GET", "/v1/admin/appeals"): OPERATOR,
    ("POST", "/v1/admin/appeals/{appeal_id}/decide"): OPERATOR,
    # marketing
    ("GET", "/v1/rewards"): ANYONE,
    ("GET", "/v1/coupon-templates"): CUSTOMER,
    ("GET", "/v1/me/coupons"): CUSTOMER,
    ("POST", "/v1/me/coupons/claim"): CUSTOMER,
    ("GET", "/v1/me/points"): CUSTOMER,
    ("POST", "/v1/me/sign-in"): CUSTOMER,
    ("POST", "/v1/me/shares"): CUSTOMER,
    ("GET", "/v1/me/share-link"): CUSTOMER,
    ("GET", "/v1/me/referral"): CUSTOMER,
    ("GET", "/v1/me/membership"): CUSTOMER,
    ("POST", "/v1/me/rewards/{reward_id}/redeem"): CUSTOMER,
    ("POST", "/v1/admin/coupon-templates"): OPERATOR,
    ("GET", "/v1/admin/coupon-templates"): OPERATOR,
    ("POST", "/v1/admin/coupon-templates/{template_id}/issue"): OPERATOR,
    ("POST", "/v1/admin/rewards"): OPERATOR,
    # statistics, customers, finance
    ("GET", "/v1/worker/performance"): WORKER,
    ("GET", "/v1/admin/stats/overview"): OPERATOR,
    ("GET", "/v1/admin/stats/timeseries"): OPERATOR,
    ("GET", "/v1/admin/stats/workers"): OPERATOR,
    ("GET", "/v1/admin/stats/forecast"): OPERATOR,
    ("GET", "/v1/admin/customers"): OPERATOR,
    ("GET", "/v1/admin/customers/{customer_id}"): OPERATOR,
    ("GET", "/v1/admin/finance/summary"): OPERATOR,
    ("GET", "/v1/admin/exports/{name}"): OPERATOR,
    # staff and the audit trail
    ("POST", "/v1/admin/staff"): OPERATOR,
    ("GET", "/v1/admin/staff"): OPERATOR,
    ("PATCH", "/v1/admin/staff/{staff_id}"): OPERATOR,
    ("GET", "/v1/admin/audit"): OPERATOR,
    # the local stack only (registered when it runs; API.md: no token needed)
    ("GET", "/v1/dev/clock"): ANYONE,
    ("POST", "/v1/dev/clock"): ANYONE,
    ("POST", "/v1/dev/jobs/{name}"): ANYONE,
    ("POST", "/v1/dev/payments/{order_id}/succeed"): ANYONE,
}
# issue 13: rescheduling (an order's own customer asks, its own worker answers) and recurring plans (a customer's
# own; another customer's plan is 404 like an unknown one, checked in tests/integration/test_plans.py).
EXPECTED.update(
    {
        ("POST", "/v1/orders/{order_id}/reschedule"): own_order(
            "customer", {"start": "2030-01-07T10:00:00+08:00"}
        ),
        ("POST", "/v1/worker/orders/{order_id}/reschedule/accept"): own_order("worker"),
        ("POST", "/v1/worker/orders/{order_id}/reschedule/reject"): own_order("worker"),
        ("POST", "/v1/plans"): CUSTOMER,
        ("GET", "/v1/plans"): CUSTOMER,
        ("GET", "/v1/plans/{plan_id}"): CUSTOMER,
        ("POST", "/v1/plans/{plan_id}/skip"): CUSTOMER,
        ("POST", "/v1/plans/{plan_id}/pause"): CUSTOMER,
        ("POST", "/v1/plans/{plan_id}/resume"): CUSTOMER,
        ("POST", "/v1/plans/{plan_id}/cancel"): CUSTOMER,
    }
)
# issue 17 (part C): a customer confirms their own completed order; operators work the exception queue.
EXPECTED.update(
    {
        ("POST", "/v1/orders/{order_id}/confirm"): own_order("customer"),
        ("GET", "/v1/admin/exceptions"): OPERATOR,
        ("POST", "/v1/admin/exceptions/{exception_id}/resolve"): Rule(
            "operator", body={"note": "called them"}
        ),
    }
)
# issue 17: the worker's visit, on the worker's own (assigned) order; another's is 404 like an unknown one.
EXPECTED.update(
    {
        ("POST", "/v1/worker/orders/{order_id}/depart"): own_order("worker"),
        ("POST", "/v1/worker/orders/{order_id}/arrive"): own_order(
            "worker", {"lat": 31.2, "lng": 121.46, "photo_url": "https://media.example.com/door.jpg"}
        ),
        ("POST", "/v1/worker/orders/{order_id}/photos"): own_order(
            "worker", {"stage": "before", "urls": ["https://media.example.com/before.jpg"]}
        ),
    }
)
# issue 17: on-site price differences. The worker's proposal is on an order the worker is assigned; a customer's
# answer names a difference of the order too, so an own order without that difference is 404 as well (ownership
# is checked in tests/integration/test_price_differences.py).
EXTRA_BODY = {"items": [{"name": "加时", "amount_fen": 100}], "reason": "面积大"}
EXPECTED.update(
    {
        ("POST", "/v1/worker/orders/{order_id}/extras"): own_order("worker", EXTRA_BODY),
        ("POST", "/v1/orders/{order_id}/extras/{extra_id}/approve"): CUSTOMER,
        ("POST", "/v1/orders/{order_id}/extras/{extra_id}/reject"): CUSTOMER,
    }
)
LOCAL_ONLY = {route for route in EXPECTED if route[1].startswith("/v1/dev/")}

CALLERS = ("none", "customer", "other_customer", "worker", "other_worker", "operator")
STAFF_ONLY_ROLES = ("dispatcher", "finance", "support", "marketing")


def _routes() -> list[tuple[str, str]]:
    from common.lazy import load_all_routes

    import app  # noqa: F401  (declares every route)

    load_all_routes()
    return sorted((method, path) for path, method in ROUTES)


def test_every_route_is_classified_in_the_authorization_matrix() -> None:
    routes = set(_routes())
    missing = sorted(routes - set(EXPECTED))
    stale = sorted(set(EXPECTED) - routes - LOCAL_ONLY)
    assert not missing, f"add these routes to EXPECTED in {__file__}: {missing}"
    assert not stale, f"these routes no longer exist: {stale}"


def test_the_path_decides_the_role_of_every_classified_route() -> None:
    """API.md "Auth": /v1/admin/ operator, /v1/worker/ worker, /v1/me customer."""
    for (_method, path), rule in EXPECTED.items():
        for prefix, role in (("/v1/admin/", "operator"), ("/v1/worker/", "worker"), ("/v1/me", "customer")):
            if path.startswith(prefix):
                assert rule.role == role, path


@dataclass
class Cast:
    world: World
    tokens: dict[str, str | None]
    staff: dict[str, str]  # a staff token per non-admin role
    booked: int = 0

    def order_pair(self) -> tuple[str, str]:
        """A fresh order of (customer, worker) and one of (other customer, other worker), each in its own slot."""
        self.booked += 1
        start = slot(3 + 3 * self.booked)
        mine = self.world.book("cust_a", start, worker="work_a")
        theirs = self.world.book("cust_b", start, worker="work_b")
        assert mine.status == theirs.status == 201, (mine.body, theirs.body)
        return mine.body["id"], theirs.body["id"]


@pytest.fixture
def cast(api: Api, operator_token: str, wechatpay: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cast]:
    # Each order-owned route gets fresh orders of the same two workers: more than one worker's active limit.
    monkeypatch.setenv("WORKER_MAX_ACTIVE_ORDERS", "100")
    get_settings.cache_clear()
    world = make_world(api, operator_token)
    tokens: dict[str, str | None] = {
        "none": None,
        "customer": world.customer("cust_a").token,
        "other_customer": world.customer("cust_b").token,
        "worker": world.worker("work_a").token,
        "other_worker": world.worker("work_b").token,
        "operator": operator_token,
    }
    staff = {role: staff_token(api, operator_token, f"matrix_{role}", [role]) for role in STAFF_ONLY_ROLES}
    yield Cast(world, tokens, staff)
    monkeypatch.delenv("WORKER_MAX_ACTIVE_ORDERS")
    get_settings.cache_clear()


def _fill(path: str, value: str) -> str:
    return re.sub(r"{\w+}", value, path)


def _expected(rule: Rule, caller: str, whose: str) -> set[int] | None:
    """The statuses allowed for ``caller`` on an id that is ``whose`` ("own" or "others"); None: anything but
    401/403 (the caller gets past authorization: the handler's own answer, 2xx or 4xx)."""
    if rule.signed:
        return {401}  # no signature: refused by the signature check whoever sends a token
    if rule.role is None:
        return None
    if caller == "none":
        return {401}
    roles = rule.role if isinstance(rule.role, tuple) else (rule.role,)
    if not any(caller.endswith(role) for role in roles):
        return {403}
    if rule.owner and whose == "others":
        return {404}
    return None


def _check(api: Api, method: str, path: str, rule: Rule, token: str | None, allowed: set[int] | None) -> str:
    body = rule.body if rule.body is not None else {}
    reply = api.call(method, path, body if method in ("POST", "PUT", "PATCH") else None, token=token)
    assert reply.status < 500, (method, path, reply.status, reply.body)
    if allowed is None:
        ok = reply.status not in (401, 403) and not (rule.owner and reply.status == 404)
    else:
        ok = reply.status in allowed
    if ok and reply.status >= 400 and not rule.signed:  # webhooks answer in WeChat's {"code", "message"}
        assert set(reply.body) == {"error"} and {"code", "message"} <= set(reply.body["error"]), reply.body
    return "" if ok else f"{method} {path}: {reply.status} {reply.body}, expected {allowed or 'authorized'}"


def test_every_route_answers_each_caller_as_api_md_says(api: Api, cast: Cast) -> None:
    failures: list[str] = []
    for method, path in _routes():
        if (method, path) in LOCAL_ONLY:
            continue  # registered by an earlier test in this process, on a clock and jobs this test does not own
        rule = EXPECTED[(method, path)]
        if rule.owner:
            mine, theirs = cast.order_pair()
            # Someone else's order first (refused, so nothing moves), the caller's own last.
            for caller in CALLERS:
                if caller == "operator":
                    continue
                ids = {"own": mine, "others": theirs}
                if caller.startswith("other_"):
                    ids = {"own": theirs, "others": mine}
                for whose in ("others", "own"):
                    if caller.startswith("other_") and whose == "own":
                        continue  # the other pair's own order: the same rule as the first pair's
                    failures.append(
                        _check(
                            api,
                            method,
                            _fill(path, ids[whose]),
                            rule,
                            cast.tokens[caller],
                            _expected(rule, caller, whose),
                        )
                    )
            failures.append(
                _check(
                    api,
                    method,
                    _fill(path, mine),
                    rule,
                    cast.tokens["operator"],
                    _expected(rule, "operator", "own"),
                )
            )
            continue
        filled = _fill(path, "nobodys-id-0000000000000000")
        for caller in CALLERS:
            failures.append(
                _check(api, method, filled, rule, cast.tokens[caller], _expected(rule, caller, "own"))
            )
        if path.startswith("/v1/admin/"):
            allowed = roles_allowed(method, path)
            without = [r for r in STAFF_ONLY_ROLES if r not in allowed]
            within = [r for r in STAFF_ONLY_ROLES if r in allowed]
            if without:  # a staff member without the role
                failures.append(_check(api, method, filled, rule, cast.staff[without[0]], {403}))
            if within:  # one with it
                failures.append(_check(api, method, filled, rule, cast.staff[within[0]], None))
    failures = [f for f in failures if f]
    assert not failures, "\n".join(failures)
