"""Demo workers for the local stack: verified 阿姨 and 师傅 with full profiles around Shanghai (GCJ-02),
created through the same service functions the API uses. Needs the catalog seeded first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from common.clock import business_tz
from common.errors import RuleViolation

from functions.catalog import category_tree
from functions.workers import rules, service
from functions.workers.models import AvailabilityIn, ProfileIn

NAMES = [
    ("王秀英", "female", "wangxiuying"), ("李桂兰", "female", "liguilan"), ("张丽华", "female", "zhanglihua"),
    ("刘美玲", "female", "liumeiling"), ("陈淑芬", "female", "chenshufen"), ("杨春梅", "female", "yangchunmei"),
    ("赵玉珍", "female", "zhaoyuzhen"), ("黄秀兰", "female", "huangxiulan"), ("周丽娟", "female", "zhoulijuan"),
    ("吴凤英", "female", "wufengying"), ("徐翠花", "female", "xucuihua"), ("孙桂芳", "female", "sunguifang"),
    ("胡雪梅", "female", "huxuemei"), ("朱红霞", "female", "zhuhongxia"), ("高建国", "male", "gaojianguo"),
    ("林小燕", "female", "linxiaoyan"), ("何静", "female", "hejing"), ("郭金凤", "female", "guojinfeng"),
    ("马玉兰", "female", "mayulan"), ("罗海燕", "female", "luohaiyan"), ("梁秀珍", "female", "liangxiuzhen"),
    ("宋桂英", "female", "songguiying"), ("韩志强", "male", "hanzhiqiang"), ("唐明", "male", "tangming"),
]  # fmt: skip
LIVE_IN_MINUTES = (
    600  # a category with services this long per unit (月嫂, 育儿嫂) wants round-the-clock hours
)
HOMETOWNS = [
    "安徽安庆",
    "江苏盐城",
    "四川南充",
    "河南信阳",
    "江西上饶",
    "湖南常德",
    "山东临沂",
    "湖北黄冈",
    "重庆万州",
    "甘肃天水",
]
# Neighbourhoods of Shanghai (GCJ-02), so matches from anywhere downtown find several workers.
PLACES = [
    (31.1880, 121.4370), (31.2290, 121.4480), (31.2350, 121.5060), (31.2200, 121.4240), (31.2310, 121.4840),
    (31.2590, 121.5260), (31.1750, 121.4200), (31.2490, 121.3970), (31.2640, 121.5050), (31.2040, 121.5900),
    (31.2160, 121.5510), (31.1700, 121.4700),
]  # fmt: skip
BIOS = [
    "做事细心，守时守信，擅长厨房和卫生间的深度清洁，客户回头率高。",
    "性格开朗，有耐心，带过多个新生儿家庭，熟悉科学育儿和产妇护理。",
    "从事家政工作多年，收纳整理有一套，做饭合江浙沪口味。",
    "持证上岗，照顾过失能老人，会简单康复护理，细致周到。",
]
CERTIFICATES = ["家政服务员证", "母婴护理证", "育婴师证", "养老护理员证", "家电清洗技能证"]


def _skills(i: int) -> list[str]:
    """Two categories each, cycling through the catalog so every category has several workers downtown, plus one
    named service of the first (matched as "擅长该服务")."""
    roots = category_tree()
    if not roots:
        raise RuleViolation("seed the catalog before the workers", code="EMPTY_CATALOG")
    first, second = roots[i % len(roots)], roots[(i + 2) % len(roots)]
    skills = [first.id, second.id]
    if first.services:
        skills.append(first.services[i // len(roots) % len(first.services)].id)
    return list(dict.fromkeys(skills))


def _profile(i: int, today: date) -> ProfileIn:
    name, gender, _ = NAMES[i % len(NAMES)]
    lat, lng = PLACES[i % len(PLACES)]
    jitter = ((i * 37) % 17 - 8) / 1000, ((i * 53) % 19 - 9) / 1000  # a few hundred metres apart
    photo = f"https://img.jiazheng.example/workers/seed-{i:02d}"
    return ProfileIn.model_validate(
        {
            "name": name,
            "gender": gender,
            "birth_year": 1968 + (i * 5) % 22,
            "hometown": HOMETOWNS[i % len(HOMETOWNS)],
            "experience_years": 1 + (i * 3) % 15,
            "skills": _skills(i),
            "certificates": [
                {
                    "type": CERTIFICATES[i % len(CERTIFICATES)],
                    "number": f"JZ{310000 + i * 7919:08d}",
                    "expires_on": (today + timedelta(days=700 + i * 11)).isoformat(),
                    "media_url": f"{photo}/certificate.jpg",
                },
                {
                    "type": "健康证",
                    "number": f"HC{2026000 + i * 131:09d}",
                    "expires_on": (today + timedelta(days=200 + i * 9)).isoformat(),
                    "media_url": f"{photo}/health.jpg",
                },
            ],
            "health": {
                "status": "healthy",
                "certificate_expires_on": (today + timedelta(days=200 + i * 9)).isoformat(),
            },
            "bio": BIOS[i % len(BIOS)],
            "photos": [f"{photo}/photo-1.jpg", f"{photo}/photo-2.jpg"],
            "case_photos": [f"{photo}/case-1.jpg", f"{photo}/case-2.jpg", f"{photo}/case-3.jpg"],
            "videos": [f"{photo}/intro.mp4"] if i % 4 == 0 else [],
            "home": {"lat": round(lat + jitter[0], 6), "lng": round(lng + jitter[1], 6)},
            "service_radius_km": [8, 10, 6, 10][i % 4],
            "phone": f"139{16000000 + i * 1237:08d}",
        }
    )


def _live_in_categories() -> set[str]:
    return {
        node.id
        for node in category_tree()
        if any(s.duration_minutes >= LIVE_IN_MINUTES for s in node.services)
    }


def _availability(i: int, today: date, live_in: bool) -> AvailabilityIn:
    hours = [("08:00", "18:00"), ("07:00", "20:00"), ("09:00", "17:00"), ("08:00", "22:00")][i % 4]
    if live_in:  # a live-in 月嫂 or 育儿嫂 works every day of an engagement and rests between engagements
        return AvailabilityIn.model_validate(
            {"weekly": rules.default_weekly(("00:00", "24:00")), "days_off": []}
        )
    rest = rules.WEEKDAYS[i % 7]  # one weekday off each week
    weekly = {day: [hours] for day in rules.WEEKDAYS if day != rest}
    days_off = [today + timedelta(days=10 + i % 9)]
    return AvailabilityIn.model_validate({"weekly": weekly, "days_off": days_off})


def seed_workers(
    *, now: datetime, count: int = 24, worker_ids: Sequence[str] | None = None, operator_id: str = "op_seed"
) -> list[str]:
    """Create (or refresh) ``count`` verified workers with full profiles and availability; their ids.

    ``worker_ids`` lets the local stack use the user ids of real worker logins, so the demo workers can log in.
    """
    ids = list(worker_ids) if worker_ids is not None else [f"seed-worker-{i:02d}" for i in range(count)]
    today = now.astimezone(business_tz()).date()
    live_in = _live_in_categories()
    for i, worker_id in enumerate(ids):
        profile = _profile(i, today)
        own = service.submit_profile(worker_id, profile, now=now)
        service.set_availability(
            worker_id, _availability(i, today, own.skills[0].category_id in live_in), now=now
        )
        if own.status == rules.PENDING:
            service.verify(worker_id, True, "资料齐全，证件核验通过", operator_id=operator_id, now=now)
    return ids


@dataclass(frozen=True)
class SeededWorker:
    role: str
    name: str  # the login name: code ``dev:NAME``
    user_id: str
    nickname: str

    @property
    def code(self) -> str:
        return f"dev:{self.name}"


def seed_demo_workers(ctx: Any) -> list[SeededWorker]:
    """The local stack's hook: log the demo workers in through WeChat (``ctx.login(name, "worker")``, code
    ``dev:NAME``) so they can use the worker app, then give them verified profiles (``seed_workers``)."""
    ids = [ctx.login(login, "worker") for _, _, login in NAMES]
    seed_workers(now=ctx.now, worker_ids=ids)
    return [
        SeededWorker("worker", login, uid, name) for (name, _, login), uid in zip(NAMES, ids, strict=True)
    ]
