"""Demo data for the local stack, written through the capabilities' service functions (never raw table writes),
so the seed obeys the same rules and keys as the product.

- the catalog: 5 categories, 11 services, with stable readable ids (``cat_cleaning``, ``svc_daily_cleaning``);
  the cleaning services offer add-ons (加项), and 深度保洁 (``svc_deep_cleaning``) shows the whole on-site visit:
  arrival check-in before start, after-photos and a checklist at completion (日常保洁 keeps a plain visit, which
  the older journeys walk);
- the operator ``admin``;
- three customers, logged in through the WeChat login path against the stand-in (code ``dev:NAME``), with
  nicknames and Shanghai addresses (GCJ-02 coordinates, as the mini-program gives them);
- workers: ``seed_workers`` calls ``functions.workers.seed_demo_workers(ctx)`` when the workers capability has it.
"""

from __future__ import annotations

import importlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from common.ids import new_id

from functions.catalog.models import Addon, CategoryIn, Pricing, ServiceIn
from functions.catalog.service import create_category, create_service
from functions.identity.models import AddressIn, ProfilePatch, WeChatLoginRequest
from functions.identity.service import add_address, ensure_operator, login_wechat, update_profile
from functions.identity.wechat import WeChatLoginClient

OPERATOR_USERNAME = "admin"
# Demo staff, one per role (API.md "Operators"), with the operator's password: username → roles.
DEMO_STAFF: dict[str, list[str]] = {
    "dispatcher": ["dispatcher"],
    "finance": ["finance"],
    "support": ["support"],
    "marketing": ["marketing"],
}


@dataclass(frozen=True)
class CategorySeed:
    id: str
    name: str
    sort: int


@dataclass(frozen=True)
class ServiceSeed:
    id: str
    category_id: str
    name: str
    description: str
    duration_minutes: int  # one unit
    unit: str  # visit | hour | sqm | day
    unit_price_fen: int
    min_units: int
    price_range_fen: tuple[int, int]
    scenarios: tuple[str, ...]
    # The visit (API.md "On-site service"): add-ons (加项), the checklist ticked at completion, arrival and
    # after-photos required.
    addons: tuple[dict[str, Any], ...] = ()
    checklist: tuple[str, ...] = ()
    requires_arrival: bool | None = None
    requires_after_photos: bool = False


CATEGORIES = (
    CategorySeed("cat_cleaning", "保洁", 10),
    CategorySeed("cat_maternity", "母婴护理", 20),
    CategorySeed("cat_eldercare", "养老护理", 30),
    CategorySeed("cat_appliance", "家电清洗", 40),
    CategorySeed("cat_repair", "家庭维修", 50),
)

