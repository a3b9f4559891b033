"""Staff accounts for tests: create one through the API (as an admin would) and log in as it."""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.integration.conftest import Api

PASSWORD = "staff-pass-123"


def create_staff(api: Api, admin_token: str, username: str, roles: list[str]) -> dict[str, Any]:
    reply = api.post(
        "/v1/admin/staff", {"username": username, "password": PASSWORD, "roles": roles}, token=admin_token
    )
    assert reply.status == 201, reply.body
    return reply.body


def staff_login(api: Api, username: str, password: str = PASSWORD) -> str:
    reply = api.post("/v1/auth/operator", {"username": username, "password": password})
    assert reply.status == 200, reply.body
    return reply.body["token"]


def staff_token(api: Api, admin_token: str, username: str, roles: list[str]) -> str:
    create_staff(api, admin_token, username, roles)
    return staff_login(api, username)


def claims(token: str) -> dict[str, Any]:
    """A JWT's payload as the console reads it (no verification: the browser cannot verify either)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
