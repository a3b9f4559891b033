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


@route(bp, "/v1/worker/profile", "PUT", body=ProfileIn, response=WorkerOwn)
def put_profile(call: Call) -> WorkerOwn:
    """Create or replace the worker's profile; a new profile waits for an operator's review."""
    return service.submit_profile(call.user_id, call.body, now=call.now)


@route(bp, "/v1/worker/profile", "GET", response=WorkerOwn)
def get_profile(call: Call) -> WorkerOwn:
    """The worker's own profile, status and last review note."""
    return service.get_own(call.user_id, now=call.now)


@route(bp, "/v1/worker/availability", "PUT", body=AvailabilityIn, response=Availability)
def put_availability(call: Call) -> Availability:
    """Replace the weekly template and the days off."""
    return service.set_availability(call.user_id, call.body, now=call.now)


@route(bp, "/v1/worker/availability", "GET", response=Availability)
def get_availability(call: Call) -> Availability:
    """The weekly template, days off, the switch and the travel buffer."""
    return service.get_availability(call.user_id)


@route(bp, "/v1/worker/accepting", "PUT", body=AcceptingIn, response=Availability)
def put_accepting(call: Call) -> Availability:
    """The switch: 接单中 (true) or 休息中 (false)."""
    return service.set_accepting(call.user_id, call.body, now=call.now)


@route(bp, "/v1/worker/calendar", "GET", query=CalendarQuery, response=Calendar)
def get_calendar(call: Call) -> Calendar:
    """The worker's booked 30-minute slots from ``from`` (a date) over ``days`` days."""
    return calendar.booked(call.user_id, call.query.start_date, call.query.days)


@route(bp, "/v1/worker/media", "POST", body=MediaIn, response=MediaUpload)
def post_media(call: Call) -> MediaUpload:
    """A presigned S3 URL to upload one photo, video or certificate scan to; ``url`` goes into the profile."""
    return media.presign_upload(call.user_id, call.body, media_id=new_id(call.now))


@route(bp, "/v1/admin/workers", "GET", query=AdminWorkersQuery, response=Page[WorkerAdminSummary])
def list_workers(call: Call) -> Page[WorkerAdminSummary]:
    """Workers by status (pending, verified, rejected, suspended), longest in that status first."""
    return service.list_workers(call.query)


@route(bp, "/v1/admin/workers/{worker_id}", "GET", response=WorkerOwn)
def get_worker(call: Call, worker_id: str) -> WorkerOwn:
    """Everything about a worker, certificate numbers included, for review."""
    return service.get_own(worker_id, now=call.now)


@route(bp, "/v1/admin/workers/{worker_id}/verify", "POST", body=VerifyIn, response=WorkerOwn)
def verify_worker(call: Call, worker_id: str) -> WorkerOwn:
    """Approve or reject a pending worker, with a note the worker sees."""
    return service.verify(
        worker_id, call.body.approved, call.body.note, operator_id=call.user_id, now=call.now
    )


@route(bp, "/v1/admin/workers/{worker_id}/suspend", "POST", body=NoteIn, response=WorkerOwn)
def suspend_worker(call: Call, worker_id: str) -> WorkerOwn:
    """Stop a worker from being matched or booked."""
    return service.suspend(worker_id, call.body.note, operator_id=call.user_id, now=call.now)


@route(bp, "/v1/admin/workers/{worker_id}/reinstate", "POST", body=NoteIn, response=WorkerOwn)
def reinstate_worker(call: Call, worker_id: str) -> WorkerOwn:
    """Lift a suspension."""
    return service.reinstate(worker_id, call.body.note, operator_id=call.user_id, now=call.now)


@route(bp, "/v1/workers/{worker_id}", "GET", response=WorkerPublic, auth=None)
def get_public(call: Call, worker_id: str) -> WorkerPublic:
    """A verified worker's public profile: no phone, ID or certificate numbers."""
    return service.get_public_profile(worker_id, now=call.now)
