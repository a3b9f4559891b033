"""A small world for the workers and matching tests: a catalog, workers registered and verified over the API,
a customer with an address, and booking times in the future (business time, Asia/Shanghai)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from common.clock import clock

from tests.integration.conftest import Api

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 徐汇 (GCJ-02): the customer's address in these tests.
HOME_LAT, HOME_LNG = 31.1880, 121.4370


def km_north(km: float) -> float:
    """Degrees of latitude for ``km`` (for placing workers at a known distance)."""
    return km / 111.195


def next_monday(at_hour: int = 9, weeks_ahead: int = 1) -> datetime:
    """A Monday at least a week away, at the given hour, business time."""
    today = clock.now().astimezone(SHANGHAI).date()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 + 7 * weeks_ahead)
    return datetime(monday.year, monday.month, monday.day, at_hour, tzinfo=SHANGHAI)


@dataclass
class Catalog:
    cleaning: str  # 保洁 (parent)
    daily: str  # 日常保洁 (child category)
    maternity: str  # 母婴护理
    daily_service: str  # 日常保洁 2 小时 (in 日常保洁, 60 min a unit)
    windows_service: str  # 擦窗 (in 日常保洁)
    nanny_service: str  # 育儿嫂 (in 母婴护理)


def make_catalog(api: Api, operator_token: str) -> Catalog:
    def category(name: str, parent: str | None = None) -> str:
        body = {"name": name, **({"parent_id": parent} if parent else {})}
        reply = api.post("/v1/admin/categories", body, token=operator_token)
        assert reply.status == 201, reply.body
        return reply.body["id"]

    def service(category_id: str, name: str, minutes: int) -> str:
        body = {
            "category_id": category_id,
            "name": name,
            "description": f"{name}服务",
            "duration_minutes": minutes,
            "pricing": {
                "unit": "hour",
                "unit_price_fen": 5000,
                "min_units": 1,
                "price_range_fen": [5000, 50000],
            },
        }
        reply = api.post("/v1/admin/services", body, token=operator_token)
        assert reply.status == 201, reply.body
        return reply.body["id"]

    cleaning = category("保洁")
    daily = category("日常保洁", cleaning)
    maternity = category("母婴护理")
    return Catalog(
        cleaning=cleaning,
        daily=daily,
        maternity=maternity,
        daily_service=service(daily, "日常保洁", 60),
        windows_service=service(daily, "擦窗", 60),
        nanny_service=service(maternity, "育儿嫂", 60),
    )


def profile(
    skills: list[str], *, lat: float = HOME_LAT, lng: float = HOME_LNG, **changes: Any
) -> dict[str, Any]:
    """A complete profile (API.md fields) with the given skills and home; ``changes`` override fields."""
    body: dict[str, Any] = {
        "name": "王秀英",
        "gender": "female",
        "birth_year": 1975,
        "hometown": "安徽安庆",
        "experience_years": 8,
        "skills": skills,
        "certificates": [
            {
                "type": "家政服务员证",
                "number": "JZ-310-000123",
                "expires_on": "2031-06-30",
                "media_url": "https://img.example/c.jpg",
            }
        ],
        "health": {
            "status": "healthy",
            "certificate_expires_on": (date.today() + timedelta(days=365)).isoformat(),
        },
        "bio": "做事细心，守时守信。",
        "photos": ["https://img.example/w1.jpg"],
        "case_photos": ["https://img.example/case1.jpg"],
        "videos": [],
        "home": {"lat": lat, "lng": lng},
        "service_radius_km": 5,
        "phone": "13900001111",
        "id_number": "31010419750101002X",
    }
    body.update(changes)
    return body


def register(api: Api, name: str, body: dict[str, Any]) -> tuple[str, str]:
    """A worker logs in and submits a profile; (token, worker id)."""
    login = api.post("/v1/auth/wechat", {"code": f"dev:{name}", "role": "worker"})
    assert login.status == 200, login.body
    token, worker_id = login.body["token"], login.body["user"]["id"]
    reply = api.put("/v1/worker/profile", body, token=token)
    assert reply.status == 200, reply.body
    return token, worker_id


def verified_worker(api: Api, operator_token: str, name: str, body: dict[str, Any]) -> tuple[str, str]:
    """A worker registered and approved by an operator; (token, worker id)."""
    token, worker_id = register(api, name, body)
    reply = api.post(
        f"/v1/admin/workers/{worker_id}/verify", {"approved": True, "note": "证件齐全"}, token=operator_token
    )
    assert reply.status == 200, reply.body
    return token, worker_id


def customer_with_address(
    api: Api, name: str = "xiaomei", lat: float = HOME_LAT, lng: float = HOME_LNG
) -> tuple[str, str]:
    """A customer and one of their addresses; (token, address id)."""
    token = api.login(name)
    body = {
        "contact_name": "王女士",
        "phone": "13800000000",
        "region": "上海市徐汇区",
        "detail": "漕溪北路 1 号",
        "lat": lat,
        "lng": lng,
    }
    reply = api.post("/v1/me/addresses", body, token=token)
    assert reply.status == 201, reply.body
    return token, reply.body["id"]


def quick_verified_worker(worker_id: str, body: dict[str, Any]) -> str:
    """A verified worker written through the service functions (no login): for tests that need many."""
    from functions.workers import service
    from functions.workers.models import ProfileIn

    now = clock.now()
    service.submit_profile(worker_id, ProfileIn.model_validate(body), now=now)
    service.verify(worker_id, True, "", operator_id="op_test", now=now)
    return worker_id
