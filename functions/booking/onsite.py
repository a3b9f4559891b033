"""The worker's visit (DESIGN.md "On-site service"): setting out (出发), the arrival check-in at the door (到达),
photos before and after, and the checks of `start` and `complete` that the service asks for.

Departure and arrival move ``progress`` inside ``accepted`` (never the status): each is once, with a timeline
entry and an event that tells the customer, in one conditional write (``onsite_store``). `start` and `complete`
are the ordinary moves (``moves``) after the service's own checks: arrival, after-photos, the checklist, read
from the service as it was booked (the order's snapshot), so a later catalog edit never changes a booked visit.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from common.clock import iso
from common.settings import get_settings
from pynamodb.transactions import TransactWrite

from functions.booking import moves, onsite_rules, onsite_store, rules, store
from functions.booking.models import (
    ArriveRequest,
    CompleteRequest,
    DepartRequest,
    Order,
    PhotosRequest,
)
from functions.booking.order_events import add_order_event
from functions.booking.store import OrderItem
from functions.booking.views import assigned_to_worker, to_order


def _theirs(worker_id: str, order_id: str) -> OrderItem:
    return assigned_to_worker(moves.load(order_id), worker_id)


def _progress(
    item: OrderItem,
    worker_id: str,
    progress: str,
    note: str,
    event: str,
    *,
    now: datetime,
    **values: Any,
) -> OrderItem:
    """Write a progress step with its timeline entry and its event (which tells the customer)."""
    condition = onsite_store.still(item, worker_id, frozenset({rules.ACCEPTED}))
    condition &= (
        onsite_store.not_departed()
        if progress == onsite_rules.ON_THE_WAY
        else onsite_store.not_arrived(onsite_rules.ARRIVED)
    )

    def announce(tx: TransactWrite) -> None:
        add_order_event(tx, event, item, actor="worker", note=note, now=now, progress=progress)

    entry = store.entry(iso(now), item.status, "worker", note)
    return onsite_store.record(item, entry, condition, values={"progress": progress, **values}, also=announce)


def depart(worker_id: str, order_id: str, body: DepartRequest | None, *, now: datetime) -> Order:
    """The worker sets out for an accepted order (``progress`` on_the_way); the customer is told. Once: again,
    or after arrival, is 409 ``INVALID_TRANSITION``. Where the worker sets out from is not kept (the worker's
    whereabouts are theirs)."""
    item = _theirs(worker_id, order_id)
    onsite_rules.check_can_depart(item.status, item.progress)
    item = _progress(
        item,
        worker_id,
        onsite_rules.ON_THE_WAY,
        "on the way (出发)",
        "OrderDeparted",
        now=now,
        departed_at=iso(now),
    )
    return to_order(item)


def arrive(worker_id: str, order_id: str, body: ArriveRequest, *, now: datetime) -> Order:
    """The worker checks in at the door of an accepted order, with or without departing first (``progress``
    arrived): within ``settings.onsite_arrival_max_distance_m`` of the order's address (422
    ``TOO_FAR_FROM_ADDRESS`` farther), keeping the door photo; the customer is told. Once (409 again)."""
    item = _theirs(worker_id, order_id)
    onsite_rules.check_can_arrive(item.status, item.progress)
    address = item.address or {}
    distance = onsite_rules.distance_m(body.lat, body.lng, float(address["lat"]), float(address["lng"]))
    onsite_rules.check_arrival_distance(distance, get_settings().onsite_arrival_max_distance_m)
    arrival = {
        "lat": body.lat,
        "lng": body.lng,
        "photo_url": body.photo_url,
        "distance_m": math.ceil(distance),
    }
    item = _progress(
        item,
        worker_id,
        onsite_rules.ARRIVED,
        "arrived (到达)",
        "OrderArrived",
        now=now,
        arrived_at=iso(now),
        arrival=arrival,
    )
    return to_order(item)


def add_photos(worker_id: str, order_id: str, body: PhotosRequest, *, now: datetime) -> Order:
    """Keep photos of the job: ``before`` on an accepted or in-service order, ``after`` in service (409
    otherwise), at most ``settings.onsite_photos_max_per_stage`` a stage (422 ``TOO_MANY_PHOTOS``)."""
    item = _theirs(worker_id, order_id)
    limit = get_settings().onsite_photos_max_per_stage
    have = len((item.before_photos if body.stage == "before" else item.after_photos) or [])
    onsite_rules.check_photo_stage(body.stage, item.status, have, len(body.urls), limit)
    condition = onsite_store.still(item, worker_id, onsite_rules.PHOTO_STATUSES[body.stage])
    condition &= onsite_store.room_for(body.stage, len(body.urls), limit)
    entry = store.entry(iso(now), item.status, "worker", f"{len(body.urls)} {body.stage} photos")
    action = onsite_store.add_photos_action(body.stage, list(body.urls))
    return to_order(onsite_store.record(item, entry, condition, actions=[action]))


def start(worker_id: str, order_id: str, *, now: datetime) -> Order:
    """`start`, after the arrival check-in where the service requires it (its ``requires_arrival``, else
    ``settings.onsite_arrival_required_default``): 422 ``ARRIVAL_REQUIRED`` before."""
    item = _theirs(worker_id, order_id)
    rules.transition("start", item.status)  # a wrong status is 409 before anything else
    default = get_settings().onsite_arrival_required_default
    onsite_rules.check_can_start(item.service, item.progress, default=default)
    return moves.start_item(item, now=now)


def complete(worker_id: str, order_id: str, body: CompleteRequest | None, *, now: datetime) -> Order:
    """`complete`, with the service's checks: after-photos where it requires them (422 ``PHOTOS_REQUIRED``),
    and its checklist ticked in full (422 ``CHECKLIST_INCOMPLETE`` / ``UNKNOWN_CHECKLIST_ITEM``), kept on the
    order."""
    item = _theirs(worker_id, order_id)
    rules.transition("complete", item.status)
    onsite_rules.check_after_photos(item.service, len(item.after_photos or []))
    ticked = onsite_rules.checked_checklist(
        item.service.get("checklist") or [], body.checklist if body is not None else None
    )
    set_ = {"checklist": ticked} if ticked is not None else None
    return moves.finish(item, actor="worker", note="service completed", now=now, set_=set_)
