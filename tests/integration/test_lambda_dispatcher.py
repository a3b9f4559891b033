"""A state machine in moto calls the app's Python handlers in-process, errors keep their names, task tokens resume.

The workflow here is a miniature of an order's: price it (a plain task), hold the worker's slot (a service
integration whose ``SlotTaken`` is caught by name), then wait for payment on a task token.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import boto3
import pytest
import requests
from chalice import Blueprint, Chalice
from common.errors import RuleViolation, SlotTaken, UpstreamError
from moto import mock_aws
from moto.core.models import default_user_config

from infra.local.aws import start_moto
from infra.local.lambdas import WORKFLOW_CONFIG, Dispatcher, function_arn, install_dispatcher

tasks = Chalice(app_name="dispatch-test")
booking_tasks = Blueprint(__name__)
payment_tokens: dict[str, str] = {}
attempts: dict[str, int] = {}


@tasks.lambda_function(name="price-order")
def price_order(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if event["units"] < 1:
        raise RuleViolation("at least one unit")
    return {"total_fen": event["units"] * 5000}


@booking_tasks.lambda_function(name="hold-slot")
def hold_slot(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if event["worker_id"] == "busy-worker":
        raise SlotTaken("the worker is already booked")
    return {"held": True}


@booking_tasks.lambda_function(name="await-payment")
def await_payment(event: dict[str, Any], context: Any) -> None:
    payment_tokens[event["order_id"]] = event["token"]


@booking_tasks.lambda_function(name="notify-flaky")
def notify_flaky(event: dict[str, Any], context: Any) -> dict[str, int]:
    attempts[event["order_id"]] = attempts.get(event["order_id"], 0) + 1
    if attempts[event["order_id"]] == 1:
        raise UpstreamError("WeChat is briefly unavailable")
    return {"attempts": attempts[event["order_id"]]}


tasks.register_blueprint(booking_tasks)


def order_workflow() -> dict[str, Any]:
    """JSONPath ASL (moto runs no JSONata), resources from the dispatcher."""
    return {
        "StartAt": "Price",
        "States": {
            "Price": {
                "Type": "Task",
                "Resource": function_arn("price-order"),
                "ResultPath": "$.price",
                "Next": "Hold",
            },
            "Hold": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": function_arn("hold-slot"), "Payload.$": "$"},
                "ResultSelector": {"held.$": "$.Payload.held"},
                "ResultPath": "$.hold",
                "Catch": [{"ErrorEquals": ["SlotTaken"], "ResultPath": "$.error", "Next": "SlotWasTaken"}],
                "Next": "AwaitPayment",
            },
            "AwaitPayment": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                "Parameters": {
                    "FunctionName": function_arn("await-payment"),
                    "Payload": {"order_id.$": "$.order_id", "token.$": "$$.Task.Token"},
                },
                "ResultPath": "$.payment",
                "End": True,
            },
            "SlotWasTaken": {"Type": "Pass", "Result": "slot_taken", "ResultPath": "$.outcome", "End": True},
        },
    }


def retry_workflow() -> dict[str, Any]:
    return {
        "StartAt": "Notify",
        "States": {
            "Notify": {
                "Type": "Task",
                "Resource": function_arn("notify-flaky"),
                "Retry": [{"ErrorEquals": ["UpstreamError"], "IntervalSeconds": 1, "MaxAttempts": 2}],
                "End": True,
            }
        },
    }


@pytest.fixture(params=["mock_aws", "moto_server"])
def lambdas(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Dispatcher]:
    """The same workflows under both ways the project runs moto: in-process mocks (tests) and the server in
    this process that the local stack uses (clients reach it through AWS_ENDPOINT_URL)."""
    payment_tokens.clear()
    attempts.clear()
    if request.param == "mock_aws":
        with mock_aws(config=WORKFLOW_CONFIG), install_dispatcher(tasks) as dispatcher:  # type: ignore[arg-type]
            yield dispatcher
        return
    with mock.patch.dict(default_user_config):  # the server's config call must not outlive the test
        moto = start_moto()
        requests.post(f"{moto.url}/moto-api/reset", timeout=10)  # the server's backends are process-wide
        monkeypatch.setenv("AWS_ENDPOINT_URL", moto.url)
        monkeypatch.setenv("MOTO_PORT", str(moto.port))
        try:
            with install_dispatcher(tasks) as dispatcher:
                yield dispatcher
        finally:
            moto.stop()


def wait_for(check: Callable[[], Any], what: str, limit_s: float = 30.0) -> Any:
    """Poll until ``check()`` is truthy (workflows run on moto's threads)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def start(workflow: dict[str, Any], order: dict[str, Any]) -> str:
    sfn = boto3.client("stepfunctions")
    machine = sfn.create_state_machine(
        name=f"wf-{order['order_id']}",
        definition=json.dumps(workflow),
        roleArn="arn:aws:iam::123456789012:role/local-states",
    )
    # Always name executions: moto 5.2 mishandles unnamed ones.
    started = sfn.start_execution(
        stateMachineArn=machine["stateMachineArn"], name=order["order_id"], input=json.dumps(order)
    )
    return started["executionArn"]


def finished(execution_arn: str) -> dict[str, Any]:
    sfn = boto3.client("stepfunctions")

    def done() -> dict[str, Any] | None:
        described = sfn.describe_execution(executionArn=execution_arn)
        return None if described["status"] == "RUNNING" else described

    return wait_for(done, f"execution {execution_arn} to finish")


def test_a_workflow_runs_the_app_handlers_and_resumes_when_the_task_token_is_sent(
    lambdas: Dispatcher,
) -> None:
    execution = start(order_workflow(), {"order_id": "o-1", "units": 3, "worker_id": "free-worker"})

    token = wait_for(lambda: payment_tokens.get("o-1"), "the payment task token")
    boto3.client("stepfunctions").send_task_success(taskToken=token, output=json.dumps({"paid_fen": 15000}))

    result = finished(execution)
    assert result["status"] == "SUCCEEDED"
    output = json.loads(result["output"])
    assert output["price"] == {"total_fen": 15000}
    assert output["hold"] == {"held": True}
    assert output["payment"] == {"paid_fen": 15000}
    assert [i.function for i in lambdas.invocations] == ["price-order", "hold-slot", "await-payment"]


def test_a_domain_error_is_caught_by_its_class_name(lambdas: Dispatcher) -> None:
    execution = start(order_workflow(), {"order_id": "o-2", "units": 2, "worker_id": "busy-worker"})

    result = finished(execution)
    assert result["status"] == "SUCCEEDED"
    output = json.loads(result["output"])
    assert output["outcome"] == "slot_taken"
    assert output["error"]["Error"] == "SlotTaken"
    assert json.loads(output["error"]["Cause"])["errorMessage"] == "the worker is already booked"
    assert "o-2" not in payment_tokens


def test_an_uncaught_error_fails_the_execution_under_its_class_name(lambdas: Dispatcher) -> None:
    execution = start(order_workflow(), {"order_id": "o-3", "units": 0, "worker_id": "free-worker"})

    result = finished(execution)
    assert result["status"] == "FAILED"
    assert result["error"] == "RuleViolation"


def test_a_retry_by_error_name_runs_the_handler_again(lambdas: Dispatcher) -> None:
    execution = start(retry_workflow(), {"order_id": "o-4"})

    result = finished(execution)
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == {"attempts": 2}


def test_invoking_a_function_directly_returns_its_result_or_a_named_function_error(
    lambdas: Dispatcher,
) -> None:
    client = boto3.client("lambda")

    ok = client.invoke(FunctionName="hold-slot", Payload=json.dumps({"worker_id": "free-worker"}))
    refused = client.invoke(
        FunctionName=lambdas.function_arn("hold-slot"), Payload=json.dumps({"worker_id": "busy-worker"})
    )

    assert "FunctionError" not in ok and json.loads(ok["Payload"].read()) == {"held": True}
    assert refused["FunctionError"] == "Unhandled"
    assert json.loads(refused["Payload"].read())["errorType"] == "SlotTaken"


def test_every_lambda_function_of_the_app_and_its_blueprints_has_an_arn(lambdas: Dispatcher) -> None:
    assert sorted(lambdas.arns) == ["await-payment", "hold-slot", "notify-flaky", "price-order"]
    assert lambdas.function_arn("price-order").endswith(":function:price-order")
    with pytest.raises(LookupError):
        function_arn("no-such-task")


def test_the_dispatcher_turns_workflows_on_under_the_shared_aws_fixture(aws: None) -> None:
    with install_dispatcher(tasks):  # type: ignore[arg-type]
        execution = start(order_workflow(), {"order_id": "o-5", "units": 1, "worker_id": "busy-worker"})

        result = finished(execution)

    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"])["outcome"] == "slot_taken"
