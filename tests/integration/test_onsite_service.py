"""The on-site service over HTTP on the table in moto (no workflow): the worker sets out and checks in at the door
(the order's ``progress``), takes photos, starts only after arrival where the service says so, and completes with
the service's after-photos and checklist; add-ons (加项) price the booking and lengthen its slot locks."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from common.clock import clock
from common.geo import EARTH_RADIUS_KM

from functions.booking import mark_paid
from tests.integration.booking_helpers import World, event_tap, long_lived_tokens, make_world, operator, slot
from tests.integration.conftest import Api
from tests.integration.engagement_helpers import add_nanny_service, morning
from tests.integration.worker_helpers import HOME_LAT, HOME_LNG

DOOR = "https://media.example.com/workers/w/order_photo/door.jpg"
CHECKLIST = ["厨房台面", "卫生间", "垃圾带走"]
ADDONS = [
    {"id": "fridge", "name": "冰箱内部清洁", "price_fen": 3000, "minutes": 60},
    {"id": "balcony", "name": "阳台清洁", "price_fen": 2000, "minutes": 20},
]


def metres_north(metres: float) -> tuple[float, float]:
    return HOME_LAT + math.degrees(metres / 1000 / EARTH_RADIUS_KM), HOME_LNG


def within(at: str, since: datetime) -> bool:
    """An ISO time between ``since`` and the business clock's now (times are kept to the second)."""
    return since.replace(microsecond=0) <= datetime.fromisoformat(at) <= clock.now()


