"""The catalog's language: categories (保洁, 母婴护理 …) and the services sold in them."""

from __future__ import annotations

from typing import Annotated, Literal

from common.models import Strict, Url, text
from common.money import Fen
from pydantic import BaseModel, Field, StringConstraints, field_validator, model_validator

Name = text(40)
Description = text(2000)
PricingUnit = Literal["visit", "hour", "sqm", "day"]  # 次, 小时, 平方米, 天


class Pricing(Strict):
    unit: PricingUnit
    unit_price_fen: Fen
    min_units: Annotated[int, Field(ge=1, le=1000)] = 1
    price_range_fen: tuple[Fen, Fen] = Field(description="lowest and highest typical total, for display")

    @model_validator(mode="after")
    def _range_is_ordered(self) -> Pricing:
        lo, hi = self.price_range_fen
        if lo > hi:
            raise ValueError("price_range_fen must be [low, high] with low <= high")
        return self


class Media(Strict):
    type: Literal["image", "video"]
    url: Url


class Addon(Strict):
    """An add-on (加项) a customer may book with the service: its price joins the subtotal and its minutes the
    booking's length (and the worker's slot locks)."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")] = Field(
        description="stable within the service; what `addons` in quotes and orders name"
    )
    name: Name
    price_fen: Fen
    minutes: Annotated[int, Field(ge=0, le=480, description="how much longer the visit takes")]


ChecklistItem = text(40)
Checklist = list[ChecklistItem]
Addons = list[Addon]


def _unique_items(items: list[str] | None) -> list[str] | None:
    if items is not None and len(set(items)) != len(items):
        raise ValueError("checklist items must be different")
    return items


def _unique_addons(addons: list[Addon] | None) -> list[Addon] | None:
    if addons is not None and len({a.id for a in addons}) != len(addons):
        raise ValueError("add-on ids must be different")
    return addons


class OnSite(Strict):
    """What the service asks of the visit (API.md "On-site service")."""

    checklist: Checklist = Field(
        default=[],
        max_length=30,
        description="items the worker ticks at completion; every one must be ticked (422 CHECKLIST_INCOMPLETE)",
    )
    addons: Addons = Field(default=[], max_length=20, description="add-ons (加项) bookable with the service")
    requires_arrival: bool | None = Field(
        None,
        description="start needs the worker's arrival check-in (422 ARRIVAL_REQUIRED); null: "
        "settings.onsite_arrival_required_default",
    )
    requires_after_photos: bool = Field(
        False, description="complete needs after-photos (422 PHOTOS_REQUIRED)"
    )

    _checklist_unique = field_validator("checklist")(_unique_items)
    _addons_unique = field_validator("addons")(_unique_addons)


class ServiceIn(OnSite):
    category_id: str
    name: Name
    description: Description
    duration_minutes: Annotated[int, Field(ge=15, le=1440, description="how long one unit takes")]
    pricing: Pricing
    scenarios: list[Annotated[str, StringConstraints(min_length=1, max_length=60)]] = Field(
        default=[], max_length=20
    )
    media: list[Media] = Field(default=[], max_length=20)


class ServicePatch(Strict):
    category_id: str | None = None
    name: Name | None = None
    description: Description | None = None
    duration_minutes: Annotated[int, Field(ge=15, le=1440)] | None = None
    pricing: Pricing | None = None
    scenarios: list[Annotated[str, StringConstraints(min_length=1, max_length=60)]] | None = Field(
        None, max_length=20
    )
    media: list[Media] | None = Field(None, max_length=20)
    active: bool | None = Field(None, description="false takes the service off sale")
    checklist: Checklist | None = Field(None, max_length=30)
    addons: Addons | None = Field(None, max_length=20)
    requires_arrival: bool | None = None
    requires_after_photos: bool | None = None

    _checklist_unique = field_validator("checklist")(_unique_items)
    _addons_unique = field_validator("addons")(_unique_addons)


class Service(BaseModel):
    id: str
    category_id: str
    name: str
    description: str
    duration_minutes: int
    pricing: Pricing
    scenarios: list[str]
    media: list[Media]
    active: bool = True
    checklist: list[str] = Field(default=[], description="ticked by the worker at completion, every one")
    addons: list[Addon] = Field(default=[], description="add-ons (加项): `addons` in quotes and orders")
    requires_arrival: bool | None = Field(
        None, description="start needs the arrival check-in; null: the platform's default"
    )
    requires_after_photos: bool = False


class ServiceSummary(BaseModel):
    id: str
    name: str
    duration_minutes: int
    pricing: Pricing
    cover: str | None = None


class CategoryIn(Strict):
    name: Name
    parent_id: str | None = None
    sort: Annotated[int, Field(ge=0, le=10000)] = 0
    icon: Url | None = None


class Category(BaseModel):
    id: str
    name: str
    parent_id: str | None = None
    sort: int = 0
    icon: str | None = None


class CategoryNode(BaseModel):
    id: str
    name: str
    icon: str | None = None
    children: list[CategoryNode] = []
    services: list[ServiceSummary] = []