SERVICES = (
    ServiceSeed(
        id="svc_daily_cleaning",
        category_id="cat_cleaning",
        name="日常保洁",
        description=(
            "按小时计费的家庭日常清洁：客厅、卧室、厨房台面和卫生间的除尘、擦拭、拖地与垃圾清理。保洁员自带基"
            "础清洁工具和中性清洁剂，2 小时起约。"
        ),
        duration_minutes=60,
        unit="hour",
        unit_price_fen=4500,
        min_units=2,
        price_range_fen=(9000, 27000),
        scenarios=("日常打扫", "换季整理", "聚会前后清洁", "出租房退租清洁"),
        addons=(
            {"id": "fridge", "name": "冰箱内部清洁", "price_fen": 3000, "minutes": 60},
            {"id": "wardrobe", "name": "衣柜收纳整理", "price_fen": 4000, "minutes": 60},
        ),
    ),
    ServiceSeed(
        id="svc_deep_cleaning",
        category_id="cat_cleaning",
        name="深度保洁",
        description=(
            "一次上门的全屋深度清洁，适合三居室以内：厨房重油污、卫生间水垢霉斑、门窗玻璃及轨道、柜体内外、灯"
            "具和踢脚线逐项处理。两名保洁员约 5 小时完成，使用专业工具和分区抹布，避免交叉污染。"
        ),
        duration_minutes=300,
        unit="visit",
        unit_price_fen=39800,
        min_units=1,
        price_range_fen=(39800, 79600),
        scenarios=("年终大扫除", "搬家前后", "长期未打扫", "宝宝出生前"),
        addons=(
            {"id": "range_hood", "name": "油烟机拆洗", "price_fen": 8000, "minutes": 60},
            {"id": "balcony", "name": "阳台清洁", "price_fen": 3000, "minutes": 30},
        ),
        checklist=("厨房重油污", "卫生间水垢霉斑", "门窗玻璃及轨道", "柜体内外", "灯具和踢脚线"),
        requires_arrival=True,
        requires_after_photos=True,
    ),
    ServiceSeed(
        id="svc_move_in_cleaning",
        category_id="cat_cleaning",
        name="开荒保洁",
        description=(
            "新房装修后的开荒清洁：清除水泥点、胶渍、油漆点和装修粉尘，擦洗门窗、玻璃、橱柜和洁具，地面除胶后"
            "清洗。按小时计费，多名保洁员协同作业，4 小时起约，面积大的房子请多约几个小时。"
        ),
        duration_minutes=60,
        unit="hour",
        unit_price_fen=6000,
        min_units=4,
        price_range_fen=(24000, 96000),
        scenarios=("新房装修后", "二手房入住前", "办公室翻新后"),
    ),
    ServiceSeed(
        id="svc_maternity_nanny",
        category_id="cat_maternity",
        name="月嫂",
        description=(
            "持证月嫂 24 小时住家服务一个月（26 天）：新生儿喂养、洗澡、抚触、脐带护理和黄疸观察，产妇"
            "月子餐、乳房护理与产后恢复指导。上岗前提供健康证和母婴护理证书，按天计费。"
        ),
        duration_minutes=1440,
        unit="day",
        unit_price_fen=40000,
        min_units=26,
        price_range_fen=(1040000, 2080000),
        scenarios=("顺产月子", "剖宫产月子", "双胞胎护理", "二胎家庭"),
    ),
    ServiceSeed(
        id="svc_childcare_nanny",
        category_id="cat_maternity",
        name="育儿嫂",
        description=(
            "白班育儿嫂（早 8 点至晚 6 点）照护 0–3 岁宝宝：辅食制作、睡眠与如厕习惯培养、早教游戏"
            "、户外活动和宝宝衣物清洗。按天计费，26 天起约。"
        ),
        duration_minutes=600,
        unit="day",
        unit_price_fen=25000,
        min_units=26,
        price_range_fen=(650000, 1040000),
        scenarios=("父母双职工", "宝宝断奶期", "早教陪伴"),
    ),
    ServiceSeed(
        id="svc_elderly_companion",
        category_id="cat_eldercare",
        name="老人陪护",
        description=(
            "上门陪伴居家老人：聊天陪伴、协助进餐和服药、测量血压血糖、陪同散步或就医，并做简单的房间整理。按"
            "小时计费，4 小时起约。"
        ),
        duration_minutes=60,
        unit="hour",
        unit_price_fen=5000,
        min_units=4,
        price_range_fen=(20000, 60000),
        scenarios=("子女上班白天无人照看", "陪同就医", "术后居家休养"),
    ),
    ServiceSeed(
        id="svc_rehab_care",
        category_id="cat_eldercare",
        name="康复护理",
        description=(
            "由有护理资质的护理员上门，为术后、卒中后或长期卧床的老人做康复训练和护理：关节被动活动、翻身拍背"
            "、压疮预防、助行训练。每次 2 小时。"
        ),
        duration_minutes=120,
        unit="visit",
        unit_price_fen=29800,
        min_units=1,
        price_range_fen=(29800, 89400),
        scenarios=("术后康复", "中风后康复", "长期卧床护理"),
    ),
    ServiceSeed(
        id="svc_ac_cleaning",
        category_id="cat_appliance",
        name="空调清洗",
        description=(
            "挂式空调拆洗：拆下面板和滤网清洗，高温蒸汽清洗蒸发器和风轮，排水管疏通，清洗后试机检查。每台约 "
            "1 小时，按台计费；柜机请选两台的数量。"
        ),
        duration_minutes=60,
        unit="visit",
        unit_price_fen=12000,
        min_units=1,
        price_range_fen=(12000, 36000),
        scenarios=("入夏前清洗", "空调有异味", "制冷效果变差"),
    ),
    ServiceSeed(
        id="svc_hood_cleaning",
        category_id="cat_appliance",
        name="油烟机清洗",
        description=(
            "油烟机深度拆洗：拆下风轮、油网和油杯，专用清洗剂浸泡去除重油污，内腔擦洗，装回后试机。每台约 1"
            ".5 小时。"
        ),
        duration_minutes=90,
        unit="visit",
        unit_price_fen=15000,
        min_units=1,
        price_range_fen=(15000, 22000),
        scenarios=("吸力变小", "噪音变大", "一年以上未清洗"),
    ),
    ServiceSeed(
        id="svc_plumbing_electric",
        category_id="cat_repair",
        name="水电维修",
        description=(
            "师傅上门检修水电小故障：水龙头、角阀、马桶水箱配件更换，开关插座、灯具安装和线路跳闸排查。价格含"
            "上门检测和 1 小时人工，材料另计，现场确认后再更换。"
        ),
        duration_minutes=60,
        unit="visit",
        unit_price_fen=8000,
        min_units=1,
        price_range_fen=(8000, 30000),
        scenarios=("水龙头漏水", "插座没电", "灯具安装", "马桶不停水"),
    ),
    ServiceSeed(
        id="svc_drain_unclog",
        category_id="cat_repair",
        name="管道疏通",
        description=(
            "厨房、卫生间下水道和马桶堵塞疏通：使用电动疏通机和内窥镜定位堵点，疏通后做通水测试。按次计费，疏"
            "通不成功不收费。"
        ),
        duration_minutes=60,
        unit="visit",
        unit_price_fen=12000,
        min_units=1,
        price_range_fen=(12000, 25000),
        scenarios=("马桶堵塞", "地漏返味", "厨房下水慢"),
    ),
)


