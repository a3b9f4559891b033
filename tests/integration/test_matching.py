"""Matching: a customer asks who can do a service at an address and time; only eligible workers near the
address come back, best first, each score explained; and a match costs a bounded number of DynamoDB calls."""

from __future__ import annotations

from datetime import timedelta

import pytest
from common.clock import clock
from common.db import connection
from pynamodb.transactions import TransactWrite

from bench.meter import metered
from functions.matching import rank_workers
from functions.workers import hold_slots, record_rating
from tests.integration.conftest import Api
from tests.integration.worker_helpers import (
    HOME_LAT,
    HOME_LNG,
    Catalog,
    customer_with_address,
    km_north,
    make_catalog,
    next_monday,
    profile,
    quick_verified_worker,
    register,
    verified_worker,
)


def match(
    api: Api, token: str, address_id: str, service_id: str, start: object, units: int = 2
) -> list[dict]:
    body = {"service_id": service_id, "start": start.isoformat(), "units": units, "address_id": address_id}  # type: ignore[attr-defined]
    reply = api.post("/v1/matches", body, token=token)
    assert reply.status == 200, reply.body
    return reply.body["items"]


@pytest.fixture
def cat(api: Api, operator_token: str) -> Catalog:
    return make_catalog(api, operator_token)


def test_only_eligible_workers_near_the_address_are_offered_best_first_with_reasons(
    api: Api, operator_token: str, cat: Catalog
) -> None:
    monday = next_monday(9)
    near = verified_worker(
        api, operator_token, "near", profile([cat.daily_service], lat=HOME_LAT + km_north(1))
    )[1]
    farther = verified_worker(
        api, operator_token, "farther", profile([cat.cleaning], lat=HOME_LAT + km_north(4))
    )[1]
    register(api, "unverified", profile([cat.daily_service]))
    verified_worker(
        api,
        operator_token,
        "small_radius",
        profile([cat.daily_service], lat=HOME_LAT + km_north(4), service_radius_km=3),
    )
    verified_worker(
        api, operator_token, "other_city", profile([cat.daily_service], lat=39.9042, lng=116.4074)
    )
    verified_worker(api, operator_token, "other_skill", profile([cat.nanny_service]))
    expired = {"status": "healthy", "certificate_expires_on": (monday - timedelta(days=1)).date().isoformat()}
    verified_worker(api, operator_token, "expired_health", profile([cat.daily_service], health=expired))
    day_off_token, _ = verified_worker(api, operator_token, "day_off", profile([cat.daily_service]))
    api.put(
        "/v1/worker/availability",
        {"weekly": {"mon": [["08:00", "18:00"]]}, "days_off": [monday.date().isoformat()]},
        token=day_off_token,
    )
    mornings_token, _ = verified_worker(api, operator_token, "mornings", profile([cat.daily_service]))
    api.put("/v1/worker/availability", {"weekly": {"mon": [["08:00", "10:00"]]}}, token=mornings_token)
    resting_token, _ = verified_worker(api, operator_token, "resting", profile([cat.daily_service]))
    api.put("/v1/worker/accepting", {"accepting": False}, token=resting_token)
    suspended = verified_worker(api, operator_token, "suspended", profile([cat.daily_service]))[1]
    api.post(f"/v1/admin/workers/{suspended}/suspend", {"note": "投诉"}, token=operator_token)
    busy = verified_worker(api, operator_token, "busy", profile([cat.daily_service]))[1]
    with TransactWrite(connection=connection()) as tx:
        hold_slots(tx, busy, monday + timedelta(hours=1), monday + timedelta(hours=3), "earlier-order")
    token, address = customer_with_address(api)

    items = match(api, token, address, cat.daily_service, monday)

    assert [m["worker"]["id"] for m in items] == [near, farther]
    best = items[0]
    assert best["score"] > items[1]["score"] and 0 < best["score"] <= 1
    assert best["distance_km"] == pytest.approx(1.0, abs=0.05)
    assert set(best["reasons"]) == {"skill", "distance", "rating", "credit", "experience"}
    assert (
        best["reasons"]["skill"]["note"] == "擅长该服务"
        and items[1]["reasons"]["skill"]["note"] == "擅长所属大类"
    )
    assert sum(r["contribution"] for r in best["reasons"].values()) == pytest.approx(best["score"], abs=1e-3)
    assert best["worker"]["name"] == "王秀英" and "phone" not in best["worker"]


def test_a_worker_is_offered_again_once_the_travel_buffer_has_passed(
    api: Api, operator_token: str, cat: Catalog
) -> None:
    monday = next_monday(9)
    worker = verified_worker(api, operator_token, "ayi", profile([cat.daily_service]))[1]
    with TransactWrite(connection=connection()) as tx:
        hold_slots(tx, worker, monday, monday + timedelta(hours=2), "first-order")
    token, address = customer_with_address(api)

    right_after = match(api, token, address, cat.daily_service, monday + timedelta(hours=2))
    after_buffer = match(api, token, address, cat.daily_service, monday + timedelta(hours=2, minutes=30))

    assert right_after == []
    assert [m["worker"]["id"] for m in after_buffer] == [worker]


