"""End to end on the local stack: the seeded 深度保洁 visit, as the apps call it over HTTP. The customer books it with
an add-on (加项) and pays; the worker accepts, sets out (the customer is told), checks in at the door (too far
first: 422, then at the door with the door photo uploaded to the media bucket), takes before-photos, starts, takes
after-photos and completes with the service's checklist ticked; the customer sees each step on the order."""

from __future__ import annotations

import math
import struct
import zlib
from datetime import datetime, timedelta
from typing import Any

import pytest
import requests

stack_support = pytest.importorskip("tests.e2e.conftest", reason="needs the local stack's e2e fixtures")
journey = pytest.importorskip("tests.e2e.test_booking_journey", reason="needs the booking journey's helpers")
StackClient = stack_support.StackClient

pytestmark = pytest.mark.e2e
SERVICE = (
    "svc_deep_cleaning"  # seeded: 深度保洁, a 5-hour visit with add-ons, arrival, after-photos, a checklist
)
LAT, LNG = journey.LAT, journey.LNG
EARTH_RADIUS_M = 6371008.8


def png() -> bytes:
    row = b"\x00" + bytes((90, 160, 90)) * 8

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * 8))
        + chunk(b"IEND", b"")
    )


def uploaded_photo(stack: StackClient, token: str) -> str:
    """A photo uploaded as the worker's app does: a presigned PUT to the media bucket, then its url."""
    upload = stack.post("/v1/worker/media", {"kind": "order_photo", "content_type": "image/png"}, token=token)
    assert upload.status == 200, upload.body
    put = requests.put(
        upload.body["upload_url"], data=png(), headers={"Content-Type": "image/png"}, timeout=10
    )
    assert put.status_code == 200, put.text
    return upload.body["url"]


def north(metres: float) -> dict[str, float]:
    return {"lat": LAT + math.degrees(metres / EARTH_RADIUS_M), "lng": LNG}


def kinds_told(stack: StackClient, token: str) -> set[str]:
    return {n["kind"] for n in stack.get("/v1/me/notifications", token=token).body["items"]}


def test_a_deep_cleaning_visit_from_departure_to_a_checked_completion(
    stack: StackClient, restore_clock: None
) -> None:
    worker, worker_id = journey.verified_worker(stack, "e2e_onsite_qian", SERVICE)
    customer, address_id = journey.customer_with_address(stack, "e2e_onsite_li")
    service = stack.get(f"/v1/services/{SERVICE}").body
    assert service["requires_arrival"] is True and service["requires_after_photos"] is True
    checklist, addon = service["checklist"], service["addons"][-1]
    assert checklist and addon["minutes"] > 0
    start = journey.half_hour_after(journey.business_now(stack), 3)
    body = {"service_id": SERVICE, "start": start.isoformat(), "units": 1, "addons": [addon["id"]]}

    quote = stack.post("/v1/quotes", body, token=customer).body
    assert quote["addons_fen"] == addon["price_fen"]
    assert quote["subtotal_fen"] == service["pricing"]["unit_price_fen"] + addon["price_fen"]
    unknown = stack.post("/v1/quotes", {**body, "addons": ["no_such_addon"]}, token=customer)
    assert unknown.status == 422 and unknown.body["error"]["code"] == "UNKNOWN_ADDON"
    booked = stack.post(
        "/v1/orders", {**body, "address_id": address_id, "worker_id": worker_id}, token=customer
    )
    assert booked.status == 201, booked.body
    order = booked.body
    length = timedelta(minutes=service["duration_minutes"] + addon["minutes"])
    assert datetime.fromisoformat(order["end"]) - datetime.fromisoformat(order["start"]) == length
    journey.pay(stack, order["id"], customer)
    journey.eventually(
        lambda: journey.order_of(stack, order["id"], customer)["status"] == "pending_acceptance", "payment"
    )
    path = f"/v1/worker/orders/{order['id']}"
    assert stack.post(f"{path}/accept", token=worker).body["status"] == "accepted"

    departed = stack.post(f"{path}/depart", {"lat": LAT + 0.02, "lng": LNG}, token=worker)
    assert departed.status == 200 and departed.body["progress"] == "on_the_way", departed.body
    assert journey.order_of(stack, order["id"], customer)["progress"] == "on_the_way"
    journey.eventually(lambda: "worker_on_the_way" in kinds_told(stack, customer), "the departure notice")

    door = uploaded_photo(stack, worker)
    too_far = stack.post(f"{path}/arrive", {**north(800), "photo_url": door}, token=worker)
    assert too_far.status == 422 and too_far.body["error"]["code"] == "TOO_FAR_FROM_ADDRESS", too_far.body
    arrived = stack.post(f"{path}/arrive", {**north(30), "photo_url": door}, token=worker)
    assert arrived.status == 200 and arrived.body["progress"] == "arrived", arrived.body
    assert arrived.body["arrival"]["photo_url"] == door
    journey.eventually(lambda: "worker_arrived" in kinds_told(stack, customer), "the arrival notice")

    before = stack.post(
        f"{path}/photos", {"stage": "before", "urls": [uploaded_photo(stack, worker)]}, token=worker
    )
    assert before.status == 200 and len(before.body["photos"]["before"]) == 1, before.body

    minutes_to_start = int((start - journey.business_now(stack)).total_seconds() // 60)
    stack.post("/v1/dev/clock", {"advance_minutes": minutes_to_start - 30})
    worker, customer = stack.login("e2e_onsite_qian", "worker"), stack.login("e2e_onsite_li")  # hours later
    started = stack.post(f"{path}/start", token=worker)
    assert started.status == 200 and started.body["status"] == "in_service", started.body

    ticked: dict[str, Any] = {"checklist": dict.fromkeys(checklist, True)}
    no_photos = stack.post(f"{path}/complete", ticked, token=worker)
    assert no_photos.status == 422 and no_photos.body["error"]["code"] == "PHOTOS_REQUIRED"
    after = stack.post(
        f"{path}/photos", {"stage": "after", "urls": [uploaded_photo(stack, worker)]}, token=worker
    )
    assert after.status == 200, after.body
    half = {"checklist": {checklist[0]: True}}
    incomplete = stack.post(f"{path}/complete", half, token=worker)
    assert incomplete.status == 422 and incomplete.body["error"]["code"] == "CHECKLIST_INCOMPLETE"
    done = stack.post(f"{path}/complete", ticked, token=worker)
    assert done.status == 200 and done.body["status"] == "completed", done.body

    seen = journey.order_of(stack, order["id"], customer)
    assert seen["status"] == "completed" and seen["checklist"] == ticked["checklist"]
    assert seen["progress"] == "arrived" and seen["departed_at"] and seen["arrived_at"]
    assert len(seen["photos"]["before"]) == len(seen["photos"]["after"]) == 1
    notes = [e["note"] for e in seen["timeline"]]
    assert "on the way (出发)" in notes and "arrived (到达)" in notes
