"""The local stack's demo workers: verified, complete profiles around Shanghai, found by customers downtown."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from common.clock import clock

from functions.matching import rank_workers
from functions.workers import seed_demo_workers, seed_workers
from tests.integration.conftest import Api
from tests.integration.worker_helpers import next_monday


def catalog(api: Api, operator_token: str) -> list[str]:
    """Five categories with two 2-hour services each; the service ids."""
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


def test_the_seed_makes_twenty_odd_verified_workers_with_full_public_profiles(
    api: Api, operator_token: str
) -> None:
    catalog(api, operator_token)

    ids = seed_workers(now=clock.now())
    again = seed_workers(now=clock.now())  # a second run refreshes, it does not duplicate
    verified = api.get("/v1/admin/workers?status=verified&limit=100", token=operator_token).body["items"]

    assert len(ids) >= 20 and again == ids
    assert sorted(w["id"] for w in verified) == sorted(ids)
    public = api.get(f"/v1/workers/{ids[0]}").body
    assert public["name"] == "王秀英" and public["hometown"] and public["bio"] and public["photos"]
    assert public["certificates"] and all("number" not in c for c in public["certificates"])


def test_customers_downtown_find_several_seeded_workers_for_every_category(
    api: Api, operator_token: str
) -> None:
    services = catalog(api, operator_token)
    seed_workers(now=clock.now())
    # A Tuesday 2-8 days ahead: before any seeded day off (10+ days ahead), so the weekly rest days decide.
    soon = next_monday(10, weeks_ahead=0) + timedelta(days=1)
    start = soon if soon - clock.now() > timedelta(days=2) else soon + timedelta(days=7)

    for lat, lng in ((31.1935, 121.4372), (31.2286, 121.5272), (31.2263, 121.4530)):  # 徐汇, 浦东, 静安
        for service_id in services[::2]:
            found = rank_workers(service_id, start, start + timedelta(hours=2), lat, lng, now=clock.now())
            assert len(found) >= 2, (lat, lng, service_id)


def test_the_local_stack_hook_logs_the_workers_in_so_they_can_use_the_app(
    api: Api, operator_token: str
) -> None:
    catalog(api, operator_token)
    logins: dict[str, str] = {}

    def login(name: str, role: str) -> str:
        reply = api.post("/v1/auth/wechat", {"code": f"dev:{name}", "role": role}).body
        logins[name] = reply["token"]
        return reply["user"]["id"]

    seeded = seed_demo_workers(SimpleNamespace(now=clock.now(), login=login))
    own = api.get("/v1/worker/profile", token=logins[seeded[0].name])

    assert seeded[0].code == "dev:wangxiuying" and seeded[0].nickname == "王秀英"
    assert own.status == 200 and own.body["status"] == "verified" and own.body["id"] == seeded[0].user_id
