"""The catalog: operators build it, everyone browses it."""

from typing import Any

from tests.integration.conftest import Api

CLEANING = {
    "name": "日常保洁",
    "description": "厨房、卫生间、客厅、卧室的日常清洁，自带工具与环保清洁剂。",
    "duration_minutes": 60,
    "pricing": {"unit": "hour", "unit_price_fen": 5000, "min_units": 2, "price_range_fen": [10000, 40000]},
    "scenarios": ["日常维护", "搬家前后"],
    "media": [{"type": "image", "url": "https://cdn.example.com/daily.jpg"}],
}


def make_service(api: Api, token: str, category_id: str, **over: Any) -> dict[str, Any]:
    reply = api.post("/v1/admin/services", {**CLEANING, "category_id": category_id, **over}, token=token)
    assert reply.status == 201, reply.body
    return reply.body


def test_operators_build_a_tree_that_customers_browse_in_chinese(api: Api, operator_token: str) -> None:
    root = api.post("/v1/admin/categories", {"name": "保洁", "sort": 1}, token=operator_token).body
    child = api.post(
        "/v1/admin/categories", {"name": "家庭保洁", "parent_id": root["id"]}, token=operator_token
    ).body
    service = make_service(api, operator_token, child["id"])

    tree = api.get("/v1/categories")
    assert tree.status == 200
    assert tree.body[0]["name"] == "保洁"
    assert tree.body[0]["children"][0]["name"] == "家庭保洁"
    summary = tree.body[0]["children"][0]["services"][0]
    assert summary["name"] == "日常保洁" and summary["cover"] == "https://cdn.example.com/daily.jpg"

    page = api.get(f"/v1/services/{service['id']}").body
    assert page["description"] == CLEANING["description"]
    assert page["pricing"] == CLEANING["pricing"]
    assert page["category_id"] == child["id"]


def test_an_operator_edits_a_service_and_can_take_it_off_sale(api: Api, operator_token: str) -> None:
    cat = api.post("/v1/admin/categories", {"name": "家电清洗"}, token=operator_token).body
    service = make_service(api, operator_token, cat["id"], name="空调清洗")
    edited = api.patch(
        f"/v1/admin/services/{service['id']}",
        {"name": "挂机空调清洗", "scenarios": ["换季"]},
        token=operator_token,
    )
    assert edited.status == 200 and edited.body["name"] == "挂机空调清洗"
    assert edited.body["pricing"] == service["pricing"]  # untouched fields stay
    off = api.patch(f"/v1/admin/services/{service['id']}", {"active": False}, token=operator_token)
    assert off.status == 200
    assert api.get(f"/v1/services/{service['id']}").status == 404
    assert api.get("/v1/categories").body[0]["services"] == []


def test_a_service_in_an_unknown_category_is_refused_and_nothing_is_written(
    api: Api, operator_token: str
) -> None:
    reply = api.post("/v1/admin/services", {**CLEANING, "category_id": "nope"}, token=operator_token)
    assert reply.status == 422 and reply.body["error"]["code"] == "UNKNOWN_CATEGORY"
    assert api.get("/v1/categories").body == []


def test_bad_prices_are_refused(api: Api, operator_token: str) -> None:
    cat = api.post("/v1/admin/categories", {"name": "维修"}, token=operator_token).body
    for pricing in (
        {**CLEANING["pricing"], "unit_price_fen": 50.5},
        {**CLEANING["pricing"], "unit_price_fen": -1},
        {**CLEANING["pricing"], "price_range_fen": [500, 100]},
        {**CLEANING["pricing"], "unit": "month"},
    ):
        reply = api.post(
            "/v1/admin/services",
            {**CLEANING, "category_id": cat["id"], "pricing": pricing},
            token=operator_token,
        )
        assert reply.status == 422, pricing
        assert reply.body["error"]["code"] in ("VALIDATION_FAILED", "RULE_VIOLATION")  # schema, or its rule


def test_an_unknown_service_is_404(api: Api, operator_token: str) -> None:
    assert api.get("/v1/services/missing").body["error"]["code"] == "NOT_FOUND"
    assert api.patch("/v1/admin/services/missing", {"name": "x"}, token=operator_token).status == 404
