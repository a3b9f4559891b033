"""Marketing test support: coupon templates through the operators' route, and the events marketing reacts to,
delivered to its reactions in one transaction as the consumer does."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from common.clock import clock, iso
from common.ids import new_id

from tests.integration.booking_helpers import World


def react(detail_type: str, event_id: str | None = None, **detail: Any) -> bool:
    """Hand one event to marketing's consumer exactly as ``consume_atomic`` does (its writes and the SEEN guard in
    one transaction); False when that event id was handled before. For stories that set up events by hand; the
    real path (outbox → stream → bus → SQS) is driven by the ``events`` fixture."""
    from common.consumers import handle_once_atomic
    from common.events import DomainEvent

    from functions.marketing import reactions, tasks

    event = DomainEvent(event_id or new_id(), detail_type, detail)
    return handle_once_atomic(reactions.CONSUMER, event, tasks.on_event)


def registered(world: World, name: str, referral_code: str | None = None) -> str:
    """A customer who logged in for the first time (UserRegistered delivered); their id."""
    person = world.customer(name)
    react(
        "UserRegistered", user_id=person.id, role="customer", referral_code=referral_code, at=iso(clock.now())
    )
    return person.id


def template(world: World, **overrides: Any) -> dict[str, Any]:
    """A live coupon template (满减 20 yuan off 100, 10 in stock, one each) made by the operator."""
    body = {
        "name": "满100减20",
        "kind": "threshold",
        "discount_fen": 2000,
        "threshold_fen": 10000,
        "valid_from": iso(clock.now() - timedelta(days=1)),
        "valid_until": iso(clock.now() + timedelta(days=30)),
        "total": 10,
        "per_user_limit": 1,
        **overrides,
    }
    reply = world.api.post("/v1/admin/coupon-templates", body, token=world.operator)
    assert reply.status == 201, reply.body
    return reply.body


def claim(world: World, name: str, template_id: str) -> Any:
    return world.api.post(
        "/v1/me/coupons/claim", {"template_id": template_id}, token=world.customer(name).token
    )


def order_event(world: World, order: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """The agreed detail of an order event for ``order`` (as booking's order_events builds it)."""
    return {
        "order_id": order["id"],
        "status": order["status"],
        "customer_id": extra.pop("customer_id"),
        "worker_id": (order.get("worker") or {}).get("id"),
        "service_id": order["service"]["id"],
        "service_name": order["service"]["name"],
        "category_id": order["service"]["category_id"],
        "start": order["start"],
        "end": order["end"],
        "total_fen": order["price"]["total_fen"],
        "actor": "customer",
        "note": "",
        "at": iso(clock.now()),
        **extra,
    }


def give_points(customer_id: str, points: int) -> None:
    """Points earned (as a sign-in or settlement would credit them)."""
    from functions.marketing import points as points_service
    from functions.marketing import store

    with store.transaction() as tx:
        points_service.earn(tx, customer_id, points, "test", ref=new_id(), now=clock.now())


def run_job(name: str) -> dict[str, Any]:
    """Run one of the app's scheduled jobs now, as the local stack's ``POST /v1/dev/jobs/{name}`` does."""
    from app import app
    from infra.local import schedules

    return schedules.run_job(schedules.find_job(schedules.jobs(app), name))["result"]
