"""The local stack's demo workers: verified, complete profiles around Shanghai that can log in, found by
customers downtown for every category."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from common.clock import clock

from functions.matching import rank_workers
from functions.workers import seed_demo_workers, seed_workers
from tests.integration.conftest import Api
from tests.integration.worker_helpers import next_monday

DOWNTOWN = (
    (31.1935, 121.4372),
    (31.2286, 121.5272),
    (31.2263, 121.4530),
)  # 徐汇, 浦东, 静安: seeded customers


def catalog(api: Api, operator_token: str) -> list[str]:
    """Five categories with two 1-hour services each; the service ids."""
    services = []
    for name in ("保洁", "母婴护理", "养老护理", "家电清洗", "家庭维修"):
        category = api.post("/v1/admin/categories", {"name": name}, token=operator_token).body["id"]
        for n in range(2):
            body = {
                "category_id": category,
                "name": f"{name}{n}",
                "description": name,
                "duration_minutes": 60,
                "pricing": {
                    "unit": "hour",
                    "unit_price_fen": 5000,
                    "min_units": 1,
                    "price_range_fen": [5000, 9000],
                },
            }
            services.append(api.post("/v1/admin/services", body, token=operator_token).body["id"])
    return services


def test_the_demo_workers_are_verified_can_log_in_and_are_found_downtown_for_every_category(
    api: Api, operator_token: str
) -> None:
    services = catalog(api, operator_token)
    tokens: dict[str, str] = {}

    def login(name: str, role: str) -> str:
        reply = api.post("/v1/auth/wechat", {"code": f"dev:{name}", "role": role}).body
        tokens[name] = reply["token"]
        return reply["user"]["id"]

    seeded = seed_demo_workers(SimpleNamespace(now=clock.now(), login=login))

    verified = api.get("/v1/admin/workers?status=verified&limit=100", token=operator_token).body["items"]
    assert len(seeded) >= 20 and sorted(w["id"] for w in verified) == sorted(w.user_id for w in seeded)
    first = seeded[0]
    assert (first.code, first.nickname) == ("dev:wangxiuying", "王秀英")
    own = api.get("/v1/worker/profile", token=tokens[first.name]).body
    assert own["status"] == "verified" and own["id"] == first.user_id
    public = api.get(f"/v1/workers/{first.user_id}").body
    assert public["hometown"] and public["bio"] and public["photos"] and public["certificates"]
    assert all("number" not in c for c in public["certificates"])
    # A Tuesday 2-8 days ahead: before any seeded day off (10+ days ahead), so the weekly rest days decide.
    soon = next_monday(10, weeks_ahead=0) + timedelta(days=1)
    start = soon if soon - clock.now() > timedelta(days=2) else soon + timedelta(days=7)
    for lat, lng in DOWNTOWN:
        for service_id in services[::2]:
            found = rank_workers(service_id, start, start + timedelta(hours=2), lat, lng, now=clock.now())
            assert len(found) >= 2, (lat, lng, service_id)


def test_seeding_again_refreshes_the_same_workers(api: Api, operator_token: str) -> None:
    catalog(api, operator_token)

    first = seed_workers(now=clock.now(), count=2)
    again = seed_workers(now=clock.now(), count=2)
    verified = api.get("/v1/admin/workers?status=verified", token=operator_token).body["items"]

    assert first == again == ["seed-worker-00", "seed-worker-01"]
    assert sorted(w["id"] for w in verified) == first
