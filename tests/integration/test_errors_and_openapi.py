"""Bad input answers 4xx in the contract's format and writes nothing; the OpenAPI document is complete."""

import json
import re
from typing import Any

import pytest
from openapi_spec_validator import validate

from tests.integration.conftest import Api


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        (b"{not json", 400, "MALFORMED_REQUEST"),
        (b"[1, 2]", 400, "MALFORMED_REQUEST"),
        (b"\xff\xfe", 400, "MALFORMED_REQUEST"),
        (b"", 400, "MALFORMED_REQUEST"),
        (b'{"role": "customer"}', 422, "VALIDATION_FAILED"),
        (b'{"code": 42, "role": "customer"}', 422, "VALIDATION_FAILED"),
        (b'{"code": "dev:x", "role": "admin"}', 422, "VALIDATION_FAILED"),
        (b'{"code": "dev:x", "role": "customer", "extra": 1}', 422, "VALIDATION_FAILED"),
    ],
)
def test_bad_bodies_get_a_coded_4xx(api: Api, raw: bytes, status: int, code: str) -> None:
    reply = api.post("/v1/auth/wechat", raw=raw)
    assert reply.status == status
    assert reply.body["error"]["code"] == code and reply.body["error"]["message"]


def test_a_validation_error_names_the_field_without_echoing_the_input(api: Api) -> None:
    reply = api.post("/v1/auth/wechat", {"code": "dev:secret-value", "role": "boss"})
    assert reply.body["error"]["details"][0]["field"] == "role"
    assert "secret-value" not in str(reply.body)


def test_bad_query_parameters_get_422(api: Api) -> None:
    token = api.login("lee")
    for query in ("limit=0", "limit=101", "limit=ten"):
        assert api.get(f"/v1/me/addresses?{query}", token=token).status == 422


def test_the_openapi_document_lists_every_route_and_validates(api: Api) -> None:
    from app import app

    doc = api.get("/v1/openapi.json").body
    validate(doc)
    for path, methods in app.routes.items():
        for method in methods:
            op = doc["paths"][path][method.lower()]
            assert op["responses"], (method, path)
    login = doc["paths"]["/v1/auth/wechat"]["post"]
    assert login["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/WeChatLoginRequest"
    }
    assert "security" in doc["paths"]["/v1/me"]["get"] and "security" not in login


def test_a_json_body_labelled_as_a_form_is_read_as_json(api: Api) -> None:
    """What `curl -d '{...}'` sends without -H: the contract's JSON, under curl's default content type."""
    body = json.dumps({"code": "dev:curl-user", "role": "customer"}).encode()
    reply = api.post(
        "/v1/auth/wechat", raw=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )

    assert reply.status == 200 and reply.body["token"]


def test_a_real_form_body_is_malformed_json_and_another_media_type_is_415(api: Api) -> None:
    form = api.post(
        "/v1/auth/wechat",
        raw=b"code=dev%3Ax&role=customer",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    multipart = api.post("/v1/auth/wechat", raw=b"--x--", headers={"Content-Type": "multipart/form-data"})

    assert form.status == 400 and form.body["error"]["code"] == "MALFORMED_REQUEST"
    assert multipart.status == 415


def every_declared_route() -> dict[str, Any]:
    """The document over every route declared with ``common.api.route``: the app's and the local stack's."""
    from common.api import ROUTES
    from common.openapi import build_openapi

    from app import app  # noqa: F401  (registers the product's routes)
    from infra.local import dev_routes, extensions

    extensions.load()  # their local_route declarations, beside dev_routes' own
    assert ROUTES.keys() >= {("/v1/dev/clock", "GET"), ("/v1/dev/sms", "GET")}, dev_routes.__name__
    table: dict[str, dict[str, Any]] = {}
    for path, method in ROUTES:
        table.setdefault(path, {})[method] = None
    return build_openapi(table)


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, op) for path, ops in doc["paths"].items() for method, op in ops.items()]


def test_every_operation_has_a_summary_and_a_description_of_its_own() -> None:
    """From the route's docstring: the first paragraph, then the rest. A one-line docstring is not enough."""
    doc = every_declared_route()
    undocumented = [
        f"{method} {path}"
        for method, path, op in operations(doc)
        if not op["summary"] or not op["description"] or op["description"] == op["summary"]
    ]

    assert not undocumented, (
        f"give these routes a docstring with a summary line and a description: {undocumented}"
    )
    assert "\n" not in "".join(op["summary"] for _, _, op in operations(doc))


