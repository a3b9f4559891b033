"""Faults at the AWS client through the whole order journey (issue 15): the real handlers, the real workflow on
moto's Step Functions, the outbox relay and the event consumers, while DynamoDB throttles and fails, EventBridge
refuses events and SQS fails, at a steady seeded rate (``tests/faults.py``). The clients retry as the contract
tells them (429/503 with ``Retry-After``); WeChat Pay retries its notification on any 5xx.

What must hold: every answer is a success or a retryable 429/503 in the contract's error format (never a 500);
a 503 changed nothing; once the faults clear every order ends where its path leads (its workflow succeeded, no
order waits without a way forward), no slot lock is left for a cancelled order, the ledger balances, and every
event written to the outbox reached the bus.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
from common import aws
from common.clock import clock

from tests.client import Reply
from tests.faults import FaultInjector
from tests.integration.booking_helpers import slot, wait_for
from tests.integration.lifecycle_helpers import Flow, order_workflow

RETRYABLE = {429: "RATE_LIMITED", 503: "SERVICE_UNAVAILABLE"}
ATTEMPTS = 12  # a client gives up after this many tries of one request


@pytest.fixture
def flow(wechat: Any, wechatpay: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flow]:
    with order_workflow(wechat, monkeypatch) as running:
        yield running


class Journey:
    """The three clients and WeChat Pay, retrying as the contract tells them; what they were answered."""

    def __init__(self, flow: Flow, wechatpay: Any, faults: FaultInjector) -> None:
        self.flow, self.world, self.wechatpay, self.faults = flow, flow.world, wechatpay, faults
        self.refusals: list[tuple[str, int, Any, dict[str, str]]] = []  # every retryable answer: path, status
        self.landed_before_503: list[str] = []  # a move that was written although its answer was a 503
        self.pump: Callable[[], None] = lambda: None  # the relay and the consumers take a turn

    def send(self, method: str, path: str, body: Any = None, **kw: Any) -> Reply:
        for _ in range(ATTEMPTS):
            reply = self.world.api.call(method, path, body, **kw)
            if reply.status < 500 and reply.status != 429:
                return reply
            self.refusals.append((path, reply.status, reply.body, reply.headers))
            if reply.status not in RETRYABLE:
                return reply  # a 500: the test fails on it below
            time.sleep(0.02 * int(reply.headers.get("Retry-After", "1")))  # the header, scaled for a test
        raise AssertionError(f"{method} {path}: still refused after {ATTEMPTS} tries")

    def book(self, customer: str, start: str, worker: str) -> dict[str, Any]:
        person = self.world.customer(customer)
        body = {
            "service_id": self.world.service_id,
            "start": start,
            "units": 2,
            "address_id": self.world.addresses[customer],
            "worker_id": self.world.worker(worker).id,
        }
        key = {"Idempotency-Key": f"book-{customer}-{start}"}
        reply = self.send("POST", "/v1/orders", body, token=person.token, headers=key)
        assert reply.status == 201, reply.body
        return reply.body

    def pay(self, order: dict[str, Any], customer: str) -> None:
        token = self.world.customer(customer).token
        assert self.send("POST", f"/v1/orders/{order['id']}/pay", token=token).status == 200
        headers, raw = self.wechatpay.payment_notification(order["id"])
        reply = self.send("POST", "/v1/payments/wechat/notify", raw=raw, headers=headers)
        assert reply.status == 204, reply.body

    def move(self, order: dict[str, Any], path: str, token: str, to: str, body: Any = None) -> None:
        """A move whose 503 may have been written all the same (its answer was lost): then its retry meets the
        order already moved (409), which the client reads back as done."""
        before = len(self.refusals)
        reply = self.send("POST", path, body, token=token)
        if reply.status == 409 and len(self.refusals) > before and self.order(order["id"]).status == to:
            self.landed_before_503.append(path)
            return
        assert reply.status == 200 and reply.body["status"] == to, reply.body

    def order(self, order_id: str) -> Any:
        return patiently(lambda: self.flow.order(order_id))

    def finished(self, order_id: str) -> dict[str, Any]:
        """The order's execution once it ended (a loaded box runs the workflow's retries slowly)."""
        sfn = boto3.client("stepfunctions")

        def done() -> dict[str, Any] | None:
            described = sfn.describe_execution(executionArn=self.flow.execution_arn(order_id))
            return None if described["status"] == "RUNNING" else described

        return wait_for(done, f"the workflow of order {order_id} to end", limit_s=120)

    def waiting(self, order_id: str, stage: str) -> None:
        def armed() -> Any:
            item = self.order(order_id)
            return item.armed_stage == stage and item.armed_version == item.version

        wait_for(armed, f"order {order_id} waiting for {stage}", limit_s=60)


def patiently(read: Callable[[], Any]) -> Any:
    """The test's own reads retry transient AWS failures as any reader would."""
    for _ in range(20):
        try:
            return read()
        except Exception as exc:
            if not aws.transient(exc):
                raise
            time.sleep(0.01)
    return read()


