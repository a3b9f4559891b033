"""Engagement test support: the booking world with a service priced per day (月嫂, 24 h a day) beside the hourly
one, and the day of the engagement's start as a date."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from common.clock import business_tz, clock

from tests.integration.booking_helpers import World

NANNY = {
    "name": "月嫂",
    "description": "住家月嫂，按天计费",
    "duration_minutes": 1440,
    "pricing": {"unit": "day", "unit_price_fen": 40000, "min_units": 1, "price_range_fen": [40000, 1040000]},
}


def add_nanny_service(world: World) -> str:
    """A day-priced service in the world's category (so its workers have the skill); its id."""
    reply = world.api.post(
        "/v1/admin/services", {**NANNY, "category_id": world.category_id}, token=world.operator
    )
    assert reply.status == 201, reply.body
    return reply.body["id"]


def morning(days_ahead: int) -> str:
    """08:00 business time, ``days_ahead`` days from today, ISO with offset."""
    today = clock.now().astimezone(business_tz()).date()
    at = datetime.combine(today + timedelta(days=days_ahead), datetime.min.time(), tzinfo=business_tz())
    return (at + timedelta(hours=8)).isoformat()


def day_of(start: str) -> date:
    return datetime.fromisoformat(start).astimezone(business_tz()).date()


def engage(
    world: World, service_id: str, customer: str, start: str, units: int, worker: str | None
) -> object:
    """``POST /v1/orders`` for an engagement of ``units`` days."""
    return world.book(customer, start, worker=worker, units=units, service_id=service_id)
