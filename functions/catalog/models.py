"""The catalog's language: categories (保洁, 母婴护理 …) and the services sold in them."""

from __future__ import annotations

from typing import Annotated, Literal

from common.models import Strict
from common.money import Fen
from pydantic import BaseModel, Field, StringConstraints, model_validator

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https?://\S+$", max_length=500)]
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


class ServiceIn(Strict):
    category_id: str
    name: Name
    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    duration_minutes: Annotated[int, Field(ge=15, le=1440, description="how long one unit takes")]
    pricing: Pricing
    scenarios: list[Annotated[str, StringConstraints(min_length=1, max_length=60)]] = Field(
        default=[], max_length=20
    )
    media: list[Media] = Field(default=[], max_length=20)


class ServicePatch(Strict):
    category_id: str | None = None
    name: Name | None = None
    description: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)] | None
    ) = None
    duration_minutes: Annotated[int, Field(ge=15, le=1440)] | None = None
    pricing: Pricing | None = None
    scenarios: list[Annotated[str, StringConstraints(min_length=1, max_length=60)]] | None = Field(
        None, max_length=20
    )
    media: list[Media] | None = Field(None, max_length=20)
    active: bool | None = Field(None, description="false takes the service off sale")


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