def test_docstrings_name_settings_and_the_document_shows_their_values(api: Api) -> None:
    from common.settings import get_settings

    cancel = api.get("/v1/openapi.json").body["paths"]["/v1/orders/{order_id}/cancel"]["post"]

    window = get_settings().cancel_fee_window_minutes
    assert f"`cancel_fee_window_minutes` ({window})" in cancel["description"]
    assert "``" not in json.dumps(api.get("/v1/openapi.json").body, ensure_ascii=False)


def test_tags_are_declared_once_with_a_description_and_operation_ids_are_unique() -> None:
    doc = every_declared_route()
    declared = {tag["name"]: tag["description"] for tag in doc["tags"]}
    used = {tag for _, _, op in operations(doc) for tag in op["tags"]}
    ids = [op["operationId"] for _, _, op in operations(doc)]

    assert used == set(declared) and all(declared.values())
    assert declared["booking"].startswith("Booking:")  # the capability package's own docstring
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids), ids


def test_error_responses_follow_from_what_a_route_reads(api: Api) -> None:
    """401/403 with a token, 404 with a path that names something, 409 for a change to it, 400/422 with a body
    or query; plus what the route declares; 503 on every route. Each in the contract's error shape."""
    doc = api.get("/v1/openapi.json").body

    def statuses(path: str, method: str) -> set[str]:
        return set(doc["paths"][path][method]["responses"]) - {"200", "201", "204"}

    assert statuses("/v1/categories", "get") == {"503"}  # every route: the table may be busy
    assert statuses("/v1/services/{service_id}", "get") == {"404", "503"}
    assert statuses("/v1/me", "get") == {"401", "403", "503"}
    assert statuses("/v1/orders", "get") == {"400", "401", "403", "422", "503"}
    assert statuses("/v1/worker/orders/{order_id}/start", "post") == {
        "401",
        "403",
        "404",
        "409",
        "422",
        "503",
    }
    assert statuses("/v1/worker/orders/{order_id}/complete", "post") == {  # its body: the checklist
        "400",
        "401",
        "403",
        "404",
        "409",
        "422",
        "503",
    }
    assert statuses("/v1/auth/wechat", "post") == {
        "400",
        "401",
        "422",
        "429",
        "502",
        "503",
    }  # declared: 401, 429, 502
    error = doc["components"]["responses"]["Conflict"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/ErrorBody"}
    assert "SLOT_TAKEN" in doc["components"]["responses"]["Conflict"]["description"]


def test_fixed_length_arrays_have_items_beside_prefix_items(api: Api) -> None:
    """Tools that only read ``items`` (OpenAPI 3.0 style) still see the element type and the exact length."""
    schemas = api.get("/v1/openapi.json").body["components"]["schemas"]
    price_range = schemas["Pricing-Output"]["properties"]["price_range_fen"]
    time_range = schemas["AvailabilityIn"]["properties"]["weekly"]["additionalProperties"]["items"]

    for schema in (price_range, time_range):
        assert schema["minItems"] == schema["maxItems"] == len(schema["prefixItems"]) == 2
        assert schema["items"] == schema["prefixItems"][0]

    def arrays(node: Any) -> list[dict[str, Any]]:
        if isinstance(node, dict):
            found = [node] if node.get("type") == "array" else []
            return found + [a for v in node.values() for a in arrays(v)]
        return [a for v in node for a in arrays(v)] if isinstance(node, list) else []

    assert all("items" in a for a in arrays(schemas))


def test_a_response_schema_requires_what_every_answer_carries(api: Api) -> None:
    """An answer carries every field, so clients need no check for an absent one; a request may leave a field
    with a default out, and an error's ``details`` is there only when there is more to say."""
    schemas = api.get("/v1/openapi.json").body["components"]["schemas"]

    assert "referral_code" not in schemas["WeChatLoginRequest"].get("required", [])
    assert set(schemas["Profile"]["properties"]) == set(schemas["Profile"]["required"])
    assert schemas["ErrorDetail"]["required"] == ["code", "message"]
