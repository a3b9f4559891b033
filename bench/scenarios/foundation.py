"""Catalog and identity endpoints over a table holding ``size`` customers (each with a profile, an openid
lookup and two addresses): reads must not grow with the number of customers."""

from __future__ import annotations

import os
from typing import Any

from common.clock import clock, iso

from bench.scenarios import Endpoint, progress
from functions.catalog import service as catalog
from functions.catalog.models import CategoryIn, ServiceIn
from functions.identity import service as identity
from functions.identity import store
from infra.standins.wechat import WeChatStandIn

SIZES = (100, 10_000)


def _seed_catalog() -> str:
    root = catalog.create_category(CategoryIn(name="保洁", sort=1), new_id=lambda: "cat_bench")
    service_id = ""
    for i in range(12):
        svc = catalog.create_service(
            ServiceIn(
                category_id=root.id,
                name=f"日常保洁 {i}",
                description="两小时起，厨房、卫生间、客厅、卧室的日常清洁",
                duration_minutes=60,
                pricing={
                    "unit": "hour",
                    "unit_price_fen": 5000 + i,
                    "min_units": 2,
                    "price_range_fen": [10000, 30000],
                },
                scenarios=["日常维护"],
            ),
            new_id=lambda i=i: f"svc_bench_{i}",
        )
        service_id = svc.id
    return service_id


def _seed_customers(size: int) -> None:
    now = iso(clock.now())
    with store.UserItem.batch_write() as batch:
        for n in range(size):
            uid = f"u{n:08d}"
            batch.save(
                store.UserItem(
                    *store.user_key(uid),
                    id=uid,
                    role="customer",
                    openid=f"bench{n}",
                    referral_code=uid[-8:],
                    created_at=now,
                    address_count=2,
                )
            )
            batch.save(store.OpenIdItem(f"OPENID#customer#bench{n}", "USER", user_id=uid))
            for a in range(2):
                batch.save(
                    store.AddressItem(
                        f"USER#{uid}",
                        f"ADDR#a{a}",
                        id=f"a{a}",
                        contact_name="王女士",
                        phone="13800000000",
                        region="上海市徐汇区",
                        detail="漕溪北路 1 号",
                        lat=31.19 + a / 1000,
                        lng=121.43,
                    )
                )
            if (n + 1) % 1000 == 0 or n + 1 == size:
                progress("customers", n + 1, size)


def seed(size: int) -> dict[str, Any]:
    standin = WeChatStandIn(appid="wx-bench", secret="wx-bench-secret")
    os.environ.update(
        WECHAT_API_BASE=standin.url, WECHAT_APPID="wx-bench", WECHAT_APP_SECRET="wx-bench-secret"
    )
    from common.settings import get_settings

    get_settings.cache_clear()
    service_id = _seed_catalog()
    _seed_customers(size)
    identity.ensure_operator("admin", "bench-password", now=clock.now())
    return {"standin": standin, "service_id": service_id}


def endpoints(ctx: dict[str, Any]) -> list[Endpoint]:
    from common.auth import issue_token

    customer = issue_token("u00000042", "customer", now=clock.now())
    return [
        Endpoint("GET /v1/categories", "GET", "/v1/categories"),
        Endpoint("GET /v1/services/{id}", "GET", f"/v1/services/{ctx['service_id']}"),
        Endpoint(
            "POST /v1/auth/wechat (returning)",
            "POST",
            "/v1/auth/wechat",
            {"code": "dev:bench42", "role": "customer"},
        ),
        Endpoint(
            "POST /v1/auth/operator",
            "POST",
            "/v1/auth/operator",
            {"username": "admin", "password": "bench-password"},
        ),
        Endpoint("GET /v1/me", "GET", "/v1/me", token=customer),
        Endpoint("GET /v1/me/addresses", "GET", "/v1/me/addresses", token=customer),
        Endpoint("GET /v1/openapi.json", "GET", "/v1/openapi.json"),
    ]


def teardown(ctx: dict[str, Any]) -> None:
    ctx["standin"].close()
