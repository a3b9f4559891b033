"""The ticker: runs the app's scheduled jobs on their Rate/Cron against the business clock.

EventBridge in moto stores schedules but never fires them, so the local stack does. Time is the business clock
(``common.clock.clock``): moving it with ``POST /v1/dev/clock`` makes due jobs run on the next tick. A jump over many
due times runs the job once, not once per missed time (as a late EventBridge schedule would, roughly). Cron
expressions are read in UTC, as EventBridge reads them.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from chalice import Chalice
from chalice.app import Cron, Rate, ScheduledEventConfig, ScheduleExpression
from chalice.local import LambdaContext
from common.clock import clock, iso
from common.errors import NotFound
from common.log import logger

TICK_S = 1.0

_RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((.+)\)$")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], start=1
    )
}
_DAYS = {
    d: i for i, d in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], start=1)
}  # EventBridge: 1 = Sunday


class RateSchedule:
    def __init__(self, period: timedelta) -> None:
        self.period = period

    def next_after(self, instant: datetime) -> datetime:
        return instant + self.period


class CronSchedule:
    """EventBridge cron: minutes hours day-of-month month day-of-week year, in UTC. ``*``, ``?``, lists, ranges,
    steps and names (JAN, MON) are understood; ``L``, ``W`` and ``#`` are not (use the dev endpoint for those)."""

    def __init__(self, fields: list[str]) -> None:
        if len(fields) != 6:
            raise ValueError("a cron expression has six fields")
        self.minutes = _field(fields[0], 0, 59)
        self.hours = _field(fields[1], 0, 23)
        self.days = _field(fields[2], 1, 31)
        self.months = _field(fields[3], 1, 12, _MONTHS)
        self.weekdays = _field(fields[4], 1, 7, _DAYS)
        self.years = _field(fields[5], 1970, 2199)
        self._any_day, self._any_weekday = fields[2] in "*?", fields[4] in "*?"

    def _day_matches(self, day: datetime) -> bool:
        weekday = day.isoweekday() % 7 + 1  # Sunday → 1 … Saturday → 7
        if day.year not in self.years or day.month not in self.months:
            return False
        return (self._any_day or day.day in self.days) and (self._any_weekday or weekday in self.weekdays)

    def next_after(self, instant: datetime) -> datetime:
        start = instant.astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
        day = start.replace(hour=0, minute=0)
        for _ in range(366 * 5):
            if self._day_matches(day):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        candidate = day.replace(hour=hour, minute=minute)
                        if candidate >= start:
                            return candidate
            day += timedelta(days=1)
        raise ValueError("the cron expression never fires")


def _field(text: str, low: int, high: int, names: dict[str, int] | None = None) -> set[int]:
    if text in ("*", "?"):
        return set(range(low, high + 1))
    values: set[int] = set()
    for part in text.upper().split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if base == "*":
            first, last = low, high
        elif "-" in base:
            a, b = base.split("-", 1)
            first, last = _value(a, names), _value(b, names)
        else:
            first = _value(base, names)
            last = high if step_text else first
        if not (low <= first <= high and low <= last <= high) or step < 1:
            raise ValueError(f"{part!r} is out of range {low}-{high}")
        values.update(range(first, last + 1, step))
    return values


def _value(text: str, names: dict[str, int] | None) -> int:
    if names and text in names:
        return names[text]
    if not text.isdigit():
        raise ValueError(f"{text!r} is not understood here")
    return int(text)


def parse_schedule(expression: str | ScheduleExpression) -> RateSchedule | CronSchedule:
    """A Chalice ``Rate``/``Cron`` or an EventBridge ``rate(...)``/``cron(...)`` string."""
    if isinstance(expression, Rate):
        unit = {"MINUTES": "minutes", "HOURS": "hours", "DAYS": "days"}[expression.unit]
        return RateSchedule(timedelta(**{unit: expression.value}))
    if isinstance(expression, Cron):
        expression = expression.to_string()
    text = str(expression).strip()
    if match := _RATE.match(text):
        value, unit = int(match[1]), match[2].rstrip("s") + "s"
        return RateSchedule(timedelta(**{unit: value}))
    if match := _CRON.match(text):
        return CronSchedule(match[1].split())
    raise ValueError(f"not a schedule expression: {text!r}")


