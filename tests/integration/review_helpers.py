"""Reviews test support: orders carried to completion through booking's own routes (paid as payments would)."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from common.clock import clock

from functions.booking import mark_paid
from tests.integration.booking_helpers import World, slot


def completed_order(world: World, customer: str, worker: str) -> dict[str, Any]:
    """Book ``worker`` for ``customer``, pay, accept, start and complete it; the completed order."""
    reply = world.book(customer, slot(4), worker=worker)
    assert reply.status == 201, reply.body
    order = reply.body
    assert mark_paid(
        order["id"], paid_fen=order["price"]["total_fen"], transaction_id=f"wx-{order['id']}", now=clock.now()
    )
    token = world.worker(worker).token
    path = f"/v1/worker/orders/{order['id']}"
    assert world.api.post(f"{path}/accept", token=token).status == 200
    clock.advance(timedelta(hours=3, minutes=30))  # within the hour before the start
    assert world.api.post(f"{path}/start", token=token).status == 200
    done = world.api.post(f"{path}/complete", token=token)
    assert done.status == 200, done.body
    return done.body


def review(world: World, customer: str, order_id: str, stars: int = 5, **extra: Any) -> Any:
    body = {"attitude": stars, "skill": stars, "quality": stars, "text": "很好", **extra}
    return world.api.post(f"/v1/orders/{order_id}/review", body, token=world.customer(customer).token)


def recalculate(world: World) -> int:
    """Run the scheduled credit recalculation as EventBridge would; how many workers it recalculated."""
    from functions.reviews.tasks import credit_recalculation
    from infra.local.schedules import scheduled_event

    event = scheduled_event(SimpleNamespace(name="credit-recalculation"), clock.now())  # type: ignore[arg-type]
    return credit_recalculation(event, None)["recalculated"]