def run_journey(journey: Journey) -> dict[str, dict[str, Any]]:
    """Two orders to settlement, one cancelled after payment (refunded), one before."""
    world = journey.world
    wang, li = world.worker("wang").token, world.worker("li").token
    orders = {
        "settled_a": journey.book("amy", slot(3), "wang"),
        "settled_b": journey.book("ben", slot(3), "li"),
        "cancelled_paid": journey.book("cat", slot(6), "wang"),
        "cancelled_unpaid": journey.book("dan", slot(6), "li"),
    }
    for name, customer in (("settled_a", "amy"), ("settled_b", "ben"), ("cancelled_paid", "cat")):
        journey.pay(orders[name], customer)
        journey.pump()
    for name, token in (("settled_a", wang), ("settled_b", li)):
        journey.waiting(orders[name]["id"], "acceptance")
        journey.move(orders[name], f"/v1/worker/orders/{orders[name]['id']}/accept", token, "accepted")
        journey.pump()
    for name, customer in (("cancelled_paid", "cat"), ("cancelled_unpaid", "dan")):
        path = f"/v1/orders/{orders[name]['id']}/cancel"
        journey.move(orders[name], path, world.customer(customer).token, "cancelled", {"reason": "有事"})
    for name in ("cancelled_paid", "cancelled_unpaid"):  # refunded before the clock moves (WeChat Pay's own
        journey.finished(orders[name]["id"])  # clock checks each signed request's time)
    clock.advance(timedelta(hours=2, minutes=45))
    for name, token in (("settled_a", wang), ("settled_b", li)):
        order_id = orders[name]["id"]
        journey.waiting(order_id, "start")
        journey.move(orders[name], f"/v1/worker/orders/{order_id}/start", token, "in_service")
        journey.waiting(order_id, "completion")
        journey.move(orders[name], f"/v1/worker/orders/{order_id}/complete", token, "completed")
        journey.pump()
    return orders


class BusTap:
    """Every event the bus carries, on a queue of the test's own (read with the faults cleared)."""

    def __init__(self, bus: str) -> None:
        self.sqs, events = boto3.client("sqs"), boto3.client("events")
        self.url = self.sqs.create_queue(QueueName="fault-tap")["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])["Attributes"]
        events.put_rule(Name="fault-tap", EventBusName=bus, EventPattern=json.dumps({"source": ["jiazheng"]}))
        events.put_targets(
            Rule="fault-tap", EventBusName=bus, Targets=[{"Id": "tap", "Arn": arn["QueueArn"]}]
        )
        self.ids: set[str] = set()

    def drain(self) -> set[str]:
        while batch := self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10).get(
            "Messages", []
        ):
            for message in batch:
                self.ids.add(json.loads(message["Body"])["detail"]["event_id"])
                self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])
        return self.ids


def outbox_ids() -> set[str]:
    """The id of every event written to the outbox: the table's stream read from its start."""
    from common.relay import relay_records

    from infra.local.outbox import StreamRelay

    written: set[str] = set()

    def keep(events: Any) -> list[bool]:
        written.update(e.id for e in events)
        return [True] * len(events)

    reader = StreamRelay()
    streams, arn = reader._streams, reader._stream_arn
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        relay_records(streams.get_records(ShardIterator=iterator, Limit=1000)["Records"], put=keep)
    return written


