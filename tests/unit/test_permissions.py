"""The permission table (functions/identity/permissions.py) covers every declared admin route, names only real
routes and real roles, and gives each role its part of API.md."""

from __future__ import annotations

from common.api import ROUTES
from common.lazy import load_all_routes

from functions.identity.permissions import PERMISSIONS, STAFF_ROLES, may_call


def _admin_routes() -> set[tuple[str, str]]:
    import app  # noqa: F401  (declares every route)

    load_all_routes()
    return {(method, path) for path, method in ROUTES if path.startswith("/v1/admin/")}


def test_every_admin_route_has_its_line_in_the_permission_table() -> None:
    routes = _admin_routes()
    missing = sorted(routes - set(PERMISSIONS))
    stale = sorted(set(PERMISSIONS) - routes)
    assert not missing, f"add these routes to PERMISSIONS in functions/identity/permissions.py: {missing}"
    assert not stale, f"these routes no longer exist: {stale}"


def test_the_table_names_only_staff_roles_and_admin_may_call_everything() -> None:
    for route, roles in PERMISSIONS.items():
        assert set(roles) <= set(STAFF_ROLES) - {"admin"}, route
        assert may_call(["admin"], *route)


def test_each_role_gets_its_part_of_api_md() -> None:
    part = {
        "dispatcher": [
            ("POST", "/v1/admin/orders/{order_id}/reassign"),
            ("POST", "/v1/admin/workers/{worker_id}/verify"),
        ],
        "finance": [
            ("POST", "/v1/admin/withdrawals/{withdrawal_id}/approve"),
            ("GET", "/v1/admin/exports/{name}"),
        ],
        "support": [("POST", "/v1/admin/reviews/{review_id}/hide"), ("GET", "/v1/admin/customers")],
        "marketing": [
            ("POST", "/v1/admin/coupon-templates/{template_id}/issue"),
            ("GET", "/v1/admin/stats/overview"),
        ],
    }
    for role, routes in part.items():
        for route in routes:
            assert may_call([role], *route), (role, route)
            others = [r for r in part if r != role]
            assert not any(may_call([other], *route) for other in others), (role, route)
    for admin_only in (
        ("POST", "/v1/admin/staff"),
        ("GET", "/v1/admin/audit"),
        ("POST", "/v1/admin/services"),
    ):
        assert not any(may_call([role], *admin_only) for role in part), admin_only