@dataclass
class Job:
    name: str
    expression: str
    handler: Callable[[Any, Any], Any]
    schedule: RateSchedule | CronSchedule | None  # None: not understood here; runnable only on demand
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_due: datetime | None = None


def jobs(app: Chalice) -> dict[str, Job]:
    """The app's scheduled jobs by name."""
    found: dict[str, Job] = {}
    for source in app.event_sources:
        if not isinstance(source, ScheduledEventConfig):
            continue
        expression = source.schedule_expression
        text = expression.to_string() if isinstance(expression, ScheduleExpression) else str(expression)
        try:
            schedule: RateSchedule | CronSchedule | None = parse_schedule(expression)
        except ValueError as exc:
            logger.warning(
                "schedule not understood; run it with POST /v1/dev/jobs", extra={"job": source.name}
            )
            logger.debug(str(exc))
            schedule = None
        found[source.name] = Job(source.name, text, app.handler_map[source.name], schedule)
    return found


def find_job(all_jobs: dict[str, Job], name: str) -> Job:
    """A job by its name; ``coupon-expiry`` also finds a job named ``coupon_expiry``. NotFound otherwise."""
    for candidate in (name, name.replace("-", "_"), name.replace("_", "-")):
        if candidate in all_jobs:
            return all_jobs[candidate]
    raise NotFound(f"no scheduled job named {name!r}; there are: {', '.join(sorted(all_jobs)) or 'none'}")


def scheduled_event(job: Job, now: datetime) -> dict[str, Any]:
    """The event EventBridge hands a scheduled function."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "us-east-1",
        "resources": [f"arn:aws:events:us-east-1:123456789012:rule/{job.name}"],
        "detail": {},
    }


def run_job(job: Job) -> dict[str, Any]:
    """Run a job now (one run of a job at a time) and say what it did: its handler's JSON-able result."""
    with job.lock:
        now = clock.now()
        result = job.handler(scheduled_event(job, now), LambdaContext(job.name, memory_size=256))
    return {"job": job.name, "ran_at": iso(now), "result": json.loads(json.dumps(result, default=str))}


class Ticker:
    """Checks every second which jobs are due on the business clock and runs them, until ``stop()``."""

    def __init__(self, all_jobs: dict[str, Job], tick_s: float = TICK_S) -> None:
        self.jobs = [j for j in all_jobs.values() if j.schedule is not None]
        self.tick_s = tick_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="schedule-ticker", daemon=True)
        self._last: datetime | None = None
        self._ticking = threading.Lock()  # the thread's ticks and a clock move's (``POST /v1/dev/clock``)

    def start(self) -> Ticker:
        self._reset(clock.now())
        self._thread.start()
        return self

    def _reset(self, now: datetime) -> None:
        for job in self.jobs:
            assert job.schedule is not None
            job.next_due = job.schedule.next_after(now)
        self._last = now

    def tick(self, now: datetime) -> list[str]:
        """Run every job due at ``now``; returns their names."""
        with self._ticking:
            return self._tick(now)

    def _tick(self, now: datetime) -> list[str]:
        if self._last is None or now < self._last:  # the clock was set back: count again from now
            self._reset(now)
        self._last = now
        ran = []
        for job in self.jobs:
            assert job.schedule is not None and job.next_due is not None
            if job.next_due > now:
                continue
            job.next_due = job.schedule.next_after(now)
            try:
                run_job(job)
                ran.append(job.name)
            except Exception:
                logger.exception("scheduled job failed", extra={"job": job.name})
        return ran

    def _run(self) -> None:
        while not self._stop.wait(self.tick_s):
            self.tick(clock.now())

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
