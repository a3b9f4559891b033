"""Logging in: customers and workers through WeChat, operators with a password; the role rules."""

from tests.integration.conftest import Api


def test_first_wechat_login_creates_a_user_and_the_second_finds_it(api: Api) -> None:
    first = api.post("/v1/auth/wechat", {"code": "dev:alice", "role": "customer"})
    second = api.post("/v1/auth/wechat", {"code": "dev:alice", "role": "customer"})
    assert first.status == 200 and second.status == 200
    assert first.body["user"]["is_new"] is True
    assert second.body["user"] == {"id": first.body["user"]["id"], "role": "customer", "is_new": False}


def test_the_same_openid_as_worker_is_a_separate_account(api: Api) -> None:
    customer = api.post("/v1/auth/wechat", {"code": "dev:bob", "role": "customer"}).body["user"]
    worker = api.post("/v1/auth/wechat", {"code": "dev:bob", "role": "worker"}).body["user"]
    assert customer["id"] != worker["id"] and worker["role"] == "worker"


def test_a_code_wechat_rejects_gives_401(api: Api) -> None:
    reply = api.post("/v1/auth/wechat", {"code": "forged-code", "role": "customer"})
    assert reply.status == 401
    assert reply.body["error"]["code"] == "INVALID_CODE"


def test_operator_logs_in_with_the_right_password_only(api: Api, operator_token: str) -> None:
    assert operator_token
    wrong = api.post("/v1/auth/operator", {"username": "admin", "password": "nope"})
    unknown = api.post("/v1/auth/operator", {"username": "ghost", "password": "nope"})
    assert wrong.status == unknown.status == 401
    assert wrong.body == unknown.body


def test_role_rules_give_401_without_token_and_403_for_the_wrong_role(api: Api, operator_token: str) -> None:
    customer = api.login("carol")
    worker = api.login("wendy", role="worker")
    assert api.get("/v1/me").status == 401
    assert api.get("/v1/me", token="not-a-token").status == 401
    assert api.get("/v1/me", token=worker).status == 403
    assert api.get("/v1/me", token=operator_token).status == 403
    assert api.post("/v1/admin/categories", {"name": "x"}, token=customer).status == 403
    assert api.get("/v1/me", token=customer).status == 200
