"""The slot calendar as booking uses it: locks held inside the booking's transaction, travel buffers between
bookings, the concurrent-order limit, releases, completions and the checks on a customer-chosen worker."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from common.clock import clock
from common.db import connection
from common.errors import NotFound, RuleViolation
from common.settings import get_settings
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from functions.workers import check_bookable, get_public_profile, hold_slots, order_finished, release_slots
from tests.integration.conftest import Api
from tests.integration.worker_helpers import make_catalog, next_monday, profile, register, verified_worker


def book(worker_id: str, start: datetime, end: datetime, order_id: str) -> bool:
    """What booking does: its own writes plus ``hold_slots`` in one transaction; False when cancelled."""
    try:
        with TransactWrite(connection=connection()) as tx:
            hold_slots(tx, worker_id, start, end, order_id)
    except TransactWriteError:
        return False
    return True


@pytest.fixture
def worker(api: Api, operator_token: str) -> tuple[str, str]:
    cat = make_catalog(api, operator_token)
    return verified_worker(api, operator_token, "ayi_cal", profile([cat.cleaning]))


def test_a_held_booking_shows_in_the_workers_calendar_with_its_travel_buffer(
    api: Api, worker: tuple[str, str]
) -> None:
    token, worker_id = worker
    start = next_monday(9)

    assert book(worker_id, start, start + timedelta(hours=2), "order-1")
    calendar = api.get(f"/v1/worker/calendar?from={start.date().isoformat()}", token=token).body

    assert [s["time"] for s in calendar["slots"]] == ["09:00", "09:30", "10:00", "10:30", "11:00"]
    assert {s["order_id"] for s in calendar["slots"]} == {"order-1"}


def test_a_second_booking_overlapping_or_inside_the_buffer_is_refused_and_one_after_it_holds(
    worker: tuple[str, str],
) -> None:
    _, worker_id = worker
    start = next_monday(9)
    assert book(worker_id, start, start + timedelta(hours=2), "order-1")

    overlapping = book(worker_id, start + timedelta(hours=1), start + timedelta(hours=3), "order-2")
    inside_buffer = book(worker_id, start + timedelta(hours=2), start + timedelta(hours=3), "order-3")
    before_with_buffer = book(worker_id, start - timedelta(hours=2), start - timedelta(minutes=30), "order-4")
    after_buffer = book(
        worker_id, start + timedelta(hours=2, minutes=30), start + timedelta(hours=4), "order-5"
    )

    assert (overlapping, inside_buffer) == (False, False)
    assert before_with_buffer and after_buffer


def test_releasing_frees_only_that_orders_slots_and_twice_is_harmless(
    api: Api, worker: tuple[str, str]
) -> None:
    token, worker_id = worker
    start = next_monday(9)
    book(worker_id, start, start + timedelta(hours=1), "order-1")
    book(worker_id, start + timedelta(hours=2), start + timedelta(hours=3), "order-2")

    release_slots(worker_id, start, start + timedelta(hours=1), "order-1")
    release_slots(worker_id, start, start + timedelta(hours=1), "order-1")
    calendar = api.get(f"/v1/worker/calendar?from={start.date().isoformat()}", token=token).body

    assert {s["order_id"] for s in calendar["slots"]} == {"order-2"}
    assert book(worker_id, start, start + timedelta(hours=1), "order-3")


def test_the_concurrent_order_limit_refuses_one_more_until_an_order_finishes(
    worker: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, worker_id = worker
    monkeypatch.setattr(get_settings(), "worker_max_active_orders", 2)
    monday = next_monday(9)

    held = [
        book(worker_id, monday + timedelta(days=d), monday + timedelta(days=d, hours=1), f"o{d}")
        for d in range(3)
    ]
    order_finished(worker_id, "o0")
    order_finished(worker_id, "o0")  # a repeated completion counts once
    after = book(worker_id, monday + timedelta(days=3), monday + timedelta(days=3, hours=1), "o3")

    assert held == [True, True, False]
    assert after is True
    assert get_public_profile(worker_id).completed_orders == 1


def test_a_booking_too_long_for_one_transaction_is_refused(worker: tuple[str, str]) -> None:
    _, worker_id = worker
    start = next_monday(0)
    with pytest.raises(RuleViolation), TransactWrite(connection=connection()) as tx:
        hold_slots(tx, worker_id, start, start + timedelta(days=2), "order-long")


def test_check_bookable_names_why_a_chosen_worker_cannot_come(api: Api, operator_token: str) -> None:
    cat = make_catalog(api, operator_token)
    token, worker_id = verified_worker(api, operator_token, "ayi_chosen", profile([cat.daily_service]))
    _, pending_id = register(api, "ayi_unverified", profile([cat.cleaning]))
    monday = next_monday(9)
    api.put(
        "/v1/worker/availability",
        {
            "weekly": {"mon": [["08:00", "12:00"]]},
            "days_off": [(monday + timedelta(days=7)).date().isoformat()],
        },
        token=token,
    )
    now = clock.now()

    def reason(
        worker: str, categories: list[str], service: str, start: datetime, hours: float = 2, **kw: float
    ) -> str | None:
        try:
            check_bookable(worker, categories, service, start, start + timedelta(hours=hours), now=now, **kw)
        except RuleViolation as exc:
            return exc.details["reason"]
        return None

    assert reason(worker_id, [cat.daily], cat.daily_service, monday) is None
    assert reason(worker_id, [cat.daily], cat.windows_service, monday) is None  # same category
    assert reason(worker_id, [cat.maternity], cat.nanny_service, monday) == "lacks_skill"
    assert reason(worker_id, [cat.daily], cat.daily_service, monday + timedelta(hours=2)) == "outside_hours"
    assert reason(worker_id, [cat.daily], cat.daily_service, monday + timedelta(days=1)) == "outside_hours"
    assert reason(worker_id, [cat.daily], cat.daily_service, monday + timedelta(days=7)) == "day_off"
    assert reason(worker_id, [cat.daily], cat.daily_service, monday, lat=31.4, lng=121.437) == "out_of_range"
    assert reason(pending_id, [cat.cleaning], cat.daily_service, monday) == "not_verified"
    api.put("/v1/worker/accepting", {"accepting": False}, token=token)
    assert reason(worker_id, [cat.daily], cat.daily_service, monday) == "resting"
    with pytest.raises(NotFound):
        check_bookable("nobody", [cat.daily], cat.daily_service, monday, monday + timedelta(hours=1), now=now)


def test_an_expired_health_certificate_stops_bookings_after_its_date(api: Api, operator_token: str) -> None:
    cat = make_catalog(api, operator_token)
    monday = next_monday(9)
    health = {"status": "healthy", "certificate_expires_on": monday.date().isoformat()}
    _, worker_id = verified_worker(api, operator_token, "ayi_health", profile([cat.cleaning], health=health))

    check_bookable(
        worker_id, [cat.daily], cat.daily_service, monday, monday + timedelta(hours=2), now=clock.now()
    )
    with pytest.raises(RuleViolation) as refused:
        tuesday = monday + timedelta(days=1)
        check_bookable(
            worker_id, [cat.daily], cat.daily_service, tuesday, tuesday + timedelta(hours=2), now=clock.now()
        )
    assert refused.value.details == {"reason": "health_certificate_expired"}
