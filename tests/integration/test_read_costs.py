"""Read costs a customer never sees but a company pays for: each read endpoint stays within its DynamoDB budget."""

from bench.meter import metered
from tests.integration.conftest import Api


def test_browsing_the_catalog_is_one_query_and_a_service_page_one_get(api: Api, operator_token: str) -> None:
    cat = api.post("/v1/admin/categories", {"name": "保洁"}, token=operator_token).body
    body = {
        "category_id": cat["id"],
        "name": "深度保洁",
        "description": "全屋深度清洁",
        "duration_minutes": 60,
        "pricing": {
            "unit": "hour",
            "unit_price_fen": 6000,
            "min_units": 3,
            "price_range_fen": [18000, 60000],
        },
    }
    service_id = api.post("/v1/admin/services", body, token=operator_token).body["id"]
    with metered() as tree:
        api.get("/v1/categories")
    with metered() as page:
        api.get(f"/v1/services/{service_id}")
    assert (tree.calls, tree.by_action) == (1, {"Query": 1})
    assert (page.calls, page.by_action) == (1, {"GetItem": 1})


def test_a_returning_login_reads_one_item(api: Api) -> None:
    api.login("returning")
    with metered() as tally:
        api.login("returning")
    # One read (the openid's user); the one write is the per-client login counter (common.ratelimit).
    assert tally.by_action == {"GetItem": 1, "UpdateItem": 1}
