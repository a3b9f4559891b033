"""Bad input answers 4xx in the contract's format and writes nothing; the OpenAPI document is complete."""

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
