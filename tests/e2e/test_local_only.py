"""The local-only endpoints: the business clock moves, and jobs run on demand."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.e2e.conftest import StackClient, start_stack, stop_stack

pytestmark = pytest.mark.e2e


def _now(stack: StackClient) -> datetime:
    reply = stack.get("/v1/dev/clock")
    assert reply.status == 200
    return datetime.fromisoformat(reply.body["now"])


@pytest.mark.usefixtures("restore_clock")
def test_the_business_clock_advances_and_can_be_set(stack: StackClient) -> None:
    before = _now(stack)

    advanced = stack.post("/v1/dev/clock", {"advance_minutes": 90})
    moved = datetime.fromisoformat(advanced.body["now"])
    set_reply = stack.post("/v1/dev/clock", {"now": "2026-12-24T09:00:00+08:00"})

    assert advanced.status == 200
    assert timedelta(minutes=89) < moved - before < timedelta(minutes=95)
    assert set_reply.body["now"].startswith("2026-12-24T09:00")
    assert _now(stack).utcoffset() == timedelta(hours=8)


@pytest.mark.usefixtures("restore_clock")
def test_moving_the_clock_past_a_tokens_lifetime_expires_it(stack: StackClient) -> None:
    token = stack.login("e2e_clock_customer")

    stack.post("/v1/dev/clock", {"advance_minutes": 24 * 60})
    reply = stack.get("/v1/me", token=token)

    assert reply.status == 401 and reply.body["error"]["code"] == "TOKEN_EXPIRED"


def test_a_clock_change_needs_exactly_one_of_now_or_advance_minutes(stack: StackClient) -> None:
    both = stack.post("/v1/dev/clock", {"now": "2026-12-24T09:00:00+08:00", "advance_minutes": 5})
    neither = stack.post("/v1/dev/clock", {})
    naive = stack.post("/v1/dev/clock", {"now": "2026-12-24T09:00:00"})
    far = stack.post("/v1/dev/clock", {"now": "9999-12-31T23:59:59+08:00"})

    assert both.status == neither.status == naive.status == far.status == 422


def test_local_only_endpoints_ignore_a_token(stack: StackClient) -> None:
    assert stack.get("/v1/dev/clock", token="whatever").status == 200


def test_running_an_unknown_job_is_404_in_the_contract_format(stack: StackClient) -> None:
    reply = stack.post("/v1/dev/jobs/no-such-job")

    assert reply.status == 404
    assert reply.body["error"]["code"] == "NOT_FOUND"


def test_a_second_stack_runs_beside_the_first_with_its_own_data_and_clock(stack: StackClient) -> None:
    second = start_stack()
    try:
        second.post("/v1/dev/clock", {"advance_minutes": 600})
        created = second.post("/v1/admin/categories", {"name": "只在第二个"}, token=second.operator_token())

        assert second.base_url != stack.base_url
        assert created.status == 201
        assert all(node["id"] != created.body["id"] for node in stack.get("/v1/categories").body)
        assert _now(second) - _now(stack) > timedelta(minutes=590)
    finally:
        assert stop_stack(second) == 0
