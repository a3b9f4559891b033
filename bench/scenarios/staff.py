"""Staff and the audit trail over trails of 100 and 10,000 audit items: the admin's first page of the trail, the
staff list, a dispatcher's order board (what the staff check adds to every admin call: one GetItem of the
account), a refused call (403 after that one GetItem, nothing else read) and a catalog edit that writes its audit
item in its own transaction. Calls and items read must not grow with the trail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from common import audit
from common.auth import issue_token
from common.clock import clock

from bench.scenarios import Endpoint, operator_token, progress
from functions.identity.staff import ensure_operator

SIZES = (100, 10_000)


def seed(size: int) -> dict[str, Any]:
    now = clock.now()
    ensure_operator("dispatcher", "bench-password", now=now, roles=["dispatcher"])
    start = now - timedelta(days=30)
    with audit.AuditItem.batch_write() as batch:
        for n in range(size):
            at = start + timedelta(seconds=n)
            target = f"order:o{n:07d}"
            batch.save(audit.item("op_dispatcher", "order.reassign", target, {"worker_id": "w0000001"}, at))
            if (n + 1) % 5000 == 0 or n + 1 == size:
                progress("audit items", n + 1, size)
    return {"day": now.date().isoformat()}


def endpoints(ctx: dict[str, Any]) -> list[Endpoint]:
    now = clock.now()
    admin = operator_token(now=now)
    dispatcher = issue_token("op_dispatcher", "operator", now=now, roles=["dispatcher"])
    return [
        Endpoint("GET /v1/admin/audit (first page)", "GET", "/v1/admin/audit?limit=20", token=admin),
        Endpoint("GET /v1/admin/staff", "GET", "/v1/admin/staff", token=admin),
        Endpoint(
            "GET /v1/admin/orders (dispatcher)",
            "GET",
            f"/v1/admin/orders?date={ctx['day']}",
            token=dispatcher,
        ),
        Endpoint(
            "GET /v1/admin/withdrawals (403)", "GET", "/v1/admin/withdrawals", token=dispatcher, expect=403
        ),
        Endpoint(
            "POST /v1/admin/categories (+audit)",
            "POST",
            "/v1/admin/categories",
            body={"name": "收纳"},
            token=admin,
            expect=201,
        ),
    ]
