"""Staff accounts with roles (API.md "Operators"): the admin creates them, each logs in with a token carrying its
roles, each role reaches only its part, and a disabled account's tokens stop at once."""

from __future__ import annotations

from tests.integration.conftest import Api
from tests.integration.staff_helpers import PASSWORD, claims, create_staff, staff_login, staff_token


def test_a_staff_login_answers_the_roles_and_the_token_carries_them(api: Api, operator_token: str) -> None:
    created = create_staff(api, operator_token, "dispatch1", ["dispatcher", "support"])
    assert created["roles"] == ["dispatcher", "support"] and created["disabled"] is False
    assert "password" not in created and "password_hash" not in created
    reply = api.post("/v1/auth/operator", {"username": "dispatch1", "password": PASSWORD})
    assert reply.status == 200
    assert reply.body["roles"] == ["dispatcher", "support"]
    payload = claims(reply.body["token"])
    assert payload["sub"] == created["id"] and payload["roles"] == ["dispatcher", "support"]
    assert payload["role"] == "operator"


def test_the_seeded_admin_logs_in_with_the_admin_role(api: Api, operator_token: str) -> None:
    assert claims(operator_token)["roles"] == ["admin"]


def test_each_role_reaches_its_part_and_gets_403_elsewhere(api: Api, operator_token: str) -> None:
    dispatcher = staff_token(api, operator_token, "disp", ["dispatcher"])
    finance = staff_token(api, operator_token, "fin", ["finance"])
    support = staff_token(api, operator_token, "sup", ["support"])
    marketing = staff_token(api, operator_token, "mkt", ["marketing"])
    reach = {
        "/v1/admin/orders": {dispatcher, finance, support},
        "/v1/admin/workers": {dispatcher},
        "/v1/admin/withdrawals": {finance},
        "/v1/admin/finance/summary": {finance},
        "/v1/admin/customers?q=abc": {support},
        "/v1/admin/complaints": {dispatcher, support},
        "/v1/admin/coupon-templates": {marketing},
        "/v1/admin/stats/overview": {marketing},
        "/v1/admin/staff": set(),
        "/v1/admin/audit": set(),
    }
    for path, allowed in reach.items():
        assert api.get(path, token=operator_token).status == 200, path
        for token in (dispatcher, finance, support, marketing):
            reply = api.get(path, token=token)
            if token in allowed:
                assert reply.status == 200, (path, reply.body)
            else:
                assert reply.status == 403, (path, reply.status)
                assert reply.body["error"]["code"] == "FORBIDDEN"


def test_only_an_admin_manages_staff(api: Api, operator_token: str) -> None:
    dispatcher = staff_token(api, operator_token, "disp2", ["dispatcher"])
    body = {"username": "sneaky", "password": PASSWORD, "roles": ["admin"]}
    assert api.post("/v1/admin/staff", body, token=dispatcher).status == 403
    assert api.post("/v1/auth/operator", {"username": "sneaky", "password": PASSWORD}).status == 401
    second_admin = staff_token(api, operator_token, "boss", ["admin"])
    assert api.post("/v1/admin/staff", body, token=second_admin).status == 201


def test_disabling_an_account_stops_its_issued_token_at_once(api: Api, operator_token: str) -> None:
    created = create_staff(api, operator_token, "leaver", ["dispatcher"])
    token = staff_login(api, "leaver")
    assert api.get("/v1/admin/orders", token=token).status == 200
    reply = api.patch(f"/v1/admin/staff/{created['id']}", {"disabled": True}, token=operator_token)
    assert reply.status == 200 and reply.body["disabled"] is True
    refused = api.get("/v1/admin/orders", token=token)
    assert refused.status == 401 and refused.body["error"]["code"] == "TOKEN_REVOKED"
    login = api.post("/v1/auth/operator", {"username": "leaver", "password": PASSWORD})
    assert login.status == 401 and login.body["error"]["code"] == "ACCOUNT_DISABLED"
    # Enabled again, the old token stays dead; a new login works.
    api.patch(f"/v1/admin/staff/{created['id']}", {"disabled": False}, token=operator_token)
    assert api.get("/v1/admin/orders", token=token).status == 401
    assert api.get("/v1/admin/orders", token=staff_login(api, "leaver")).status == 200


