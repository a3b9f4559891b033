"""Routes of the worker's visit: set out (出发), check in at the door (到达), photos before and after. `start` and
`complete` keep their routes in ``api`` (they check what the service asks: ``onsite``).

Each honours ``Idempotency-Key`` (a retry returns the first response) and answers the order as its worker sees it.
"""

from __future__ import annotations

from chalice import Blueprint
from common.api import Call, route

from functions.booking import onsite
from functions.booking.models import ArriveRequest, DepartRequest, PhotosRequest, WorkerOrder
from functions.booking.worker_view import worker_step

bp = Blueprint(__name__)


@route(
    bp,
    "/v1/worker/orders/{order_id}/depart",
    "POST",
    body=DepartRequest,
    body_optional=True,
    response=WorkerOrder,
)
def depart_order(call: Call, order_id: str) -> WorkerOrder:
    """Set out for an accepted order (出发): `progress` becomes `on_the_way`.

    The customer is told. Once, and only on an accepted order before arrival: otherwise 409
    `INVALID_TRANSITION`. `lat`/`lng` may be sent; they are not kept. An order that is not the worker's is
    404. Honours `Idempotency-Key`.
    """
    return worker_step(call, order_id, "depart", onsite.depart, body=True)


@route(
    bp,
    "/v1/worker/orders/{order_id}/arrive",
    "POST",
    body=ArriveRequest,
    response=WorkerOrder,
    errors=(409,),
)
def arrive_order(call: Call, order_id: str) -> WorkerOrder:
    """Check in at the door (到达打卡): `progress` becomes `arrived`.

    On an accepted order, with or without departing first; once (409 `INVALID_TRANSITION` again or in
    another status). The position must lie within ``settings.onsite_arrival_max_distance_m`` metres of the
    order's address (422 `TOO_FAR_FROM_ADDRESS`, with `details.distance_m`); the door photo (`photo_url`,
    uploaded through `POST /v1/worker/media`) is kept on the order as `arrival`. The customer is told. Services
    that require arrival can be started only after it. Honours `Idempotency-Key`.
    """
    return worker_step(call, order_id, "arrive", onsite.arrive, body=True)


@route(
    bp,
    "/v1/worker/orders/{order_id}/photos",
    "POST",
    body=PhotosRequest,
    response=WorkerOrder,
    errors=(409,),
)
def add_order_photos(call: Call, order_id: str) -> WorkerOrder:
    """Add photos of the job, before or after the service.

    `before` on an accepted or in-service order, `after` in service (409 `INVALID_TRANSITION` otherwise); the
    urls come from `POST /v1/worker/media`. An order keeps at most ``settings.onsite_photos_max_per_stage``
    photos a stage (422 `TOO_MANY_PHOTOS`). A service with `requires_after_photos` completes only with
    after-photos. Shown on the order as `photos`. Honours `Idempotency-Key`.
    """
    return worker_step(call, order_id, "photos", onsite.add_photos, body=True)
