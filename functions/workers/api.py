"""Worker routes: the worker's own profile, availability, switch, calendar and media; operators' onboarding and
verification; the public profile (its reviews are the reviews capability's routes)."""

from __future__ import annotations

from chalice import Blueprint
from common.api import Call, route
from common.ids import new_id
from common.pagination import Page

from functions.workers import calendar, media, service
from functions.workers.models import (
    AcceptingIn,
    AdminWorkersQuery,
    Availability,
    AvailabilityIn,
    Calendar,
    CalendarQuery,
    MediaIn,
    MediaUpload,
    NoteIn,
    ProfileIn,
    VerifyIn,
    WorkerAdminSummary,
    WorkerOwn,
    WorkerPublic,
)

bp = Blueprint(__name__)


@route(bp, "/v1/worker/profile", "PUT", body=ProfileIn, response=WorkerOwn, errors=(409,))
def put_profile(call: Call) -> WorkerOwn:
    """Create or replace the worker's profile.

    Name, skills (catalog categories or services), service area, experience, certificates and media. A new
    profile, or a change to what operators review, waits for an operator's verification before the worker can
    be matched. Workers are at least ``settings.worker_min_age`` years old (422 `TOO_YOUNG`). 409 if the
    profile changed meanwhile: reload it and try again.
    """
    return service.submit_profile(call.user_id, call.body, now=call.now)


@route(bp, "/v1/worker/profile", "GET", response=WorkerOwn, errors=(404,))
def get_profile(call: Call) -> WorkerOwn:
    """The worker's own profile, status and last review note.

    Status is pending, verified, rejected or suspended; with the worker's rating and credit. 404 before the
    worker has submitted a profile.
    """
    return service.get_own(call.user_id, now=call.now)


@route(bp, "/v1/worker/availability", "PUT", body=AvailabilityIn, response=Availability, errors=(404, 409))
def put_availability(call: Call) -> Availability:
    """Replace the weekly template and the days off.

    The weekly template gives, per weekday, the time ranges the worker works (`[["08:00", "18:00"]]`, on half
    hours); days off override it. Bookings already held stay. 404 before the worker has a profile.
    """
    return service.set_availability(call.user_id, call.body, now=call.now)


@route(bp, "/v1/worker/availability", "GET", response=Availability, errors=(404,))
def get_availability(call: Call) -> Availability:
    """The weekly template, days off, the switch and the travel buffer.

    The days off still to come; the 接单 switch; the travel buffer kept free after each booking
    (``settings.travel_buffer_minutes`` minutes). 404 before the worker has a profile.
    """
    return service.get_availability(call.user_id)


@route(bp, "/v1/worker/accepting", "PUT", body=AcceptingIn, response=Availability, errors=(404, 409))
def put_accepting(call: Call) -> Availability:
    """The 接单 switch: 接单中 (true) or 休息中 (false).

    Resting takes the worker out of matching, so nobody new can book them; orders already held stay. 404
    before the worker has a profile.
    """
    return service.set_accepting(call.user_id, call.body, now=call.now)


@route(bp, "/v1/worker/calendar", "GET", query=CalendarQuery, response=Calendar)
def get_calendar(call: Call) -> Calendar:
    """The worker's booked half-hour slots and the days engagements hold.

    From the date `from` over `days` days (business time zone): every slot an order holds, travel buffer
    included (`slots`), and every whole day an engagement (月嫂, 育儿嫂 …) holds (`days`).
    """
    return calendar.booked(call.user_id, call.query.start_date, call.query.days)


@route(bp, "/v1/worker/media", "POST", body=MediaIn, response=MediaUpload)
def post_media(call: Call) -> MediaUpload:
    """A presigned URL to upload one photo, video or certificate scan to.

    PUT the file to `upload_url` (with the same Content-Type) within ``settings.media_upload_expiry_seconds``
    seconds, then put `url` into the profile. The API never carries file bytes.
    """
    return media.presign_upload(call.user_id, call.body, media_id=new_id(call.now))


@route(bp, "/v1/admin/workers", "GET", query=AdminWorkersQuery, response=Page[WorkerAdminSummary])
def list_workers(call: Call) -> Page[WorkerAdminSummary]:
    """Workers in one status, longest in that status first.

    `status` is pending (the review queue), verified, rejected or suspended. Paginated with `limit` and
    `cursor`.
    """
    return service.list_workers(call.query)


@route(bp, "/v1/admin/workers/{worker_id}", "GET", response=WorkerOwn)
def get_worker(call: Call, worker_id: str) -> WorkerOwn:
    """Everything about a worker, for review.

    Certificate and ID numbers included: only operators see this view. 404 for a worker without a profile.
    """
    return service.get_own(worker_id, now=call.now)


@route(bp, "/v1/admin/workers/{worker_id}/verify", "POST", body=VerifyIn, response=WorkerOwn)
def verify_worker(call: Call, worker_id: str) -> WorkerOwn:
    """Approve or reject a pending worker, with a note the worker sees.

    An approved worker can be matched once taking orders. Only a pending worker can be verified (409
    `WORKER_STATUS`).
    """
    return service.verify(
        worker_id, call.body.approved, call.body.note, operator_id=call.user_id, now=call.now
    )


@route(bp, "/v1/admin/workers/{worker_id}/suspend", "POST", body=NoteIn, response=WorkerOwn)
def suspend_worker(call: Call, worker_id: str) -> WorkerOwn:
    """Stop a worker from being matched or booked.

    Orders already held stay; the note is recorded. 409 `WORKER_STATUS` for a worker that cannot be suspended
    in its status.
    """
    return service.suspend(worker_id, call.body.note, operator_id=call.user_id, now=call.now)


@route(bp, "/v1/admin/workers/{worker_id}/reinstate", "POST", body=NoteIn, response=WorkerOwn)
def reinstate_worker(call: Call, worker_id: str) -> WorkerOwn:
    """Lift a suspension.

    The worker returns to the status held before (a verified worker can be matched again). 409 `WORKER_STATUS`
    unless suspended.
    """
    return service.reinstate(worker_id, call.body.note, operator_id=call.user_id, now=call.now)


@route(bp, "/v1/workers/{worker_id}", "GET", response=WorkerPublic, auth=None)
def get_public(call: Call, worker_id: str) -> WorkerPublic:
    """A verified worker's public profile.

    What customers see before booking: skills, experience, rating, credit level and media, never phone, ID or
    certificate numbers. A worker who is not verified is 404, like an unknown one.
    """
    return service.get_public_profile(worker_id, now=call.now)