@dataclass(frozen=True)
class CustomerSeed:
    name: str  # logs in with the code dev:NAME
    nickname: str
    contact_name: str
    phone: str
    region: str
    detail: str
    lat: float  # GCJ-02
    lng: float


CUSTOMERS = (
    CustomerSeed(
        "xiaomei",
        "小美",
        "王小美",
        "13800138001",
        "上海市 徐汇区",
        "漕溪北路 88 号 5 号楼 1201 室",
        31.1935,
        121.4372,
    ),
    CustomerSeed(
        "laozhang",
        "老张",
        "张建国",
        "13800138002",
        "上海市 浦东新区",
        "世纪大道 1500 号 3 栋 801 室",
        31.2286,
        121.5272,
    ),
    CustomerSeed(
        "lingling",
        "玲玲",
        "李玲",
        "13800138003",
        "上海市 静安区",
        "南京西路 1266 号 2 单元 602 室",
        31.2263,
        121.4530,
    ),
)


@dataclass(frozen=True)
class SeededUser:
    """A demo user and how to log in as them."""

    role: str
    name: str
    user_id: str
    nickname: str = ""

    @property
    def code(self) -> str:
        return f"dev:{self.name}"


@dataclass
class SeedContext:
    """What a capability's seed hook gets (add fields here; hooks read only what they need)."""

    now: datetime
    login: Callable[[str, str], str]  # (name, role) → user id, through the WeChat login path
    category_ids: list[str]
    service_ids: list[str]
    new_id: Callable[[], str] = new_id
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class SeedReport:
    operator_username: str
    operator_password: str
    categories: int
    services: int
    customers: list[SeededUser]
    workers: list[SeededUser]
    staff: dict[str, list[str]] = field(default_factory=dict)  # demo staff (the operator's password): roles


