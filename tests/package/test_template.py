"""The template: lints clean, holds every part of the design, and gives each function only what it needs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from common.settings import Settings
from common.table import TABLE_DEFINITION
from pydantic import SecretStr

from infra.package.build import ROOT
from infra.package.iam import access_statements
from infra.package.resources import queue_logical_id
from infra.permissions import CAPABILITIES, NOTHING
from infra.topology import EVENT_QUEUES, queue_name
from tests.package.conftest import SAMPLE_QUEUES, cfn_lint, load


def of_type(template: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]]


def actions_of(template: dict[str, Any], logical: str) -> set[str]:
    return {a for s in statements(template["Resources"][f"{logical}Role"]) for a in s["Action"]}


@pytest.mark.parametrize("which", ["real", "sample"])
def test_template_passes_cfn_lint_without_errors_or_warnings(
    which: str, request: pytest.FixtureRequest
) -> None:
    built = request.getfixturevalue(which)
    result = cfn_lint(built.template)
    assert result.returncode == 0, result.stdout + result.stderr


def test_sample_template_holds_every_part_of_the_design(sample) -> None:
    t = load(sample)
    res = t["Resources"]

    table = res["Table"]["Properties"]
    assert {k: table[k] for k in TABLE_DEFINITION} == TABLE_DEFINITION
    assert table["TableName"] == "jiazheng-dev"
    assert res["EventBus"]["Properties"]["Name"] == "jiazheng-dev-events"
    assert "MediaBucket" in of_type(t, "AWS::S3::Bucket")

    functions = of_type(t, "AWS::Serverless::Function")
    assert set(functions) == {"APIHandler", "ExpireCoupons", "Notify", "BookingHoldTimeout", "PaymentsRefund"}
    schedule = functions["ExpireCoupons"]["Properties"]["Events"]["ExpireCouponsEvent"]
    assert schedule == {"Type": "Schedule", "Properties": {"Schedule": "cron(0 16 * * ? *)"}}

    for queue in SAMPLE_QUEUES:
        q = queue_logical_id(queue)
        props = res[q]["Properties"]
        assert props["QueueName"] == queue_name(queue.name, "dev")
        assert props["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": [f"{q}DeadLetter", "Arn"]}
        rule = res[f"{q}Rule"]["Properties"]
        assert rule["EventBusName"] == {"Ref": "EventBus"}
        assert rule["EventPattern"] == queue.event_pattern()
        assert rule["Targets"][0]["Arn"] == {"Fn::GetAtt": [q, "Arn"]}
        dlq_alarm = res[f"{q}DeadLetterAlarm"]["Properties"]
        assert dlq_alarm["Dimensions"][0]["Value"] == {"Fn::GetAtt": [f"{q}DeadLetter", "QueueName"]}
    consumer = functions["Notify"]["Properties"]["Events"]["NotifySqsEventSource"]["Properties"]
    assert consumer["Queue"] == {"Fn::GetAtt": ["NotificationsQueue", "Arn"]}
    assert consumer["FunctionResponseTypes"] == ["ReportBatchItemFailures"]  # partial batch failures honoured
    assert (
        res["NotificationsQueue"]["Properties"]["VisibilityTimeout"]
        >= functions["Notify"]["Properties"]["Timeout"]
    )

    machine = res["OrderLifecycleStateMachine"]["Properties"]
    assert machine["StateMachineName"] == "jiazheng-dev-order-lifecycle"
    assert machine["DefinitionSubstitutions"] == {
        "FnBookingHoldTimeout": {"Fn::GetAtt": ["BookingHoldTimeout", "Arn"]},
        "FnPaymentsRefund": {"Fn::GetAtt": ["PaymentsRefund", "Arn"]},
        "TableName": {"Ref": "Table"},
        "EventBusName": {"Ref": "EventBus"},
    }
    assert "${fn:" not in json.dumps(machine["Definition"])
    failed = res["OrderLifecycleStateMachineFailedAlarm"]["Properties"]
    assert (failed["MetricName"], failed["Dimensions"][0]["Value"]) == (
        "ExecutionsFailed",
        {"Ref": "OrderLifecycleStateMachine"},
    )
    env = functions["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert env["STATE_MACHINE_ARN"]["Fn::Sub"].endswith(":stateMachine:jiazheng-dev-order-lifecycle")


def test_every_function_runs_the_shipped_code_with_the_common_layer(real, sample) -> None:
    for built in (real, sample):
        t = load(built)
        layer = t["Resources"]["CommonLayer"]["Properties"]
        assert (layer["ContentUri"], layer["CompatibleArchitectures"]) == ("./layer.zip", ["x86_64"])
        for fn in of_type(t, "AWS::Serverless::Function").values():
            props = fn["Properties"]
            assert props["CodeUri"] == "./app.zip"
            assert props["Layers"] == [{"Ref": "CommonLayer"}]
            assert props["Architectures"] == ["x86_64"]
            assert props["Runtime"] in layer["CompatibleRuntimes"]


def test_real_template_holds_what_the_repository_declares(real) -> None:
    """Whatever queues and state machines have landed are in the template, with no edit to the packaging."""
    res = load(real)["Resources"]
    for queue in EVENT_QUEUES:
        assert res[queue_logical_id(queue)]["Properties"]["QueueName"] == queue_name(queue.name, "dev")
    for asl in (ROOT / "infra" / "statemachine").glob("*.asl.json"):
        names = [
            r["Properties"]["StateMachineName"] for r in res.values() if r["Type"].endswith("StateMachine")
        ]
        assert f"jiazheng-dev-{asl.name.removesuffix('.asl.json').replace('_', '-')}" in names


def test_no_role_has_wildcard_actions_or_table_wide_wildcards(real, sample) -> None:
    for built in (real, sample):
        for logical, role in of_type(load(built), "AWS::IAM::Role").items():
            for s in statements(role):
                assert all("*" not in action for action in s["Action"]), (logical, s)
                if s["Resource"] == ["*"]:  # only where IAM has no resource type
                    assert all(a.startswith("states:SendTask") for a in s["Action"]), (logical, s)
                assert s["Effect"] == "Allow"


def test_each_function_gets_what_its_declaration_says_and_no_more(sample) -> None:
    t = load(sample)
    baseline = {"logs:CreateLogStream", "logs:PutLogEvents", "ssm:GetParametersByPath"}
    read = {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"}
    write = read | {
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
    }
    send_task = {"states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"}
    consume = {
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:ChangeMessageVisibility",
        "sqs:GetQueueAttributes",
    }

    # the routes: the union of what the capabilities present declare for their api, and nothing else
    api_access = NOTHING
    for name in sorted(p.parent.name for p in (ROOT / "functions").glob("*/__init__.py")):
        api_access = api_access | CAPABILITIES[name].api
    # (the sample has a state machine, so a capability declaring start_execution gets StartExecution on it)
    declared = {a for s in access_statements(api_access, state_machine_arns=["machine"]) for a in s["Action"]}
    assert actions_of(t, "APIHandler") == baseline | declared
    assert write <= declared and {"s3:GetObject", "s3:PutObject"} <= declared
    assert actions_of(t, "ExpireCoupons") == baseline | write | {"sqs:SendMessage"}  # a job: + its DLQ
    assert actions_of(t, "BookingHoldTimeout") == baseline | write | {"events:PutEvents"} | send_task
    assert actions_of(t, "PaymentsRefund") == baseline | write
    assert actions_of(t, "Notify") == baseline | consume  # nothing declared: only its own queue
    assert sample.notes == ["queue analytics: declared in infra/topology.py, no consumer in the app"]


def test_resources_are_ours_only(sample) -> None:
    t = load(sample)
    bus = [
        s for s in statements(t["Resources"]["BookingHoldTimeoutRole"]) if "events:PutEvents" in s["Action"]
    ]
    assert bus[0]["Resource"] == [{"Fn::GetAtt": ["EventBus", "Arn"]}]
    queue = [s for s in statements(t["Resources"]["NotifyRole"]) if "sqs:ReceiveMessage" in s["Action"]]
    assert queue[0]["Resource"] == [{"Fn::GetAtt": ["NotificationsQueue", "Arn"]}]
    logs = [s for s in statements(t["Resources"]["NotifyRole"]) if "logs:PutLogEvents" in s["Action"]]
    assert logs[0]["Resource"] == [{"Fn::GetAtt": ["NotifyLogGroup", "Arn"]}]
    machine = statements(t["Resources"]["OrderLifecycleStateMachineRole"])
    assert {a for s in machine for a in s["Action"]} == {
        "lambda:InvokeFunction",
        "dynamodb:UpdateItem",
        "events:PutEvents",
    }


def test_no_secret_is_in_the_template_or_the_chalice_config(real, sample) -> None:
    secret_fields = {n: f for n, f in Settings.model_fields.items() if "SecretStr" in str(f.annotation)}
    assert {"jwt_secret", "wechat_app_secret"} <= set(secret_fields)
    defaults = [
        f.default.get_secret_value()
        for f in secret_fields.values()
        if isinstance(f.default, SecretStr) and f.default.get_secret_value()
    ]
    config = (ROOT / ".chalice" / "config.json").read_text()
    for built in (real, sample):
        text = built.template.read_text()
        for name in secret_fields:
            assert name.upper() not in text and name.upper() not in config
        for default in defaults:
            assert default not in text and default not in config
        assert "test-secret-0123456789abcdef0123456789" not in text  # the JWT_SECRET of this very process
        for fn in of_type(json.loads(text), "AWS::Serverless::Function").values():
            assert fn["Properties"]["Environment"]["Variables"]["SECRETS_PARAMETER_PREFIX"] == "/jiazheng/dev"


def test_the_gateways_own_errors_speak_the_contract_format(real) -> None:
    api = load(real)["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    responses = api["x-amazon-apigateway-gateway-responses"]
    no_route = responses["MISSING_AUTHENTICATION_TOKEN"]
    assert no_route["statusCode"] == "404"
    assert '"code": "NOT_FOUND"' in no_route["responseTemplates"]["application/json"]
    assert {"DEFAULT_4XX", "DEFAULT_5XX", "THROTTLED"} <= responses.keys()
