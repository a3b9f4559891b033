"""Abuse limits (API.md "Rate limits"): per client IP and per account, 429 RATE_LIMITED with Retry-After; five
failed operator logins for one username lock it for a while, the same for a username that does not exist."""

from __future__ import annotations

from datetime import timedelta

import pytest
from common.clock import clock
from common.settings import get_settings

from tests.integration.conftest import Api


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch):
    """Lower one named limit for this test (the table of routes stays the product's)."""

    def lower(name: str, requests: int, window_seconds: int = 60) -> None:
        monkeypatch.setitem(get_settings().rate_limits, name, (requests, window_seconds))

    return lower


@pytest.fixture
def restore_clock():
    yield
    clock.reset()


def _is_rate_limited(reply) -> int:
    assert reply.status == 429, (reply.status, reply.body)
    assert reply.body["error"]["code"] == "RATE_LIMITED"
    retry_after = int(reply.headers["Retry-After"])
    assert retry_after >= 1
    return retry_after


def test_wechat_logins_from_one_ip_over_the_limit_get_429_with_retry_after(api: Api, limits) -> None:
    limits("login_ip", 3, 60)
    for name in ("a1", "a2", "a3"):
        assert api.post("/v1/auth/wechat", {"code": f"dev:{name}", "role": "customer"}).status == 200
    retry_after = _is_rate_limited(api.post("/v1/auth/wechat", {"code": "dev:a4", "role": "customer"}))
    assert retry_after <= 60


def test_the_window_passes_and_logins_are_allowed_again(api: Api, limits, restore_clock) -> None:
    limits("login_ip", 2, 60)
    for name in ("b1", "b2"):
        assert api.post("/v1/auth/wechat", {"code": f"dev:{name}", "role": "customer"}).status == 200
    _is_rate_limited(api.post("/v1/auth/wechat", {"code": "dev:b3", "role": "customer"}))
    clock.advance(timedelta(seconds=61))
    assert api.post("/v1/auth/wechat", {"code": "dev:b3", "role": "customer"}).status == 200


def test_pay_is_limited_per_account_and_another_customer_is_not_affected(api: Api, limits) -> None:
    limits("pay_account", 2, 60)
    alice, bob = api.login("alice"), api.login("bob")
    # Requests that fail still count: an abuser probing order ids is limited as well.
    for _ in range(2):
        assert api.post("/v1/orders/nope/pay", {}, token=alice).status == 404
    _is_rate_limited(api.post("/v1/orders/nope/pay", {}, token=alice))
    assert api.post("/v1/orders/nope/pay", {}, token=bob).status == 404


def test_five_failed_operator_logins_lock_the_username_even_for_the_right_password(
    api: Api, operator_token: str, restore_clock
) -> None:
    settings = get_settings()
    for _ in range(settings.operator_lockout_failures):
        assert api.post("/v1/auth/operator", {"username": "admin", "password": "guess"}).status == 401
    locked = api.post("/v1/auth/operator", {"username": "admin", "password": "s3cret-pass"})
    retry_after = _is_rate_limited(locked)
    assert retry_after <= settings.operator_lockout_seconds
    # Another username is not locked.
    assert api.post("/v1/auth/operator", {"username": "other", "password": "guess"}).status == 401
    clock.advance(timedelta(seconds=settings.operator_lockout_seconds + 1))
    assert api.post("/v1/auth/operator", {"username": "admin", "password": "s3cret-pass"}).status == 200


def test_an_unknown_username_locks_with_the_same_answer_as_a_real_one(api: Api, operator_token: str) -> None:
    answers = {}
    for username in ("admin", "ghost"):
        for _ in range(get_settings().operator_lockout_failures):
            api.post("/v1/auth/operator", {"username": username, "password": "guess"})
        reply = api.post("/v1/auth/operator", {"username": username, "password": "guess"})
        _is_rate_limited(reply)
        answers[username] = reply.body["error"]["code"], reply.body["error"]["message"]
    assert answers["admin"] == answers["ghost"]


def test_failures_older_than_the_window_do_not_add_up_to_a_lock(
    api: Api, operator_token: str, restore_clock
) -> None:
    settings = get_settings()
    for _ in range(settings.operator_lockout_failures - 1):
        assert api.post("/v1/auth/operator", {"username": "admin", "password": "guess"}).status == 401
    clock.advance(timedelta(seconds=settings.operator_lockout_window_seconds + 1))
    assert api.post("/v1/auth/operator", {"username": "admin", "password": "guess"}).status == 401
    assert api.post("/v1/auth/operator", {"username": "admin", "password": "s3cret-pass"}).status == 200


def test_a_successful_login_forgets_earlier_failures(api: Api, operator_token: str, limits) -> None:
    limits("login_account", 100)  # this test is about the lock, not the per-username request limit
    failures = get_settings().operator_lockout_failures
    for _ in range(failures - 1):
        api.post("/v1/auth/operator", {"username": "admin", "password": "guess"})
    assert api.post("/v1/auth/operator", {"username": "admin", "password": "s3cret-pass"}).status == 200
    for _ in range(failures - 1):
        assert api.post("/v1/auth/operator", {"username": "admin", "password": "guess"}).status == 401
    assert api.post("/v1/auth/operator", {"username": "admin", "password": "s3cret-pass"}).status == 200