def test_a_new_password_ends_the_old_tokens_and_the_old_password(api: Api, operator_token: str) -> None:
    created = create_staff(api, operator_token, "rotator", ["finance"])
    token = staff_login(api, "rotator")
    reply = api.patch(
        f"/v1/admin/staff/{created['id']}", {"password": "brand-new-pass"}, token=operator_token
    )
    assert reply.status == 200
    assert api.get("/v1/admin/withdrawals", token=token).status == 401
    assert api.post("/v1/auth/operator", {"username": "rotator", "password": PASSWORD}).status == 401
    assert staff_login(api, "rotator", "brand-new-pass")


def test_a_change_of_roles_applies_to_the_next_call(api: Api, operator_token: str) -> None:
    created = create_staff(api, operator_token, "mover", ["finance"])
    token = staff_login(api, "mover")
    assert api.get("/v1/admin/workers", token=token).status == 403
    api.patch(f"/v1/admin/staff/{created['id']}", {"roles": ["dispatcher"]}, token=operator_token)
    assert api.get("/v1/admin/workers", token=token).status == 200
    assert api.get("/v1/admin/withdrawals", token=token).status == 403


def test_the_seeded_admin_keeps_its_role_and_nobody_locks_themselves_out(
    api: Api, operator_token: str
) -> None:
    for change in ({"disabled": True}, {"roles": ["dispatcher"]}):
        reply = api.patch("/v1/admin/staff/op_admin", change, token=operator_token)
        assert reply.status == 422 and reply.body["error"]["code"] == "PROTECTED_ACCOUNT"
    boss = create_staff(api, operator_token, "boss2", ["admin"])
    boss_token = staff_login(api, "boss2")
    reply = api.patch(f"/v1/admin/staff/{boss['id']}", {"disabled": True}, token=boss_token)
    assert reply.status == 422
    assert api.get("/v1/admin/audit", token=boss_token).status == 200


def test_staff_accounts_are_listed_by_username_and_a_taken_name_is_409(api: Api, operator_token: str) -> None:
    for name in ("zoe", "amy", "max"):
        create_staff(api, operator_token, name, ["support"])
    again = api.post(
        "/v1/admin/staff",
        {"username": "amy", "password": PASSWORD, "roles": ["finance"]},
        token=operator_token,
    )
    assert again.status == 409 and again.body["error"]["code"] == "USERNAME_TAKEN"
    first = api.get("/v1/admin/staff?limit=2", token=operator_token).body
    rest = api.get(f"/v1/admin/staff?limit=10&cursor={first['next_cursor']}", token=operator_token).body
    names = [s["username"] for s in first["items"] + rest["items"]]
    assert names == ["admin", "amy", "max", "zoe"]


def test_bad_staff_bodies_are_422_and_write_nothing(api: Api, operator_token: str) -> None:
    bad = [
        {"username": "ok_name", "password": "short", "roles": ["support"]},
        {"username": "ok_name", "password": PASSWORD, "roles": []},
        {"username": "ok_name", "password": PASSWORD, "roles": ["owner"]},
        {"username": "ok_name", "password": PASSWORD, "roles": ["support", "support"]},
        {"username": "Bad Name", "password": PASSWORD, "roles": ["support"]},
    ]
    for body in bad:
        assert api.post("/v1/admin/staff", body, token=operator_token).status == 422, body
    assert api.post("/v1/auth/operator", {"username": "ok_name", "password": PASSWORD}).status == 401
    assert api.patch("/v1/admin/staff/op_nobody", {"disabled": True}, token=operator_token).status == 404
    renamed = api.patch("/v1/admin/staff/op_admin", {"username": "root"}, token=operator_token)
    assert renamed.status == 422 and renamed.body["error"]["code"] == "USERNAME_IMMUTABLE"
