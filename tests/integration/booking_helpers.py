"""Booking test support: a small world (a service, customers with addresses, verified workers), booking times on
the half hour, the order workflow on moto's Step Functions, and the domain events seen through SQS."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import boto3
from common.clock import business_tz, clock
from common.settings import get_settings

from tests.integration.conftest import Api
from tests.integration.worker_helpers import HOME_LAT, HOME_LNG, profile


def wait_for(check: Callable[[], Any], what: str, limit_s: float = 30.0) -> Any:
    """Poll until ``check()`` is truthy (the workflow runs on moto's threads)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def slot(hours_ahead: float = 3, *, now: datetime | None = None) -> str:
    """A bookable start: the first half hour at least ``hours_ahead`` from now, ISO with offset."""
    t = (now or clock.now()).astimezone(business_tz()) + timedelta(hours=hours_ahead)
    t = t.replace(second=0, microsecond=0)
    t += timedelta(minutes=(30 - t.minute % 30) % 30)
    return t.isoformat()


@dataclass
class Person:
    id: str
    token: str


@dataclass
class World:
    api: Api
    operator: str
    service_id: str
    category_id: str
    customers: dict[str, Person] = field(default_factory=dict)
    addresses: dict[str, str] = field(default_factory=dict)
    workers: dict[str, Person] = field(default_factory=dict)

    def customer(self, name: str) -> Person:
        if name not in self.customers:
            token = self.api.login(name)
            me = self.api.get("/v1/me", token=token).body
            self.customers[name] = Person(me["id"], token)
            address = {
                "contact_name": "王女士",
                "phone": "13800000000",
                "region": "上海市徐汇区",
                "detail": "漕溪北路 1 号",
                "lat": HOME_LAT,
                "lng": HOME_LNG,
            }
            reply = self.api.post("/v1/me/addresses", address, token=token)
            assert reply.status == 201, reply.body
            self.addresses[name] = reply.body["id"]
        return self.customers[name]

    def worker(self, name: str) -> Person:
        if name not in self.workers:
            reply = self.api.post("/v1/auth/wechat", {"code": f"dev:{name}", "role": "worker"})
            person = Person(reply.body["user"]["id"], reply.body["token"])
            seed_verified_worker(self, person, name)
            self.workers[name] = person
        return self.workers[name]

    def book(
        self, customer: str, start: str, *, worker: str | None = None, units: int = 2, **extra: Any
    ) -> Any:
        person = self.customer(customer)
        body = {
            "service_id": self.service_id,
            "start": start,
            "units": units,
            "address_id": self.addresses[customer],
        }
        if worker is not None:
            body["worker_id"] = self.worker(worker).id
        return self.api.post("/v1/orders", {**body, **extra}, token=person.token)


def seed_verified_worker(world: World, person: Person, name: str) -> None:
    """A verified worker (through workers' own routes) with the service's skill, at the customers' address,
    available all day every day."""
    body = profile([world.category_id], name=name)
    reply = world.api.put("/v1/worker/profile", body, token=person.token)
    assert reply.status == 200, reply.body
    reply = world.api.put("/v1/worker/availability", {"weekly": ALL_WEEK}, token=person.token)
    assert reply.status == 200, reply.body
    reply = world.api.post(
        f"/v1/admin/workers/{person.id}/verify", {"approved": True, "note": "ok"}, token=world.operator
    )
    assert reply.status == 200, reply.body


ALL_WEEK = {day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@contextmanager
def long_lived_tokens(monkeypatch: Any) -> Iterator[None]:
    """Tokens that outlive the hours the tests move the business clock by; the clock is put back after."""
    monkeypatch.setenv("TOKEN_TTL_MINUTES", str(7 * 24 * 60))
    get_settings.cache_clear()
    try:
        yield
    finally:
        clock.reset()
        monkeypatch.delenv("TOKEN_TTL_MINUTES")
        get_settings.cache_clear()


def operator(api: Api) -> str:
    from functions.identity.service import ensure_operator

    ensure_operator("admin", "s3cret-pass", now=clock.now())
    return api.post("/v1/auth/operator", {"username": "admin", "password": "s3cret-pass"}).body["token"]


def make_world(api: Api, operator_token: str) -> World:
    category = api.post("/v1/admin/categories", {"name": "保洁"}, token=operator_token).body
    service = {
        "category_id": category["id"],
        "name": "日常保洁",
        "description": "两小时起的日常清洁",
        "duration_minutes": 60,
        "pricing": {
            "unit": "hour",
            "unit_price_fen": 5000,
            "min_units": 2,
            "price_range_fen": [10000, 40000],
        },
    }
    created = api.post("/v1/admin/services", service, token=operator_token).body
    return World(api=api, operator=operator_token, service_id=created["id"], category_id=category["id"])


@contextmanager
def event_tap() -> Iterator[Callable[[], list[tuple[str, dict[str, Any]]]]]:
    """An SQS queue subscribed to every booking event on the bus; yields a function returning those received
    since the tap opened (the outbox relay runs first, as it runs beside the table on AWS)."""
    from common.events import ORDER_EVENTS

    from infra.local.outbox import StreamRelay

    relay = StreamRelay()
    relay.poll()  # what was written before the tap opened goes out before the tap's rule exists
    sqs, events = boto3.client("sqs"), boto3.client("events")
    bus = get_settings().event_bus_name
    url = sqs.create_queue(QueueName="booking-tap")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    pattern = {"source": ["jiazheng"], "detail-type": list(ORDER_EVENTS)}
    events.put_rule(Name="booking-tap", EventBusName=bus, EventPattern=json.dumps(pattern))
    events.put_targets(Rule="booking-tap", EventBusName=bus, Targets=[{"Id": "tap", "Arn": arn}])
    seen: list[tuple[str, dict[str, Any]]] = []

    def received() -> list[tuple[str, dict[str, Any]]]:
        while relay.poll():
            pass
        while True:
            batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            if not batch:
                return seen
            for message in batch:
                envelope = json.loads(message["Body"])
                seen.append((envelope["detail-type"], envelope["detail"]))
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    yield received