def test_workers_newly_verified_or_switched_back_on_are_offered(
    api: Api, operator_token: str, cat: Catalog
) -> None:
    monday = next_monday(9)
    worker_token, worker = register(api, "ayi_new", profile([cat.cleaning]))
    token, address = customer_with_address(api)

    before = match(api, token, address, cat.daily_service, monday)
    api.post(f"/v1/admin/workers/{worker}/verify", {"approved": True}, token=operator_token)
    api.put("/v1/worker/accepting", {"accepting": False}, token=worker_token)
    resting = match(api, token, address, cat.daily_service, monday)
    api.put("/v1/worker/accepting", {"accepting": True}, token=worker_token)

    assert before == [] and resting == []
    assert [m["worker"]["id"] for m in match(api, token, address, cat.daily_service, monday)] == [worker]


def test_equal_workers_come_back_in_the_same_order_every_time(
    api: Api, operator_token: str, cat: Catalog
) -> None:
    monday = next_monday(9)
    ids = sorted(
        verified_worker(api, operator_token, f"twin{i}", profile([cat.cleaning]))[1] for i in range(3)
    )
    token, address = customer_with_address(api)

    runs = [
        [m["worker"]["id"] for m in match(api, token, address, cat.daily_service, monday)] for _ in range(3)
    ]

    assert runs == [ids, ids, ids]


def test_better_reviews_lift_a_worker_in_the_ranking(api: Api, operator_token: str, cat: Catalog) -> None:
    monday = next_monday(9)
    first, second = sorted(
        verified_worker(api, operator_token, f"rated{i}", profile([cat.cleaning]))[1] for i in range(2)
    )
    for _ in range(5):
        record_rating(second, attitude=5, skill=5, quality=5)
    token, address = customer_with_address(api)

    items = match(api, token, address, cat.daily_service, monday)

    assert [m["worker"]["id"] for m in items] == [second, first]
    assert items[0]["reasons"]["rating"]["note"] == "5条评价，平均5.0分"
    assert items[0]["worker"]["rating"]["count"] == 5


def test_a_match_reads_a_bounded_number_of_items_in_at_most_16_calls(
    api: Api, operator_token: str, cat: Catalog
) -> None:
    monday = next_monday(9)
    for i in range(14):
        quick_verified_worker(f"crowd{i:02d}", profile([cat.cleaning], lat=HOME_LAT + km_north(i / 4)))
    token, address = customer_with_address(api)
    body = {
        "service_id": cat.daily_service,
        "start": monday.isoformat(),
        "units": 8,
        "address_id": address,
        "limit": 12,
    }

    with metered() as tally:
        reply = api.post("/v1/matches", body, token=token)

    # An 8-hour booking reads 17 keys per candidate, 5 candidates per BatchGetItem: 3 of them for 12 matches.
    assert len(reply.body["items"]) == 12
    assert tally.by_action["BatchGetItem"] == 3 and tally.by_action["GetItem"] == 2
    assert tally.calls <= 16 and "Scan" not in tally.by_action


def test_booking_finds_the_best_worker_and_can_exclude_the_ones_who_declined(
    api: Api, operator_token: str, cat: Catalog
) -> None:
    monday = next_monday(9)
    near = verified_worker(
        api, operator_token, "w_near", profile([cat.cleaning], lat=HOME_LAT + km_north(0.5))
    )[1]
    far = verified_worker(api, operator_token, "w_far", profile([cat.cleaning], lat=HOME_LAT + km_north(3)))[
        1
    ]
    end = monday + timedelta(hours=2)
    now = clock.now()

    def best(exclude: frozenset[str] = frozenset()) -> str | None:
        ranked = rank_workers(cat.daily_service, monday, end, HOME_LAT, HOME_LNG, now=now, exclude=exclude)
        return ranked[0].worker.id if ranked else None

    assert best() == near
    assert best(frozenset({near})) == far
    assert best(frozenset({near, far})) is None
    assert [
        m.worker.id
        for m in rank_workers(cat.daily_service, monday, end, HOME_LAT, HOME_LNG, now=now, limit=1)
    ] == [near]


def test_bad_match_requests_are_refused(api: Api, operator_token: str, cat: Catalog) -> None:
    token, address = customer_with_address(api)
    monday = next_monday(9)

    def post(**changes: object) -> tuple[int, str]:
        body = {
            "service_id": cat.daily_service,
            "start": monday.isoformat(),
            "units": 2,
            "address_id": address,
        } | changes
        reply = api.post("/v1/matches", body, token=token)
        return reply.status, reply.body["error"]["code"]

    assert post(start=(monday + timedelta(minutes=10)).isoformat()) == (422, "BAD_START_TIME")
    assert post(
        start=(clock.now() - timedelta(days=1)).replace(minute=0, second=0, microsecond=0).isoformat()
    ) == (422, "START_IN_PAST")
    assert post(start="2026-12-07T09:00:00") == (422, "VALIDATION_FAILED")  # no offset
    assert post(units=500) == (422, "BOOKING_TOO_LONG")
    assert post(address_id="not-mine")[0] == 404
    assert post(service_id="no-such-service")[0] == 404
    worker = api.login("ayi_x", role="worker")
    body = {"service_id": cat.daily_service, "start": monday.isoformat(), "units": 2, "address_id": address}
    assert api.post("/v1/matches", body, token=worker).status == 403
