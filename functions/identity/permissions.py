"""The permission table: which staff roles may call each ``/v1/admin/`` route (API.md "Operators").

One line per route, ``(method, path template)`` → the roles allowed besides ``admin``, who may call everything.
The one authorizer (``common.api.authorize``) asks ``functions.identity.staff.authorize_staff``, which reads this
table; a route missing from it is ``admin`` only (closed by default), and ``tests/unit/test_permissions.py``
fails until every declared admin route has its line.

API.md's roles: ``dispatcher`` orders, workers, complaints; ``finance`` refunds, withdrawals, finance, exports;
``support`` complaints, customers, reviews; ``marketing`` coupons, rewards, statistics; ``admin`` everything
(the catalog, staff and the audit trail are ``admin``'s alone).
"""

from __future__ import annotations

STAFF_ROLES = ("admin", "dispatcher", "finance", "support", "marketing")
ADMIN_ONLY: tuple[str, ...] = ()
EVERY_STAFF = ("dispatcher", "finance", "support", "marketing")

PERMISSIONS: dict[tuple[str, str], tuple[str, ...]] = {
    # catalog
    ("POST", "/v1/admin/categories"): ADMIN_ONLY,
    ("POST", "/v1/admin/services"): ADMIN_ONLY,
    ("PATCH", "/v1/admin/services/{service_id}"): ADMIN_ONLY,
    # orders: the board is read by whoever handles an order's money or complaints too
    ("GET", "/v1/admin/orders"): ("dispatcher", "finance", "support"),
    ("GET", "/v1/admin/orders/{order_id}"): ("dispatcher", "finance", "support"),
    ("POST", "/v1/admin/orders/{order_id}/reassign"): ("dispatcher",),
    ("POST", "/v1/admin/orders/{order_id}/replace"): ("dispatcher",),  # an engagement's worker, 换人
    ("POST", "/v1/admin/orders/{order_id}/cancel"): ("dispatcher", "finance"),  # cancel with a refund
    # complaints
    ("GET", "/v1/admin/complaints"): ("dispatcher", "support"),
    ("POST", "/v1/admin/complaints/{complaint_id}/resolve"): ("dispatcher", "support"),
    # the exception queue (issue 17): dispatchers handle late starts, no check-ins, overtime and unconfirmed
    # orders; support reads it to answer the customers who call about them (and handles no exception)
    ("GET", "/v1/admin/exceptions"): ("dispatcher", "support"),
    ("POST", "/v1/admin/exceptions/{exception_id}/resolve"): ("dispatcher",),
    # the operators' inbox: everyone's
    ("GET", "/v1/admin/notifications"): EVERY_STAFF,
    ("POST", "/v1/admin/notifications/{notification_id}/read"): EVERY_STAFF,
    ("POST", "/v1/admin/notifications/read-all"): EVERY_STAFF,
    # withdrawals
    ("GET", "/v1/admin/withdrawals"): ("finance",),
    ("POST", "/v1/admin/withdrawals/{withdrawal_id}/approve"): ("finance",),
    ("POST", "/v1/admin/withdrawals/{withdrawal_id}/reject"): ("finance",),
    # workers: onboarding, suspension, credit and violations
    ("GET", "/v1/admin/workers"): ("dispatcher",),
    ("GET", "/v1/admin/workers/{worker_id}"): ("dispatcher",),
    ("POST", "/v1/admin/workers/{worker_id}/verify"): ("dispatcher",),
    ("POST", "/v1/admin/workers/{worker_id}/suspend"): ("dispatcher",),
    ("POST", "/v1/admin/workers/{worker_id}/reinstate"): ("dispatcher",),
    ("GET", "/v1/admin/workers/{worker_id}/credit"): ("dispatcher",),
    ("POST", "/v1/admin/workers/{worker_id}/violations"): ("dispatcher",),
    # reviews and appeals (an appeal contests a violation, an upheld complaint or a review)
    ("POST", "/v1/admin/reviews/{review_id}/hide"): ("support",),
    ("GET", "/v1/admin/appeals"): ("dispatcher", "support"),
    ("POST", "/v1/admin/appeals/{appeal_id}/decide"): ("dispatcher", "support"),
    # marketing
    ("POST", "/v1/admin/coupon-templates"): ("marketing",),
    ("GET", "/v1/admin/coupon-templates"): ("marketing",),
    ("POST", "/v1/admin/coupon-templates/{template_id}/issue"): ("marketing",),
    ("POST", "/v1/admin/rewards"): ("marketing",),
    # statistics
    ("GET", "/v1/admin/stats/overview"): ("marketing",),
    ("GET", "/v1/admin/stats/timeseries"): ("marketing",),
    ("GET", "/v1/admin/stats/workers"): ("marketing",),
    ("GET", "/v1/admin/stats/forecast"): ("marketing",),
    # customers
    ("GET", "/v1/admin/customers"): ("support",),
    ("GET", "/v1/admin/customers/{customer_id}"): ("support",),
    # finance
    ("GET", "/v1/admin/finance/summary"): ("finance",),
    ("GET", "/v1/admin/exports/{name}"): ("finance",),
    # staff and the audit trail
    ("POST", "/v1/admin/staff"): ADMIN_ONLY,
    ("GET", "/v1/admin/staff"): ADMIN_ONLY,
    ("PATCH", "/v1/admin/staff/{staff_id}"): ADMIN_ONLY,
    ("GET", "/v1/admin/audit"): ADMIN_ONLY,
}


def roles_allowed(method: str, path: str) -> tuple[str, ...]:
    """The roles that may call ``method path`` (a route template); ``admin`` always among them."""
    return ("admin", *PERMISSIONS.get((method, path), ADMIN_ONLY))


def may_call(roles: tuple[str, ...] | list[str], method: str, path: str) -> bool:
    """Whether a staff member with ``roles`` may call the route (pure: the table and the roles)."""
    allowed = roles_allowed(method, path)
    return any(role in allowed for role in roles)