def seed_catalog() -> tuple[list[str], list[str]]:
    """The catalog, through the catalog's use cases; returns (category ids, service ids)."""
    for cat in CATEGORIES:
        create_category(CategoryIn(name=cat.name, sort=cat.sort), new_id=lambda c=cat: c.id)
    for svc in SERVICES:
        body = ServiceIn(
            category_id=svc.category_id,
            name=svc.name,
            description=svc.description,
            duration_minutes=svc.duration_minutes,
            pricing=Pricing(
                unit=svc.unit,  # type: ignore[arg-type]
                unit_price_fen=svc.unit_price_fen,
                min_units=svc.min_units,
                price_range_fen=svc.price_range_fen,
            ),
            scenarios=list(svc.scenarios),
            addons=[Addon(**a) for a in svc.addons],
            checklist=list(svc.checklist),
            requires_arrival=svc.requires_arrival,
            requires_after_photos=svc.requires_after_photos,
        )
        create_service(body, new_id=lambda s=svc: s.id)
    return [c.id for c in CATEGORIES], [s.id for s in SERVICES]


def seed_operator(password: str | None, *, now: datetime) -> str:
    """The operator ``admin`` (every role) and the demo staff of ``DEMO_STAFF``, all with one password; returns
    it (the given one, or a generated one)."""
    password = password or secrets.token_urlsafe(12)
    ensure_operator(OPERATOR_USERNAME, password, now=now)
    for username, roles in DEMO_STAFF.items():
        ensure_operator(username, password, now=now, roles=roles)
    return password


def wechat_login(name: str, role: str, *, now: datetime) -> str:
    """Log in as the mini-program does (code ``dev:NAME`` via the stand-in); returns the user id."""
    request = WeChatLoginRequest(code=f"dev:{name}", role=role)  # type: ignore[arg-type]
    return login_wechat(request, now=now, wechat=WeChatLoginClient.from_settings(), new_id=new_id).user.id


def seed_customers(*, now: datetime) -> list[SeededUser]:
    seeded = []
    for c in CUSTOMERS:
        user_id = wechat_login(c.name, "customer", now=now)
        update_profile(user_id, ProfilePatch(nickname=c.nickname, region=c.region))
        address = AddressIn(
            contact_name=c.contact_name, phone=c.phone, region=c.region, detail=c.detail, lat=c.lat, lng=c.lng
        )
        add_address(user_id, address, new_id=new_id)
        seeded.append(SeededUser("customer", c.name, user_id, c.nickname))
    return seeded


def seed_workers(ctx: SeedContext) -> list[SeededUser]:
    """Hook point for the workers capability: ``functions.workers.seed_demo_workers(ctx) -> list[SeededUser]``
    (log workers in with ``ctx.login(name, "worker")``, then write their profiles, skills and availability through
    its own service functions). A no-op while the capability or its seed function is absent."""
    try:
        workers = importlib.import_module("functions.workers")
    except ModuleNotFoundError as exc:
        if exc.name in ("functions.workers", "functions"):
            return []
        raise
    seed = getattr(workers, "seed_demo_workers", None)
    return list(seed(ctx)) if callable(seed) else []


def seed_all(*, now: datetime, operator_password: str | None) -> tuple[SeedReport, SeedContext]:
    """Everything above, in order; returns what was seeded and the context extension seeds get."""
    category_ids, service_ids = seed_catalog()
    password = seed_operator(operator_password, now=now)
    customers = seed_customers(now=now)
    ctx = SeedContext(
        now=now,
        login=lambda name, role: wechat_login(name, role, now=now),
        category_ids=category_ids,
        service_ids=service_ids,
    )
    workers = seed_workers(ctx)
    report = SeedReport(
        OPERATOR_USERNAME, password, len(category_ids), len(service_ids), customers, workers, dict(DEMO_STAFF)
    )
    return report, ctx
