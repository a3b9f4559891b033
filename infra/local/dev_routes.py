"""Local-only endpoints (API.md "Local stack only"): drive the business clock and run scheduled jobs on demand.

They live in a blueprint that only the local stack registers onto the app (``install``); the deployed app never
has them. They need no token, and a token sent along is ignored.

Hook point for other capabilities: declare a local-only route with ``local_route`` in a module listed in
``infra/local/extensions.py``, e.g. payments' ``POST /v1/dev/payments/{order_id}/succeed``::

    from infra.local.dev_routes import local_route

    @local_route("/v1/dev/payments/{order_id}/succeed", "POST", status=202)
    def succeed_payment(call, order_id): ...
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from chalice import Blueprint, Chalice
from common.api import Call, route
from common.clock import clock, iso
from common.errors import RuleViolation
from common.models import Moment
from pydantic import BaseModel, ConfigDict, Field, model_validator

from infra.local import schedules

# How far the clock may be moved: far enough for any scenario, near enough that date arithmetic never overflows.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)

dev = Blueprint(__name__)
_jobs: dict[str, schedules.Job] = {}
_settle: list[Callable[[], int]] = []
_on_clock: list[Callable[[datetime], object]] = []
TAGS = ("dev",)


def local_route(
    path: str, method: str = "GET", **options: Any
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a local-only route (``common.api.route`` options; no token needed). Paths start ``/v1/dev/``."""
    if not path.startswith("/v1/dev/"):
        raise ValueError(f"local-only routes live under /v1/dev/, not {path}")
    options.setdefault("tags", TAGS)
    return route(dev, path, method, auth=None, **options)


def install(
    app: Chalice,
    jobs: dict[str, schedules.Job],
    settle: Callable[[], int] | None = None,
    on_clock: Callable[[datetime], object] | None = None,
) -> None:
    """Register the local-only routes onto ``app`` (once), running ``jobs`` on demand, each after ``settle``
    (the stack delivering the events written so far); a clock move calls ``on_clock`` with the new time
    before it answers (the ticker running the jobs the move made due)."""
    _jobs.clear()
    _jobs.update(jobs)
    _settle[:] = [settle] if settle else []
    _on_clock[:] = [on_clock] if on_clock else []
    if "/v1/dev/clock" not in app.routes:
        app.register_blueprint(dev)


class ClockView(BaseModel):
    now: str = Field(description="the instant the business rules see, ISO 8601 with offset")


class ClockChange(BaseModel):
    # The schema says what the validator checks: exactly one of the two, an instant in 2000-2099.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "oneOf": [
                {
                    "required": ["now"],
                    "properties": {"now": {"type": "string"}, "advance_minutes": {"type": "null"}},
                },
                {
                    "required": ["advance_minutes"],
                    "properties": {"advance_minutes": {"type": "integer"}, "now": {"type": "null"}},
                },
            ]
        },
    )
    now: Moment | None = Field(
        None,
        description="set the clock to this instant (with an offset)",
        json_schema_extra={"pattern": "^20[0-9]{2}-"},
    )
    advance_minutes: int | None = Field(None, ge=-525_600, le=525_600, description="move it by this much")

    @model_validator(mode="after")
    def _exactly_one(self) -> ClockChange:
        if (self.now is None) == (self.advance_minutes is None):
            raise ValueError("send either now or advance_minutes")
        if self.now is not None and not EARLIEST <= self.now < LATEST:
            raise ValueError("now must lie between 2000 and 2100")
        return self


class JobRun(BaseModel):
    job: str
    ran_at: str
    result: Any = Field(description="what the job's handler returned")


@local_route("/v1/dev/clock", "GET", response=ClockView)
def get_clock(call: Call) -> ClockView:
    """The business clock (local stack only).

    The instant every business rule sees (booking notice, start windows, cancellation fees); real time unless
    ``POST /v1/dev/clock`` moved it.
    """
    return ClockView(now=iso(clock.now()))


@local_route("/v1/dev/clock", "POST", body=ClockChange, response=ClockView)
def move_clock(call: Call) -> ClockView:
    """Set or advance the business clock (local stack only).

    Send `now` (an instant with an offset) or `advance_minutes`, not both. Workflow timers (the payment and
    acceptance waits) keep their own durations: the clock moves what the rules see, not when timers fire.
    The scheduled jobs the move made due (an hourly one when it crosses an hour) have run when it answers.
    """
    change: ClockChange = call.body
    target = change.now or clock.now() + timedelta(minutes=change.advance_minutes or 0)
    if not EARLIEST <= target < LATEST:
        raise RuleViolation("the clock stays between 2000 and 2100", code="CLOCK_OUT_OF_RANGE")
    moved = clock.set(target)
    for hook in _on_clock:
        hook(moved)
    return ClockView(now=iso(moved))


@local_route("/v1/dev/jobs/{name}", "POST", response=JobRun)
def run_job_now(call: Call, name: str) -> JobRun:
    """Run a scheduled job now and return what it did (local stack only).

    `name` is a schedule's name (the banner of `make run` lists them); an unknown one is 404. The job runs as
    its schedule would run it, at the business clock's time, once the events written before the call have
    reached their consumers.
    """
    job = schedules.find_job(_jobs, name)
    for settle in _settle:
        settle()
    return JobRun.model_validate(schedules.run_job(job))
