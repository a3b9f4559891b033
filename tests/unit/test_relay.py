"""The outbox relay puts new outbox items on the bus in stream order and, when the bus refuses one, asks for the
stream again from that record: nothing is skipped."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from common.events import DomainEvent
from common.relay import relay_records


def outbox_record(n: int, event_name: str = "INSERT", pk: str | None = None) -> dict[str, Any]:
    return {
        "eventName": event_name,
        "dynamodb": {
            "SequenceNumber": f"{n:06d}",
            "NewImage": {
                "PK": {"S": pk or f"OUTBOX#e{n}"},
                "SK": {"S": "EVENT"},
                "event_id": {"S": f"e{n}"},
                "detail_type": {"S": "OrderPaid"},
                "detail": {"S": json.dumps({"order_id": f"o{n}"})},
            },
        },
    }


class Bus:
    def __init__(self, refuse: set[str] | None = None) -> None:
        self.refuse = refuse or set()
        self.got: list[DomainEvent] = []

    def put(self, events: Sequence[DomainEvent]) -> list[bool]:
        accepted = [e.id not in self.refuse for e in events]
        self.got += [e for e, ok in zip(events, accepted, strict=True) if ok]
        return accepted


def test_outbox_inserts_go_on_the_bus_in_stream_order_and_nothing_else_does() -> None:
    bus = Bus()
    records = [
        outbox_record(1),
        outbox_record(2, pk="ORDER#o2"),  # an order's own change on the stream
        outbox_record(3, event_name="REMOVE"),  # the TTL removing an old outbox item
        outbox_record(4),
    ]

    assert relay_records(records, put=bus.put) == {"batchItemFailures": []}
    assert [(e.id, e.type, e.detail) for e in bus.got] == [
        ("e1", "OrderPaid", {"order_id": "o1"}),
        ("e4", "OrderPaid", {"order_id": "o4"}),
    ]


def test_a_refused_event_makes_the_stream_come_again_from_that_record() -> None:
    bus = Bus(refuse={"e3"})
    records = [outbox_record(n) for n in range(1, 15)]

    result = relay_records(records, put=bus.put)

    assert result == {"batchItemFailures": [{"itemIdentifier": "000003"}]}


def test_a_bus_that_is_down_fails_the_batch_from_its_first_event() -> None:
    def down(events: Sequence[DomainEvent]) -> list[bool]:
        raise ConnectionError("unreachable")

    assert relay_records([outbox_record(7), outbox_record(8)], put=down) == {
        "batchItemFailures": [{"itemIdentifier": "000007"}]
    }


def test_the_event_id_travels_in_the_detail_and_comes_back_out() -> None:
    event = DomainEvent("ev-9", "OrderPaid", {"order_id": "o9", "note": "已支付"})

    back = DomainEvent.from_bus("OrderPaid", json.loads(event.bus_detail()))

    assert back == event
