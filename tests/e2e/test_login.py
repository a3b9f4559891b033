"""Customers and workers log in through WeChat (the stand-in), operators with the seeded password; roles rule."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import OPERATOR_PASSWORD, StackClient

pytestmark = pytest.mark.e2e


def test_a_new_customer_logs_in_and_the_second_login_finds_the_same_user(stack: StackClient) -> None:
    first = stack.post("/v1/auth/wechat", {"code": "dev:e2e_newcomer", "role": "customer"})
    second = stack.post("/v1/auth/wechat", {"code": "dev:e2e_newcomer", "role": "customer"})

    assert first.status == second.status == 200
    assert first.body["user"]["is_new"] is True
    assert second.body["user"] == {"id": first.body["user"]["id"], "role": "customer", "is_new": False}


def test_a_seeded_customer_is_not_new_and_has_a_nickname_and_a_shanghai_address(stack: StackClient) -> None:
    login = stack.post("/v1/auth/wechat", {"code": "dev:xiaomei", "role": "customer"})
    token = login.body["token"]

    profile = stack.get("/v1/me", token=token)
    addresses = stack.get("/v1/me/addresses", token=token)

    assert login.body["user"]["is_new"] is False
    assert profile.body["nickname"] == "小美"
    [address] = addresses.body["items"]
    assert address["region"].startswith("上海市")
    assert 30.7 < address["lat"] < 31.9 and 120.8 < address["lng"] < 122.2


def test_a_worker_logs_in_with_the_worker_role(stack: StackClient) -> None:
    first = stack.post("/v1/auth/wechat", {"code": "dev:e2e_ayi", "role": "worker"})
    second = stack.post("/v1/auth/wechat", {"code": "dev:e2e_ayi", "role": "worker"})

    assert first.status == 200
    assert first.body["user"]["role"] == "worker" and first.body["user"]["is_new"] is True
    assert second.body["user"]["is_new"] is False


def test_the_operator_logs_in_with_the_configured_password_only(stack: StackClient) -> None:
    good = stack.post("/v1/auth/operator", {"username": "admin", "password": OPERATOR_PASSWORD})
    wrong = stack.post("/v1/auth/operator", {"username": "admin", "password": "guess"})

    assert good.status == 200 and good.body["token"]
    assert wrong.status == 401 and wrong.body["error"]["code"] == "BAD_CREDENTIALS"


def test_a_code_wechat_rejects_is_401(stack: StackClient) -> None:
    reply = stack.post("/v1/auth/wechat", {"code": "forged", "role": "customer"})

    assert reply.status == 401 and reply.body["error"]["code"] == "INVALID_CODE"


def test_role_rules_give_401_without_a_valid_token_and_403_for_the_wrong_role(
    stack: StackClient, operator_token: str
) -> None:
    customer = stack.login("e2e_roles_customer")
    worker = stack.login("e2e_roles_worker", role="worker")
    category = {"name": "不该出现"}

    assert stack.get("/v1/me").status == 401
    assert stack.get("/v1/me", token="not-a-token").body["error"]["code"] == "UNAUTHORIZED"
    assert stack.get("/v1/me", token=worker).status == 403
    assert stack.get("/v1/me", token=operator_token).status == 403
    assert stack.post("/v1/admin/categories", category, token=customer).status == 403
    assert stack.post("/v1/admin/categories", category).status == 401
    assert stack.get("/v1/me", token=customer).status == 200