@pytest.fixture
def world(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with long_lived_tokens(monkeypatch):
        yield make_world(api, operator(api))


def configure(world: World, **fields: object) -> dict:
    reply = world.api.patch(f"/v1/admin/services/{world.service_id}", fields, token=world.operator)
    assert reply.status == 200, reply.body
    return reply.body


def visit_service(world: World) -> None:
    configure(world, checklist=CHECKLIST, addons=ADDONS, requires_arrival=True, requires_after_photos=True)


def accepted_order(world: World, hours: float = 2.5, **extra: object) -> str:
    order = world.book("amy", slot(hours), worker="wang", **extra).body
    assert mark_paid(
        order["id"], paid_fen=order["price"]["total_fen"], transaction_id="wx-1", now=clock.now()
    )
    reply = world.api.post(f"/v1/worker/orders/{order['id']}/accept", token=world.worker("wang").token)
    assert reply.status == 200, reply.body
    return order["id"]


def step(world: World, order_id: str, name: str, body: object = None, worker: str = "wang") -> object:
    return world.api.post(f"/v1/worker/orders/{order_id}/{name}", body, token=world.worker(worker).token)


def arrive_body(metres: float = 0) -> dict:
    lat, lng = metres_north(metres)
    return {"lat": lat, "lng": lng, "photo_url": DOOR}


def customer_view(world: World, order_id: str) -> dict:
    return world.api.get(f"/v1/orders/{order_id}", token=world.customer("amy").token).body


# --- departure and arrival -----------------------------------------------------------------------------------


def test_departure_shows_on_the_way_to_the_customer_the_worker_and_operators(world: World) -> None:
    order_id = accepted_order(world)
    assert customer_view(world, order_id)["progress"] is None
    since = clock.now()
    with event_tap() as received:
        reply = step(world, order_id, "depart", {"lat": 31.3, "lng": 121.5})
        assert reply.status == 200, reply.body
        assert reply.body["progress"] == "on_the_way" and reply.body["status"] == "accepted"
        told = [d for t, d in received() if t == "OrderDeparted"]
    assert [(d["order_id"], d["customer_id"], d["progress"]) for d in told] == [
        (order_id, world.customer("amy").id, "on_the_way")
    ]
    admin = world.api.get(f"/v1/admin/orders/{order_id}", token=world.operator).body
    worker = world.api.get(f"/v1/worker/orders/{order_id}", token=world.worker("wang").token).body
    for view in (customer_view(world, order_id), admin, worker):
        assert (view["progress"], view["arrived_at"]) == ("on_the_way", None)
        assert within(view["departed_at"], since)
    assert customer_view(world, order_id)["timeline"][-1]["note"] == "on the way (出发)"


def test_departing_twice_or_after_arrival_or_before_acceptance_is_409(world: World) -> None:
    order_id = accepted_order(world)
    assert step(world, order_id, "depart").status == 200
    again = step(world, order_id, "depart")
    assert again.status == 409 and again.body["error"]["code"] == "INVALID_TRANSITION"
    other = accepted_order(world, 6)
    assert step(world, other, "arrive", arrive_body()).status == 200
    assert step(world, other, "depart").status == 409
    offered = world.book("amy", slot(9), worker="wang").body["id"]
    assert step(world, offered, "depart").status == 409  # not yet accepted (not even paid)
    assert step(world, offered, "arrive", arrive_body()).status == 409


def test_an_arrival_farther_than_the_limit_is_refused_and_changes_nothing(world: World) -> None:
    order_id = accepted_order(world)
    with event_tap() as received:
        far = step(world, order_id, "arrive", arrive_body(510))
        assert far.status == 422 and far.body["error"]["code"] == "TOO_FAR_FROM_ADDRESS"
        assert far.body["error"]["details"] == {"distance_m": 510, "max_distance_m": 500}
        assert [t for t, _ in received() if t == "OrderArrived"] == []
    view = customer_view(world, order_id)
    assert (view["progress"], view["arrival"], view["arrived_at"]) == (None, None, None)


def test_an_arrival_at_the_door_keeps_the_door_photo_and_tells_the_customer(world: World) -> None:
    order_id = accepted_order(world)
    step(world, order_id, "depart")
    since = clock.now()
    with event_tap() as received:
        reply = step(world, order_id, "arrive", arrive_body(499))
        assert reply.status == 200, reply.body
        told = [d["customer_id"] for t, d in received() if t == "OrderArrived"]
    assert told == [world.customer("amy").id]
    view = customer_view(world, order_id)
    assert view["progress"] == "arrived" and within(view["arrived_at"], since)
    assert view["arrival"]["photo_url"] == DOOR and view["arrival"]["distance_m"] == 499
    again = step(world, order_id, "arrive", arrive_body())
    assert again.status == 409 and again.body["error"]["code"] == "INVALID_TRANSITION"


def test_another_worker_reaching_the_visit_gets_404(world: World) -> None:
    order_id = accepted_order(world)
    world.worker("li")
    for name, body in (
        ("depart", None),
        ("arrive", arrive_body()),
        ("photos", {"stage": "before", "urls": [DOOR]}),
    ):
        assert step(world, order_id, name, body, worker="li").status == 404, name


def test_an_arrival_without_a_photo_is_refused_by_the_schema(world: World) -> None:
    order_id = accepted_order(world)
    lat, lng = metres_north(0)
    reply = step(world, order_id, "arrive", {"lat": lat, "lng": lng})
    assert reply.status == 422 and reply.body["error"]["code"] == "VALIDATION_FAILED"
    bad = step(world, order_id, "arrive", {"lat": lat, "lng": lng, "photo_url": "file:///door.jpg"})
    assert bad.status == 422


def test_a_new_worker_on_the_order_starts_the_visit_anew(world: World) -> None:
    order_id = accepted_order(world)
    step(world, order_id, "arrive", arrive_body())
    world.worker("li")
    reassigned = world.api.post(
        f"/v1/admin/orders/{order_id}/reassign", {"worker_id": world.worker("li").id}, token=world.operator
    )
    assert reassigned.status == 200, reassigned.body
    assert (reassigned.body["progress"], reassigned.body["arrival"]) == (None, None)


# --- start -----------------------------------------------------------------------------------------------------


def test_start_before_arrival_is_refused_where_the_service_requires_arrival(world: World) -> None:
    configure(world, requires_arrival=True)
    order_id = accepted_order(world)
    clock.advance(timedelta(hours=2))
    early = step(world, order_id, "start")
    assert early.status == 422 and early.body["error"]["code"] == "ARRIVAL_REQUIRED"
    step(world, order_id, "depart")
    assert step(world, order_id, "start").body["error"]["code"] == "ARRIVAL_REQUIRED"
    step(world, order_id, "arrive", arrive_body())
    started = step(world, order_id, "start")
    assert started.status == 200 and started.body["status"] == "in_service"
    assert started.body["progress"] == "arrived"  # the visit's record stays


def test_a_service_that_does_not_say_starts_without_a_check_in(world: World) -> None:
    order_id = accepted_order(world)  # settings.onsite_arrival_required_default is false
    clock.advance(timedelta(hours=2))
    assert step(world, order_id, "start").body["status"] == "in_service"


def test_a_booked_order_keeps_the_service_as_it_was_booked(world: World) -> None:
    order_id = accepted_order(world)
    configure(world, requires_arrival=True, checklist=CHECKLIST)  # after the booking
    clock.advance(timedelta(hours=2))
    assert step(world, order_id, "start").status == 200
    assert step(world, order_id, "complete").body["status"] == "completed"


# --- photos and completion -------------------------------------------------------------------------------------


def test_after_photos_wait_for_the_service_and_completion_waits_for_them(world: World) -> None:
    visit_service(world)
    order_id = accepted_order(world)
    too_soon = step(world, order_id, "photos", {"stage": "after", "urls": [DOOR]})
    assert too_soon.status == 409 and too_soon.body["error"]["code"] == "INVALID_TRANSITION"
    before = step(world, order_id, "photos", {"stage": "before", "urls": [DOOR, DOOR + "?2"]})
    assert before.status == 200 and before.body["photos"] == {"before": [DOOR, DOOR + "?2"], "after": []}
    step(world, order_id, "arrive", arrive_body())
    clock.advance(timedelta(hours=2))
    assert step(world, order_id, "start").status == 200
    ticked = {"checklist": {item: True for item in CHECKLIST}}
    missing = step(world, order_id, "complete", ticked)
    assert missing.status == 422 and missing.body["error"]["code"] == "PHOTOS_REQUIRED"
    after = step(world, order_id, "photos", {"stage": "after", "urls": [DOOR + "?after"]})
    assert after.body["photos"]["after"] == [DOOR + "?after"]
    assert step(world, order_id, "complete", ticked).body["status"] == "completed"


def test_a_stage_keeps_at_most_the_limit_of_photos(world: World) -> None:
    order_id = accepted_order(world)
    urls = [f"{DOOR}?{i}" for i in range(9)]
    assert step(world, order_id, "photos", {"stage": "before", "urls": urls}).status == 200
    more = step(world, order_id, "photos", {"stage": "before", "urls": [DOOR]})
    assert more.status == 422 and more.body["error"]["code"] == "TOO_MANY_PHOTOS"
    assert len(customer_view(world, order_id)["photos"]["before"]) == 9


def test_completion_needs_every_checklist_item_ticked_and_keeps_the_ticks(world: World) -> None:
    configure(world, checklist=CHECKLIST)
    assert world.api.get(f"/v1/services/{world.service_id}").body["checklist"] == CHECKLIST
    order_id = accepted_order(world)
    clock.advance(timedelta(hours=2))
    step(world, order_id, "start")
    nothing = step(world, order_id, "complete")
    assert nothing.status == 422 and nothing.body["error"]["code"] == "CHECKLIST_INCOMPLETE"
    assert nothing.body["error"]["details"] == {"missing": CHECKLIST}
    unticked = step(
        world, order_id, "complete", {"checklist": {**dict.fromkeys(CHECKLIST, True), "卫生间": False}}
    )
    assert unticked.body["error"]["details"] == {"missing": ["卫生间"]}
    unknown = step(
        world, order_id, "complete", {"checklist": {**dict.fromkeys(CHECKLIST, True), "车库": True}}
    )
    assert unknown.status == 422 and unknown.body["error"]["code"] == "UNKNOWN_CHECKLIST_ITEM"
    assert customer_view(world, order_id)["status"] == "in_service"
    done = step(world, order_id, "complete", {"checklist": dict.fromkeys(CHECKLIST, True)})
    assert done.status == 200 and done.body["status"] == "completed"
    assert customer_view(world, order_id)["checklist"] == dict.fromkeys(CHECKLIST, True)


def test_complete_on_an_order_not_in_service_is_409_before_its_checks(world: World) -> None:
    configure(world, checklist=CHECKLIST, requires_after_photos=True)
    order_id = accepted_order(world)
    reply = step(world, order_id, "complete")
    assert reply.status == 409 and reply.body["error"]["code"] == "INVALID_TRANSITION"


# --- add-ons ---------------------------------------------------------------------------------------------------


def test_add_ons_are_priced_in_the_subtotal_and_unknown_ones_are_refused(world: World) -> None:
    configure(world, addons=ADDONS)
    assert world.api.get(f"/v1/services/{world.service_id}").body["addons"] == ADDONS
    token = world.customer("amy").token
    body = {"service_id": world.service_id, "start": slot(), "units": 2, "addons": ["fridge", "balcony"]}
    quote = world.api.post("/v1/quotes", body, token=token).body
    assert (quote["subtotal_fen"], quote["addons_fen"], quote["total_fen"]) == (15000, 5000, 15000)
    unknown = world.api.post("/v1/quotes", {**body, "addons": ["garage"]}, token=token)
    assert unknown.status == 422 and unknown.body["error"]["code"] == "UNKNOWN_ADDON"
    refused = world.book("amy", slot(), worker="wang", addons=["garage"])
    assert refused.status == 422 and refused.body["error"]["code"] == "UNKNOWN_ADDON"


def test_add_on_minutes_lengthen_the_booking_and_hold_the_extra_slots(world: World) -> None:
    configure(world, addons=ADDONS)
    start = slot(4)
    order = world.book("amy", start, worker="wang", addons=["fridge"]).body
    assert order["price"]["addons_fen"] == 3000 and order["price"]["total_fen"] == 13000
    assert [a["id"] for a in order["service"]["addons"]] == ["fridge"]
    length = datetime.fromisoformat(order["end"]) - datetime.fromisoformat(order["start"])
    assert length == timedelta(hours=3)  # 2 units of 60 minutes + the fridge's 60
    # without the add-on the booking would end at +2h, free again after the 30-minute travel buffer, at +2h30
    inside = (datetime.fromisoformat(start) + timedelta(hours=2, minutes=30)).isoformat()
    taken = world.book("bob", inside, worker="wang")
    assert taken.status == 409 and taken.body["error"]["code"] == "SLOT_TAKEN"
    after = (datetime.fromisoformat(start) + timedelta(hours=3, minutes=30)).isoformat()
    assert world.book("bob", after, worker="wang").status == 201


def test_a_part_slot_of_add_on_minutes_holds_the_whole_slot(world: World) -> None:
    configure(world, addons=ADDONS)
    start = slot(4)
    order = world.book("amy", start, worker="wang", addons=["balcony"]).body  # 20 minutes
    assert datetime.fromisoformat(order["end"]) - datetime.fromisoformat(start) == timedelta(minutes=140)
    # 2h20 + the 30-minute buffer reaches into the 2h30 slot: the next booking can start at 3h, not earlier
    taken = world.book(
        "bob", (datetime.fromisoformat(start) + timedelta(hours=2, minutes=30)).isoformat(), worker="wang"
    )
    assert taken.status == 409
    free = world.book("bob", (datetime.fromisoformat(start) + timedelta(hours=3)).isoformat(), worker="wang")
    assert free.status == 201, free.body


def test_an_add_on_named_twice_is_refused(world: World) -> None:
    configure(world, addons=ADDONS)
    reply = world.api.post(
        "/v1/quotes",
        {"service_id": world.service_id, "start": slot(), "units": 2, "addons": ["fridge", "fridge"]},
        token=world.customer("amy").token,
    )
    assert reply.status == 422 and reply.body["error"]["code"] == "DUPLICATE_ADDON"


# --- the catalog -----------------------------------------------------------------------------------------------


def test_operators_edit_the_visit_and_duplicate_ids_or_items_are_refused(world: World) -> None:
    service = configure(world, checklist=CHECKLIST, addons=ADDONS, requires_arrival=True)
    assert (service["requires_arrival"], service["requires_after_photos"]) == (True, False)
    twice = world.api.patch(
        f"/v1/admin/services/{world.service_id}", {"addons": ADDONS + ADDONS[:1]}, token=world.operator
    )
    assert twice.status == 422
    again = world.api.patch(
        f"/v1/admin/services/{world.service_id}", {"checklist": ["卫生间", "卫生间"]}, token=world.operator
    )
    assert again.status == 422
    cleared = configure(world, addons=[], checklist=[])
    assert (cleared["addons"], cleared["checklist"]) == ([], [])


def test_a_rescheduled_order_keeps_its_add_on_minutes(world: World) -> None:
    configure(world, addons=ADDONS)
    order = world.book("amy", slot(30), worker="wang", addons=["fridge"]).body
    later = (datetime.fromisoformat(order["start"]) + timedelta(days=2)).isoformat()
    moved = world.api.post(
        f"/v1/orders/{order['id']}/reschedule", {"start": later}, token=world.customer("amy").token
    )
    assert moved.status == 200, moved.body
    assert datetime.fromisoformat(moved.body["end"]) - datetime.fromisoformat(later) == timedelta(hours=3)


def test_add_ons_are_not_booked_with_a_service_priced_per_day(world: World) -> None:
    nanny = add_nanny_service(world)
    reply = world.api.post(
        "/v1/quotes",
        {"service_id": nanny, "start": morning(3), "units": 2, "addons": ["fridge"]},
        token=world.customer("amy").token,
    )
    assert reply.status == 422 and reply.body["error"]["code"] == "ADDONS_NOT_AVAILABLE"
