"""Bad input is refused in the contract's error format, never with a 500; the API documents itself."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import StackClient

pytestmark = pytest.mark.e2e


def test_malformed_json_is_400(stack: StackClient) -> None:
    reply = stack.post("/v1/auth/wechat", raw=b'{"code": "dev:x", ')

    assert reply.status == 400
    assert reply.body["error"]["code"] == "MALFORMED_REQUEST"


def test_a_body_that_is_not_utf8_is_400(stack: StackClient) -> None:
    reply = stack.post("/v1/auth/wechat", raw='{"code": "dev:张"}'.encode("gbk"))

    assert reply.status == 400


def test_a_missing_field_is_422_with_where_it_is_missing(stack: StackClient) -> None:
    reply = stack.post("/v1/auth/wechat", {"code": "dev:x"})

    assert reply.status == 422
    assert reply.body["error"]["code"] == "VALIDATION_FAILED"
    assert [d["field"] for d in reply.body["error"]["details"]] == ["role"]


def test_a_wrong_type_is_422(stack: StackClient, operator_token: str) -> None:
    reply = stack.post("/v1/admin/categories", {"name": "类目", "sort": "first"}, token=operator_token)

    assert reply.status == 422
    assert reply.body["error"]["code"] == "VALIDATION_FAILED"


def test_an_unknown_route_is_404_in_the_contract_format(stack: StackClient) -> None:
    reply = stack.get("/v1/no/such/route")

    assert reply.status == 404
    assert reply.body["error"]["code"] == "NOT_FOUND" and reply.body["error"]["message"]


def test_a_wrong_method_and_a_wrong_content_type_are_refused_in_the_contract_format(
    stack: StackClient,
) -> None:
    wrong_method = stack.call("DELETE", "/v1/categories")
    wrong_type = stack.post("/v1/auth/wechat", raw=b"code=dev:x", headers={"Content-Type": "text/html"})

    assert wrong_method.status == 405 and wrong_method.body["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert wrong_type.status == 415 and wrong_type.body["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


def test_the_openapi_document_describes_the_api(stack: StackClient) -> None:
    reply = stack.get("/v1/openapi.json")

    assert reply.status == 200
    assert reply.body["openapi"].startswith("3.1")
    assert {"/v1/categories", "/v1/auth/wechat", "/v1/dev/clock"} <= set(reply.body["paths"])
