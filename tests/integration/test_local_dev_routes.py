"""The local-only routes on an app: the business clock, and scheduled jobs run on demand by name."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from chalice import Chalice, Rate
from chalice.test import Client
from common.clock import clock

from infra.local import dev_routes
from infra.local.schedules import jobs

local_app = Chalice(app_name="dev-routes-test")


@local_app.schedule(Rate(1, unit=Rate.DAYS), name="coupon-expiry")
def coupon_expiry(event: Any) -> dict[str, int]:
    return {"expired": 3}


@pytest.fixture
def client() -> Iterator[Client]:
    dev_routes.install(local_app, jobs(local_app))
    with Client(local_app) as test_client:
        yield test_client
    clock.reset()


def _post(client: Client, path: str, body: Any = None) -> tuple[int, Any]:
    reply = client.http.post(
        path, headers={"Content-Type": "application/json"}, body=json.dumps(body).encode() if body else b""
    )
    return reply.status_code, json.loads(reply.body)


def test_a_job_runs_on_demand_and_says_what_it_did(client: Client) -> None:
    status, body = _post(client, "/v1/dev/jobs/coupon-expiry")

    assert status == 200
    assert body["job"] == "coupon-expiry" and body["result"] == {"expired": 3}
    assert body["ran_at"].endswith("+08:00")


def test_an_unknown_job_is_404_naming_the_jobs_there_are(client: Client) -> None:
    status, body = _post(client, "/v1/dev/jobs/settlement")

    assert status == 404
    assert body["error"]["code"] == "NOT_FOUND" and "coupon-expiry" in body["error"]["message"]


def test_the_clock_moves_for_the_business_rules(client: Client) -> None:
    status, body = _post(client, "/v1/dev/clock", {"now": "2027-02-10T08:00:00+08:00"})

    assert status == 200 and body == {"now": "2027-02-10T08:00:00+08:00"}
    assert clock.now().isoformat(timespec="minutes") == "2027-02-10T08:00+08:00"


def test_local_routes_must_live_under_dev() -> None:
    with pytest.raises(ValueError):
        dev_routes.local_route("/v1/admin/reset", "POST")


def test_the_clock_cannot_be_moved_out_of_the_range_dates_can_handle(client: Client) -> None:
    _post(client, "/v1/dev/clock", {"now": "2099-12-31T12:00:00+08:00"})

    status, body = _post(client, "/v1/dev/clock", {"advance_minutes": 525_600})

    assert status == 422 and body["error"]["code"] == "CLOCK_OUT_OF_RANGE"
    assert clock.now().year == 2099
