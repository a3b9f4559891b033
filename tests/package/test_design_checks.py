"""Mistakes that would only show at deploy time fail the build instead, with a message saying what to fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.package import statemachine
from infra.package.template import Design, assemble, capability_of
from infra.permissions import CAPABILITIES
from infra.topology import EventQueue


def design(tmp_path: Path, asl: dict | None = None, queues: tuple[EventQueue, ...] = ()) -> Design:
    machines = []
    if asl is not None:
        machines = [tmp_path / "order_lifecycle.asl.json"]
        machines[0].write_text(json.dumps(asl))
    return Design("dev", queues, machines, ["catalog"], CAPABILITIES, {})


def function(handler: str = "app.fn", events: dict | None = None) -> dict:
    props = {"Runtime": "python3.11", "Handler": handler, "Timeout": 60, "Role": "arn:aws:iam::0:role/x"}
    return {"Type": "AWS::Serverless::Function", "Properties": {**props, "Events": events or {}}}


def sqs_event(queue: str) -> dict:
    arn = f"arn:${{AWS::Partition}}:sqs:${{AWS::Region}}:${{AWS::AccountId}}:{queue}"
    return {"E": {"Type": "SQS", "Properties": {"Queue": {"Fn::Sub": arn}, "BatchSize": 10}}}


def one_task(resource: str, **extra: object) -> dict:
    return {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": True, **extra}}}


def test_a_consumer_of_a_queue_the_topology_does_not_declare_fails_the_build(tmp_path: Path) -> None:
    sam = {"Resources": {"Fn": function(events=sqs_event("jiazheng-dev-nowhere"))}}
    with pytest.raises(
        ValueError, match=r"'jiazheng-dev-nowhere', which infra/topology\.py does not declare"
    ):
        assemble(sam, design(tmp_path, queues=(EventQueue("notifications", ("OrderPaid",)),)))


def test_a_state_machine_naming_a_missing_function_fails_the_build(tmp_path: Path) -> None:
    sam = {"Resources": {"Fn": function()}}
    with pytest.raises(ValueError, match=r"no Chalice lambda_function for \['fn:booking-hold-timeout'\]"):
        assemble(sam, design(tmp_path, one_task("${fn:booking-hold-timeout}")))


def test_a_task_integration_without_an_iam_mapping_fails_the_build(tmp_path: Path) -> None:
    sam = {"Resources": {"Fn": function()}}
    with pytest.raises(
        ValueError, match=r"no IAM mapping for the task resource 'arn:aws:states:::sns:publish'"
    ):
        assemble(sam, design(tmp_path, one_task("arn:aws:states:::sns:publish")))


def test_the_local_stack_renders_the_same_placeholders_the_template_substitutes() -> None:
    text = json.dumps(
        one_task("${fn:payments-refund}", Parameters={"TableName": "${table}", "Bus": "${bus}"})
    )
    assert statemachine.placeholders(text) == {"fn:payments-refund", "table", "bus"}
    rendered = statemachine.render(text, {"fn:payments-refund": "arn:fn", "table": "t", "bus": "b"})
    assert json.loads(rendered)["States"]["T"]["Resource"] == "arn:fn"
    with pytest.raises(KeyError, match="table"):
        statemachine.render(text, {"fn:payments-refund": "arn:fn", "bus": "b"})


def test_a_handler_belongs_to_the_capability_whose_package_holds_it() -> None:
    assert capability_of("functions.marketing.tasks.expire_coupons") == "marketing"
    assert capability_of("app.app") is None
