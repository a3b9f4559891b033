"""``POST /v1/matches`` over tables of 1,000 and 100,000 workers with the same density around the address.

Both tables hold the same 800 workers spread evenly over a 30 km disc around 徐汇 (Shanghai), the customer's
address; the rest of the workers live in other cities (150 km and more away). So a match that reads only the
workers near the address reads the same items at both sizes, and one that grew with the table would show it.
A fifth of the nearby workers already hold a booking on the bench's day, so the slot checks find busy workers.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from common.auth import issue_token
from common.clock import clock, iso

from bench.scenarios import Endpoint, progress
from functions.catalog import service as catalog
from functions.catalog.models import CategoryIn, ServiceIn
from functions.identity import store as identity_store
from functions.workers import rules, slot_store, store
from functions.workers.models import ProfileIn, SkillRef, WorkerRecord

SIZES = (1_000, 100_000)
NEAR = 800  # workers within NEAR_KM of the address, at both sizes
NEAR_KM = 30.0
ADDRESS = (31.1880, 121.4370)  # 徐汇, GCJ-02
OTHER_CITIES = [
    (30.2741, 120.1551),  # 杭州
    (32.0603, 118.7969),  # 南京
    (31.8206, 117.2272),  # 合肥
    (30.5928, 114.3055),  # 武汉
    (39.9042, 116.4074),  # 北京
    (23.1291, 113.2644),  # 广州
    (22.5431, 114.0579),  # 深圳
    (30.5728, 104.0668),  # 成都
    (29.5630, 106.5516),  # 重庆
    (34.3416, 108.9398),  # 西安
    (39.3434, 117.3616),  # 天津
    (36.0671, 120.3826),  # 青岛
]
CITY_KM = 25.0
SH = ZoneInfo("Asia/Shanghai")


def _catalog() -> dict[str, str]:
    ids = {}
    for key, name in (("cleaning", "保洁"), ("maternity", "母婴护理"), ("eldercare", "养老护理")):
        ids[key] = catalog.create_category(CategoryIn(name=name), new_id=lambda k=key: f"cat_{k}").id
    service = ServiceIn(
        category_id=ids["cleaning"],
        name="日常保洁",
        description="两小时起，厨房、卫生间、客厅、卧室的日常清洁",
        duration_minutes=60,
        pricing={"unit": "hour", "unit_price_fen": 5000, "min_units": 2, "price_range_fen": [10000, 30000]},
    )
    ids["service"] = catalog.create_service(service, new_id=lambda: "svc_daily_cleaning").id
    return ids


def _point_in_disc(rng: random.Random, lat: float, lng: float, km: float) -> tuple[float, float]:
    """Uniform over the disc's area."""
    r, bearing = km * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    dlat = r * math.cos(bearing) / 111.195
    dlng = r * math.sin(bearing) / (111.195 * math.cos(math.radians(lat)))
    return lat + dlat, lng + dlng


def _record(
    n: int, lat: float, lng: float, categories: list[tuple[str, str]], now: str, today: str
) -> WorkerRecord:
    skills = [SkillRef(id=c, kind="category", name=name, category_id=c) for c, name in categories]
    profile = {
        "name": f"阿姨{n:06d}",
        "gender": "female",
        "birth_year": 1965 + n % 30,
        "hometown": "安徽安庆",
        "experience_years": n % 20,
        "skills": [s.id for s in skills],
        "health": {"status": "healthy", "certificate_expires_on": "2099-12-31"},
        "photos": [f"https://img.example/w{n}.jpg"],
        "home": {"lat": lat, "lng": lng},
        "service_radius_km": (5, 8, 10)[n % 3],
    }
    return WorkerRecord(
        id=f"w{n:07d}",
        status="verified",
        profile=ProfileIn.model_validate(profile),
        skills=skills,
        skill_index={s.id: rules.CardSkill(via="category") for s in skills},
        weekly=rules.default_weekly(("08:00", "20:00")),
        days_off=[today] if n % 17 == 0 else [],
        credit_score=550 + n % 300,
        verified_at=now,
        since=now,
        created_at=now,
        updated_at=now,
    )


def _bench_day() -> datetime:
    today = clock.now().astimezone(SH).date()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 + 7)
    return datetime(monday.year, monday.month, monday.day, 9, tzinfo=SH)


def _workers(size: int, ids: dict[str, str], day: datetime) -> None:
    rng = random.Random(42)
    now, today = iso(clock.now()), day.date().isoformat()
    kinds = [
        [(ids["cleaning"], "保洁")],
        [(ids["cleaning"], "保洁"), (ids["eldercare"], "养老护理")],
        [(ids["maternity"], "母婴护理")],
    ]

    def records() -> Any:
        for n in range(size):
            if n < NEAR:
                lat, lng = _point_in_disc(rng, *ADDRESS, NEAR_KM)
            else:
                lat, lng = _point_in_disc(rng, *OTHER_CITIES[n % len(OTHER_CITIES)], CITY_KM)
            yield _record(n, lat, lng, kinds[n % 3], now, today)
            if (n + 1) % 5000 == 0 or n + 1 == size:
                progress("workers", n + 1, size)

    store.bulk_put(records())
    # A fifth of the nearby workers are booked 09:00-13:00 on the bench's day (locks as hold_slots writes them).
    keys = rules.slot_keys(day, day + timedelta(hours=4), 30, SH)
    with slot_store.SlotItem.batch_write() as batch:
        for n in range(0, NEAR, 5):
            for sk in keys:
                batch.save(
                    slot_store.SlotItem(store.pk(f"w{n:07d}"), sk, order_id=f"o{n}", expires_at=2_000_000_000)
                )


def _customer() -> tuple[str, str]:
    uid = "bench-customer"
    identity_store.UserItem(
        *identity_store.user_key(uid),
        id=uid,
        role="customer",
        openid="bench",
        referral_code="bench",
        created_at=iso(clock.now()),
    ).save()
    identity_store.AddressItem(
        f"USER#{uid}",
        "ADDR#home",
        id="home",
        contact_name="王女士",
        phone="13800000000",
        region="上海市徐汇区",
        detail="漕溪北路 1 号",
        lat=ADDRESS[0],
        lng=ADDRESS[1],
    ).save()
    return uid, "home"


def seed(size: int) -> dict[str, Any]:
    ids = _catalog()
    day = _bench_day()
    _workers(size, ids, day)
    customer, address = _customer()
    return {"service_id": ids["service"], "customer": customer, "address": address, "day": day}


def endpoints(ctx: dict[str, Any]) -> list[Endpoint]:
    token = issue_token(ctx["customer"], "customer", now=clock.now())
    day: datetime = ctx["day"]

    def body(i: int) -> dict[str, Any]:
        # Starts from 09:00 to 13:00 on the bench's day and the next: some meet the booked workers, some not.
        start = day + timedelta(days=i % 2, hours=(i // 2) % 5)
        return {
            "service_id": ctx["service_id"],
            "start": start.isoformat(),
            "units": 2,
            "address_id": ctx["address"],
        }

    return [Endpoint("POST /v1/matches", "POST", "/v1/matches", body=body, token=token)]
