"""The cost of an order (bench/cost.py): the transitions counted from the ASL's happy path, and the arithmetic."""

from __future__ import annotations

import json

import pytest

from bench import cost
from bench.cost import Usage, Work

PRICES = {
    "api_gateway_rest_request": 3.5e-6,
    "lambda_request": 2e-7,
    "lambda_gb_second_x86_64": 1.6e-5,
    "lambda_gb_second_arm64": 1.2e-5,
    "dynamodb_read_request_unit": 1e-7,
    "dynamodb_write_request_unit": 5e-7,
    "step_functions_transition": 2.5e-5,
    "eventbridge_event": 1e-6,
    "sqs_request": 4e-7,
}
ASL = {
    "StartAt": "Route",
    "States": {
        "Route": {"Type": "Task", "Resource": "${fn:route}", "Next": "Step"},
        "Step": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.next", "StringEquals": "wait", "Next": "Wait"},
                {"Variable": "$.next", "StringEquals": "done", "Next": "Done"},
            ],
            "Default": "Done",
        },
        "Wait": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "Parameters": {"FunctionName": "${fn:arm}"},
            "Next": "Route",
        },
        "Done": {"Type": "Succeed"},
    },
}


def test_the_happy_path_enters_each_state_it_loops_through_and_counts_every_entry() -> None:
    path = cost.happy_path(ASL, {"Step": ("Wait", "Done")})
    assert path == ["Route", "Step", "Wait", "Route", "Step", "Done"]
    assert cost.lambda_tasks(ASL, path) == ["route", "arm", "route"]


def test_a_happy_path_choosing_a_branch_the_choice_does_not_have_is_refused() -> None:
    with pytest.raises(ValueError, match="not a branch"):
        cost.happy_path(ASL, {"Step": ("Settle",)})
    with pytest.raises(ValueError, match="no choice left"):
        cost.happy_path(ASL, {"Step": ("Wait",)})


def test_the_real_workflows_happy_path_settles_the_order() -> None:
    asl = json.loads(cost.ASL.read_text())
    path = cost.happy_path(asl, cost.HAPPY_CHOICES)
    assert path[-1] == "Done" and "Settle" in path and "Compensate" not in path
    tasks = cost.lambda_tasks(asl, path)
    assert tasks.count("booking-arm-wait") == 4  # payment, acceptance, start, completion
    assert tasks.count("booking-route") == 5


def test_lambda_compute_is_memory_times_duration_and_each_invocation_is_a_request() -> None:
    usage = Usage()
    usage.run(Work(ddb_calls=2, items_read=3, write_units=4, ms=250), memory_mb=2048, times=2)
    assert usage.lambda_requests == 2
    assert usage.gb_seconds == pytest.approx(2 * 2 * 0.25)
    assert (usage.read_units, usage.write_units) == (6, 8)
    parts = cost.cost(usage, PRICES)
    assert parts["Lambda compute"] == pytest.approx(1.0 * 1.6e-5)
    assert parts["Lambda requests"] == pytest.approx(2 * 2e-7)
    assert parts["DynamoDB writes"] == pytest.approx(8 * 5e-7)
    assert cost.cost(usage, PRICES, "arm64")["Lambda compute"] == pytest.approx(1.0 * 1.2e-5)


def test_an_order_adds_its_requests_transitions_events_and_messages() -> None:
    asl = json.loads(cost.ASL.read_text())
    work = {label: Work(1, 1, 1, 100) for label, _ in cost.JOURNEY}
    usage = cost.order_usage(work, asl, memory_mb=1024)
    requests = sum(n for _, n in cost.JOURNEY)
    path = cost.happy_path(asl, cost.HAPPY_CHOICES)
    assert usage.api_requests == requests
    assert usage.transitions == len(path)
    assert usage.events == len(cost.EVENTS)
    assert usage.sqs_requests == len(cost.EVENTS) * cost.SQS_REQUESTS_PER_MESSAGE
    # every API request, the workflow's tasks, and the consumer once per event are Lambda invocations
    assert usage.lambda_requests == requests + len(cost.lambda_tasks(asl, path)) + len(cost.EVENTS)
    assert usage.gb_seconds >= requests * 0.1  # each API request here: 100 ms at 1 GB


def test_measured_rows_replace_the_estimates_at_the_largest_size() -> None:
    rows = [
        {"endpoint": "GET /v1/orders", "size": 100, "ddb_calls": 1, "items_read": 5, "median_ms": 9.0},
        {"endpoint": "GET /v1/orders", "size": 10000, "ddb_calls": 1, "items_read": 20, "median_ms": 12.0},
    ]
    work = cost.measured(rows)
    assert work["GET /v1/orders"] == Work(1, 20, cost.ESTIMATES["GET /v1/orders"].write_units, 12.0)
