"""The order workflow under test: the real ASL on moto's Step Functions, its Lambda tasks dispatched in-process to
the app's handlers, durations from the execution input set short per test."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from chalice.test import Client
from common.settings import get_settings
from common.table import create_table
from moto import mock_aws

from infra.local.atomic_dynamodb import make_dynamodb_atomic
from infra.local.lambdas import WORKFLOW_CONFIG, Dispatcher, install_dispatcher
from infra.statemachine import STATE_MACHINE_NAME, render
from tests.integration.booking_helpers import World, long_lived_tokens, make_world, operator, wait_for
from tests.integration.conftest import Api

# Long enough that a test acting on the order always comes first; a test about a timeout shortens its own.
DURATIONS = {
    "PAYMENT_TIMEOUT_SECONDS": "60",
    "ACCEPTANCE_TIMEOUT_SECONDS": "60",
    "WORKFLOW_WAIT_CAP_SECONDS": "60",
    "DISPUTE_WINDOW_SECONDS": "1",
    "DISPUTE_RECHECK_SECONDS": "1",
    "AUTO_CONFIRM_SECONDS": "1",  # a completed order is confirmed by the system at once unless a test waits
}


@dataclass
class Flow:
    world: World
    lambdas: Dispatcher
    machine_arn: str
    dlq_url: str
    monkeypatch: pytest.MonkeyPatch

    def settings(self, **values: int) -> None:
        """Durations and limits for the orders booked from now on (they go into each execution's input)."""
        for name, value in values.items():
            self.monkeypatch.setenv(name.upper(), str(value))
        get_settings.cache_clear()

    def execution_arn(self, order_id: str) -> str:
        return self.machine_arn.replace(":stateMachine:", ":execution:") + f":{order_id}"

    def order(self, order_id: str) -> Any:
        from functions.booking import store

        return store.get(order_id, consistent=True)

    def waiting(self, order_id: str, stage: str) -> Any:
        """Wait until the workflow has armed its wait of ``stage`` on the order as it is now."""

        def armed() -> Any:
            item = self.order(order_id)
            return item if item.armed_stage == stage and item.armed_version == item.version else None

        return wait_for(armed, f"order {order_id} waiting for {stage}")

    def finished(self, order_id: str) -> dict[str, Any]:
        sfn = boto3.client("stepfunctions")

        def done() -> dict[str, Any] | None:
            described = sfn.describe_execution(executionArn=self.execution_arn(order_id))
            return None if described["status"] == "RUNNING" else described

        return wait_for(done, f"the workflow of order {order_id} to end")

    def path(self, order_id: str) -> list[str]:
        """The states the order's execution entered, in order."""
        events = boto3.client("stepfunctions").get_execution_history(
            executionArn=self.execution_arn(order_id), maxResults=1000
        )["events"]
        return [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]

    def invocations(self, function: str) -> list[Any]:
        return [i.payload for i in self.lambdas.invocations if i.function == function]


@contextmanager
def order_workflow(wechat: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flow]:
    make_dynamodb_atomic()
    for name, value in DURATIONS.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    with mock_aws(config=WORKFLOW_CONFIG):  # type: ignore[arg-type]
        settings = get_settings()
        create_table(boto3.client("dynamodb"), settings.table_name)
        boto3.client("events").create_event_bus(Name=settings.event_bus_name)
        dlq_url = failures_queue(settings.event_bus_name)
        from app import app

        with install_dispatcher(app) as lambdas:
            sfn = boto3.client("stepfunctions")
            machine = sfn.create_state_machine(
                name=STATE_MACHINE_NAME,
                definition=render(lambdas.function_arn, bus=settings.event_bus_name),
                roleArn="arn:aws:iam::123456789012:role/order-lifecycle",
            )["stateMachineArn"]
            monkeypatch.setenv("STATE_MACHINE_ARN", machine)
            get_settings.cache_clear()
            try:
                with Client(app) as client, long_lived_tokens(monkeypatch):
                    api = Api(client)
                    yield Flow(make_world(api, operator(api)), lambdas, machine, dlq_url, monkeypatch)
            finally:
                stop_all(sfn, machine)
    get_settings.cache_clear()


QUIET = {
    "ExecutionAborted",
    "ExecutionFailed",
    "ExecutionSucceeded",
    "TaskSubmitted",  # in a task-token wait
    "WaitStateEntered",
}


def stop_all(sfn: Any, machine: str) -> None:
    """Stop the executions still running, so none outlives the test. moto cannot stop an execution whose thread
    has not set itself up yet, so wait until it has a history first; then until it is stopped or only waiting."""
    for running in sfn.list_executions(stateMachineArn=machine, statusFilter="RUNNING")["executions"]:
        arn = running["executionArn"]

        def started(arn: str = arn) -> bool:
            try:
                return bool(sfn.get_execution_history(executionArn=arn, maxResults=1)["events"])
            except Exception:
                return False

        def quiet(arn: str = arn) -> bool:
            # Stopped, or in a wait: moto lets a wait run out, but after a stop nothing is called any more.
            try:
                events = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
            except (
                TypeError
            ):  # moto 5.2 cannot always serialize a TaskScheduled's TimeoutSecondsPath: ask its status
                return sfn.describe_execution(executionArn=arn)["status"] != "RUNNING"
            return bool(events) and (
                events[-1]["type"] in QUIET or len(events) == 1
            )  # stopped before its first state

        wait_for(started, f"execution {arn} to start", limit_s=10)
        sfn.stop_execution(executionArn=arn)
        wait_for(quiet, f"execution {arn} to stop", limit_s=10)


def failures_queue(bus: str) -> str:
    """The topology's queue of workflow failures, fed by its rule on the bus (as the template and the local
    stack create it)."""
    from infra.topology import EVENT_QUEUES

    [declared] = [q for q in EVENT_QUEUES if q.name == "order-lifecycle-failures"]
    sqs, events = boto3.client("sqs"), boto3.client("events")
    url = sqs.create_queue(QueueName=declared.name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name=declared.name, EventBusName=bus, EventPattern=json.dumps(declared.event_pattern()))
    events.put_targets(Rule=declared.name, EventBusName=bus, Targets=[{"Id": declared.name, "Arn": arn}])
    return url


def dlq_messages(flow: Flow) -> list[dict[str, Any]]:
    """The failure reports operators see: the details of the OrderWorkflowFailed events in the queue."""
    sqs = boto3.client("sqs")
    messages = sqs.receive_message(QueueUrl=flow.dlq_url, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(m["Body"])["detail"] for m in messages]
