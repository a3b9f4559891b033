"""Interviews (面试): the customer asks to meet a worker before an engagement, the worker accepts or declines,
both are told, and no day of the worker's calendar is held."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.booking_helpers import World, long_lived_tokens, make_world, operator
from tests.integration.conftest import Api
from tests.integration.engagement_helpers import add_nanny_service, engage, morning


@pytest.fixture
def world(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with long_lived_tokens(monkeypatch):
        yield make_world(api, operator(api))


def ask(world: World, service_id: str, worker: str = "wang", mode: str = "video") -> object:
    body = {"worker_id": world.worker(worker).id, "service_id": service_id, "at": morning(1), "mode": mode}
    return world.api.post("/v1/interviews", body, token=world.customer("amy").token)


def notices(world: World, events, token: str, path: str) -> list[str]:
    events.deliver()
    return [n["title"] for n in world.api.get(path, token=token).body["items"]]


def test_an_interview_is_requested_then_accepted_and_both_sides_are_told(world: World, events) -> None:
    nanny = add_nanny_service(world)
    reply = ask(world, nanny)
    assert reply.status == 201, reply.body
    assert reply.body["status"] == "requested"
    interview = reply.body["id"]
    wang, amy = world.worker("wang"), world.customer("amy")
    listed = world.api.get("/v1/worker/interviews", token=wang.token).body["items"]
    assert [i["id"] for i in listed] == [interview]

    accepted = world.api.post(f"/v1/worker/interviews/{interview}/accept", token=wang.token)

    assert accepted.status == 200 and accepted.body["status"] == "accepted"
    mine = world.api.get("/v1/me/interviews", token=amy.token).body["items"]
    assert [(i["id"], i["status"]) for i in mine] == [(interview, "accepted")]
    assert set(notices(world, events, amy.token, "/v1/me/notifications")) >= {"面试邀请", "面试已确认"}
    assert set(notices(world, events, wang.token, "/v1/worker/notifications")) >= {"面试邀请", "面试已确认"}
    again = world.api.post(f"/v1/worker/interviews/{interview}/decline", token=wang.token)
    assert again.status == 409


def test_an_interview_holds_no_days(world: World) -> None:
    nanny = add_nanny_service(world)
    assert ask(world, nanny).status == 201
    assert engage(world, nanny, "bob", morning(1), 5, "wang").status == 201


def test_an_interview_for_an_hourly_service_or_another_workers_interview_is_refused(world: World) -> None:
    hourly = ask(world, world.service_id)
    assert hourly.status == 422 and hourly.body["error"]["code"] == "NOT_AN_ENGAGEMENT"
    interview = ask(world, add_nanny_service(world)).body["id"]
    other = world.api.post(f"/v1/worker/interviews/{interview}/accept", token=world.worker("li").token)
    assert other.status == 404
