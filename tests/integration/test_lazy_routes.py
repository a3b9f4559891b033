"""Capabilities load on a route's first call (``common.lazy``): through the app, a route of every capability is
served as its manifest declares, with the route's own models, auth and errors."""

from __future__ import annotations

import importlib
from pathlib import Path

from tests.integration.conftest import Api

ROOT = Path(__file__).resolve().parents[2]


def test_a_route_of_every_capability_is_served_after_its_lazy_load(api: Api, operator_token: str) -> None:
    customer = api.login("lazy-lee")
    replies = {
        "identity": api.get("/v1/me", token=customer),
        "catalog": api.get("/v1/categories"),
        "workers": api.get("/v1/admin/workers", token=operator_token),
        "matching": api.post("/v1/matches", {}, token=customer),  # the body's schema is matching's: 422
        "booking": api.get("/v1/orders", token=customer),
        "notifications": api.get("/v1/me/notifications", token=customer),
        "payments": api.get("/v1/admin/withdrawals", token=operator_token),
        "reviews": api.get("/v1/admin/appeals", token=operator_token),
        "marketing": api.get("/v1/me/points", token=customer),
        "analytics": api.get("/v1/admin/stats/overview", token=operator_token),
        "interviews": api.get("/v1/me/interviews", token=customer),
        "plans": api.get("/v1/plans", token=customer),
    }
    capabilities = {p.parent.name for p in (ROOT / "functions").glob("*/manifest.py")}
    assert set(replies) == capabilities, "add a route of the new capability here"
    statuses = {name: reply.status for name, reply in replies.items()}
    assert statuses == {name: 422 if name == "matching" else 200 for name in replies}
    assert replies["identity"].body["role"] == "customer"
    assert replies["matching"].body["error"]["code"] == "VALIDATION_FAILED"
    assert api.get("/v1/orders").body["error"]["code"] == "UNAUTHORIZED"  # the path's role, before any work


def test_every_manifest_route_is_in_the_route_table_with_the_handler_it_names(api: Api) -> None:
    from common.api import ROUTES

    from app import app

    for capability in sorted(p.parent.name for p in (ROOT / "functions").glob("*/manifest.py")):
        manifest = importlib.import_module(f"functions.{capability}.manifest")
        for method, path, handler in manifest.ROUTES:
            assert method in app.routes[path], (method, path)
            spec = ROUTES[(path, method)]
            assert f"{spec.handler.__module__}.{spec.handler.__name__}" == handler