def failures(flow: Flow, order_id: str) -> list[Any]:
    """What went wrong in an order's execution: its states, and each failed task's error and cause."""
    events = boto3.client("stepfunctions").get_execution_history(
        executionArn=flow.execution_arn(order_id), maxResults=1000
    )["events"]
    failed = [
        (e["type"], e.get(k, {}).get("error"), e.get(k, {}).get("cause"))
        for e in events
        for k in ("lambdaFunctionFailedEventDetails", "taskFailedEventDetails")
        if k in e
    ]
    return [flow.path(order_id), failed]


def deliver(flow_events: Any) -> None:
    """One pass of the relay and the consumers, as their Lambdas run: a pass that fails is simply run again."""
    try:
        flow_events.deliver(rounds=3)
    except (
        Exception
    ) as exc:  # a receive or delete still failing after the SDK's retries: SQS keeps the message
        assert aws.transient(exc), exc


@pytest.mark.parametrize("rate", [0.05, 0.2])
def test_under_aws_faults_every_request_succeeds_or_asks_to_be_retried_and_nothing_is_lost(
    flow: Flow, wechatpay: Any, rate: float
) -> None:
    from common.settings import get_settings

    from app import app
    from functions.payments import ledger_store
    from functions.workers.calendar import booked
    from infra.topology import EVENT_QUEUES
    from tests.integration.event_helpers import EventFlow

    world = flow.world
    for name in ("amy", "ben", "cat", "dan"):
        world.customer(name)
    world.worker("wang"), world.worker("li")
    tap = BusTap(get_settings().event_bus_name)
    with FaultInjector(rate, seed=15, backoff_scale=0.02) as faults:
        with faults.paused():  # the test's own queues and rules are made as the template makes them
            consumers = EventFlow(app)
        journey = Journey(flow, wechatpay, faults)
        journey.pump = lambda: deliver(consumers)
        orders = run_journey(journey)
        for _ in range(5):
            deliver(consumers)
        with faults.paused():  # the faults clear: whatever was refused goes through on its next turn
            for order in orders.values():
                ended = journey.finished(order["id"])["status"]
                assert ended == "SUCCEEDED", json.dumps(failures(flow, order["id"]), ensure_ascii=False)
            deadline = (
                time.monotonic() + 30
            )  # a batch a consumer failed comes back after its visibility timeout
            while time.monotonic() < deadline:
                consumers.deliver()
                if not any(
                    consumers.messages_waiting(q.name)
                    for q in EVENT_QUEUES
                    if q.name != "order-lifecycle-failures"
                ):
                    break
                time.sleep(0.5)
    print(faults.summary(), f"; {len(journey.refusals)} answers 429/503, retried;", journey.landed_before_503)

    assert faults.injected and sum(faults.injected.values()) >= rate * sum(faults.calls.values()) / 2
    assert [(p, s) for p, s, _, _ in journey.refusals if s not in RETRYABLE] == []  # never a 500
    for path, status, body, headers in journey.refusals:
        assert body["error"]["code"] == RETRYABLE[status] and int(headers["Retry-After"]) >= 1, (path, body)
    final = {name: flow.order(order["id"]) for name, order in orders.items()}
    assert {name: item.status for name, item in final.items()} == {
        "settled_a": "completed",
        "settled_b": "completed",
        "cancelled_paid": "cancelled",
        "cancelled_unpaid": "cancelled",
    }
    assert [e.note for e in final["settled_a"].timeline][-1] == "settled"
    assert final["cancelled_paid"].refund_fen == orders["cancelled_paid"]["price"]["total_fen"]
    # Each move was written once: no doubled timeline entry from a retried request.
    for item in final.values():
        notes = [e.note for e in item.timeline]
        assert len(notes) == len(set(notes)), notes
    # No slot lock is held for a cancelled order.
    cancelled = {final[n].id for n in ("cancelled_paid", "cancelled_unpaid")}
    day = clock.now().date() - timedelta(days=1)
    for worker in ("wang", "li"):
        held = {s.order_id for s in booked(world.worker(worker).id, day, 3).slots}
        assert not held & cancelled, held
    assert ledger_store.audit() == [] and ledger_store.ledger_sum() == 0
    written = outbox_ids()
    assert written and written <= tap.drain(), written - tap.ids  # every event written reached the bus
