"""Domain events are written with the change they report and never lost: outbox → stream → relay → bus → SQS →
each consumer once (DESIGN.md "Domain events")."""

from __future__ import annotations

from typing import Any

import pytest
from common import events as domain_events
from common.clock import clock
from common.consumers import handle_once, handle_once_atomic
from common.db import Item, cancellation_reasons, transact
from common.events import DomainEvent
from common.relay import _events_client
from pynamodb.attributes import NumberAttribute
from pynamodb.exceptions import TransactWriteError

from infra.local.outbox import StreamRelay
from tests.integration.booking_helpers import World, make_world, slot
from tests.integration.conftest import Api


@pytest.fixture
def world(api: Api, operator_token: str) -> World:
    return make_world(api, operator_token)


def told(world: World, customer: str) -> list[str]:
    reply = world.api.get("/v1/me/notifications", token=world.customer(customer).token)
    assert reply.status == 200, reply.body
    return [item["kind"] for item in reply.body["items"]]


class BusDown:
    """The bus refuses every PutEvents, at the client (botocore's event hooks), until ``restore()``."""

    def __init__(self) -> None:
        self.refused = 0
        _events_client().meta.events.register("before-call.events.PutEvents", self._refuse)

    def _refuse(self, **kwargs: Any) -> None:
        self.refused += 1
        raise ConnectionError("the bus is unreachable")

    def restore(self) -> None:
        _events_client().meta.events.unregister("before-call.events.PutEvents", self._refuse)


def test_a_move_made_while_the_bus_refuses_events_is_delivered_once_after_it_returns(
    world: World, events: Any
) -> None:
    world.customer("amy")
    events.deliver()  # what setting up the world announced
    down = BusDown()
    try:
        reply = world.book("amy", slot(), worker="wang")
        assert reply.status == 201, reply.body  # the customer never sees the bus's trouble
        events.deliver()
        assert down.refused > 0
        assert "order_submitted" not in told(world, "amy")
    finally:
        down.restore()

    events.deliver()
    events.deliver()

    assert told(world, "amy").count("order_submitted") == 1
    assert events.messages_waiting("notifications") == 0


def test_a_relay_that_crashed_after_putting_events_loses_nothing_and_repeats_nothing(
    world: World, events: Any
) -> None:
    reply = world.book("amy", slot(), worker="wang")
    assert reply.status == 201, reply.body
    events.deliver()

    # A new relay process starts from the stream's oldest record: every event goes on the bus again.
    restarted = StreamRelay()
    assert restarted.poll() > 0
    events.deliver()

    assert told(world, "amy").count("order_submitted") == 1


def test_an_order_created_and_its_event_commit_together(world: World, events: Any) -> None:
    first = world.book("amy", slot(5), worker="wang")
    refused = world.book("bob", slot(5), worker="wang")  # the same slot: the transaction is cancelled
    assert (first.status, refused.status) == (201, 409)

    events.deliver()

    assert told(world, "amy").count("order_submitted") == 1
    assert "order_submitted" not in told(world, "bob")  # no event for a change that did not happen


class Tally(Item):
    n = NumberAttribute(default=0)


def count_into(tally_key: tuple[str, str]) -> Any:
    def handle(event: DomainEvent, tx: Any) -> None:
        tx.update(Tally(*tally_key), actions=[Tally.n.add(event.detail["amount"])])

    return handle


def test_a_replayed_event_changes_nothing_for_an_atomic_consumer(aws: None) -> None:
    key = ("TALLY#test", "TALLY")
    event = DomainEvent("ev-1", "OrderPaid", {"amount": 5})

    assert handle_once_atomic("tally", event, count_into(key)) is True
    assert handle_once_atomic("tally", event, count_into(key)) is False
    assert handle_once_atomic("other-tally", event, count_into(key)) is True  # once per consumer

    assert Tally.get(*key).n == 10


def test_a_failing_atomic_consumer_writes_nothing_and_can_try_again(aws: None) -> None:
    key = ("TALLY#fail", "TALLY")
    event = DomainEvent("ev-2", "OrderPaid", {"amount": 3})

    def broken(e: DomainEvent, tx: Any) -> None:
        count_into(key)(e, tx)
        raise RuntimeError("a bug halfway")

    with pytest.raises(RuntimeError):
        handle_once_atomic("tally", event, broken)
    assert handle_once_atomic("tally", event, count_into(key)) is True  # not marked seen by the failure
    assert Tally.get(*key).n == 3


def test_a_consumer_whose_side_effect_fails_is_not_marked_and_runs_again(aws: None) -> None:
    calls: list[str] = []
    event = DomainEvent("ev-3", "OrderPaid", {})

    def flaky(e: DomainEvent) -> None:
        calls.append(e.id)
        if len(calls) == 1:
            raise RuntimeError("SMS provider down")

    with pytest.raises(RuntimeError):
        handle_once("notify", event, flaky)
    assert handle_once("notify", event, flaky) is True
    assert handle_once("notify", event, flaky) is False
    assert calls == ["ev-3", "ev-3"]


def test_the_same_cause_cannot_emit_its_event_twice(aws: None) -> None:
    now = clock.now()
    transact(lambda tx: domain_events.add(tx, "OrderPaid", {"order_id": "o"}, event_id="same", now=now))
    with pytest.raises(TransactWriteError) as refused:
        transact(lambda tx: domain_events.add(tx, "OrderPaid", {"order_id": "o"}, event_id="same", now=now))
    assert cancellation_reasons(refused.value) == ["ConditionalCheckFailed"]


def test_an_unknown_event_type_is_refused_before_anything_is_written(aws: None) -> None:
    with pytest.raises(ValueError, match="unknown event type"):
        transact(lambda tx: domain_events.add(tx, "OrderTeleported", {}, event_id="x", now=clock.now()))
