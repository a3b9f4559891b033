"""A customer browses the seeded catalog; an operator adds to it in Chinese and customers see it unchanged."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import StackClient

pytestmark = pytest.mark.e2e


def test_the_seeded_catalog_tree_lists_every_category_with_its_services(stack: StackClient) -> None:
    reply = stack.get("/v1/categories")

    assert reply.status == 200
    tree = {node["id"]: node for node in reply.body}
    assert [node["name"] for node in reply.body][:5] == [
        "保洁",
        "母婴护理",
        "养老护理",
        "家电清洗",
        "家庭维修",
    ]
    names = {cid: sorted(s["name"] for s in tree[cid]["services"]) for cid in tree}
    assert names["cat_cleaning"] == sorted(["日常保洁", "深度保洁", "开荒保洁"])
    assert names["cat_maternity"] == sorted(["月嫂", "育儿嫂"])
    assert names["cat_eldercare"] == sorted(["老人陪护", "康复护理"])
    assert names["cat_appliance"] == sorted(["空调清洗", "油烟机清洗"])
    assert names["cat_repair"] == sorted(["水电维修", "管道疏通"])


def test_a_service_page_shows_description_duration_pricing_and_scenarios(stack: StackClient) -> None:
    reply = stack.get("/v1/services/svc_daily_cleaning")

    assert reply.status == 200
    service = reply.body
    assert service["name"] == "日常保洁" and service["category_id"] == "cat_cleaning"
    assert "保洁" in service["description"]
    assert service["duration_minutes"] == 60
    assert service["pricing"] == {
        "unit": "hour",
        "unit_price_fen": 4500,
        "min_units": 2,
        "price_range_fen": [9000, 27000],
    }
    assert "日常打扫" in service["scenarios"]


def test_every_seeded_service_has_a_sensible_price(stack: StackClient) -> None:
    for node in stack.get("/v1/categories").body:
        for summary in node["services"]:
            pricing = summary["pricing"]
            low, high = pricing["price_range_fen"]
            assert pricing["unit"] in ("visit", "hour", "sqm", "day")
            assert low == pricing["unit_price_fen"] * pricing["min_units"] <= high, summary["id"]


def test_an_unknown_service_is_404_in_the_contract_format(stack: StackClient) -> None:
    reply = stack.get("/v1/services/svc_no_such_thing")

    assert reply.status == 404
    assert reply.body["error"]["code"] == "NOT_FOUND"


def test_chinese_text_round_trips_through_an_operator_created_category_and_service(
    stack: StackClient, operator_token: str
) -> None:
    category = stack.post("/v1/admin/categories", {"name": "收纳整理 · 衣橱"}, token=operator_token)
    assert category.status == 201, category.body
    created = stack.post(
        "/v1/admin/services",
        {
            "category_id": category.body["id"],
            "name": "衣橱收纳",
            "description": "按季节整理衣橱，「断舍离」建议，叠衣、挂衣、标签分区。🧺",
            "duration_minutes": 120,
            "pricing": {
                "unit": "visit",
                "unit_price_fen": 29900,
                "min_units": 1,
                "price_range_fen": [29900, 59800],
            },
            "scenarios": ["换季", "搬家后"],
        },
        token=operator_token,
    )
    assert created.status == 201, created.body

    page = stack.get(f"/v1/services/{created.body['id']}").body
    tree = stack.get("/v1/categories").body

    assert page["description"] == "按季节整理衣橱，「断舍离」建议，叠衣、挂衣、标签分区。🧺"
    assert page["scenarios"] == ["换季", "搬家后"]
    node = next(n for n in tree if n["id"] == category.body["id"])
    assert node["name"] == "收纳整理 · 衣橱" and node["services"][0]["name"] == "衣橱收纳"
