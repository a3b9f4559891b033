"""IAM for the template: an ``Access`` declaration (infra/permissions.py) becomes policy statements.

Every resource is named: the table and its indexes, our bus, our state machines, the media bucket's objects, the
function's own log group, its stage's parameters. The one exception is IAM's, not ours: ``states:SendTask*``
supports no resource-level permission, so it is ``*`` and granted only to functions declared ``send_task``.
"""

from __future__ import annotations

from typing import Any

from infra.permissions import Access

Json = dict[str, Any]

TABLE_READ = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"]
TABLE_WRITE = [
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
]
SEND_TASK = ["states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"]
STREAM_CONSUME = [
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
]
QUEUE_CONSUME = [
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
]


def arn(service: str, resource: str) -> Json:
    """An ARN in this stack's partition, region and account."""
    return {"Fn::Sub": f"arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{resource}"}


def get_att(logical_id: str, attribute: str = "Arn") -> Json:
    return {"Fn::GetAtt": [logical_id, attribute]}


def allow(actions: list[str], resources: list[Any]) -> Json:
    return {"Effect": "Allow", "Action": actions, "Resource": resources}


def table_statements(level: str, table: str = "Table") -> list[Json]:
    """Read: the table and its indexes. Write: items of the table (transactions are checked per item)."""
    if not level:
        return []
    table_arn = get_att(table)
    index_arn = {"Fn::Sub": f"${{{table}.Arn}}/index/*"}
    statements = [allow(TABLE_READ, [table_arn, index_arn])]
    if level == "write":
        statements.append(allow(TABLE_WRITE, [table_arn]))
    return statements


def access_statements(access: Access, *, state_machine_arns: list[Json]) -> list[Json]:
    """What a function's declared ``Access`` allows, on our resources only."""
    statements = table_statements(access.table)
    if access.bus:
        statements.append(allow(["events:PutEvents"], [get_att("EventBus")]))
    if access.start_execution and state_machine_arns:
        statements.append(allow(["states:StartExecution"], state_machine_arns))
    if access.send_task:
        statements.append(allow(SEND_TASK, ["*"]))  # IAM: these actions have no resource type
    if access.media:
        actions = ["s3:GetObject"] + (["s3:PutObject"] if access.media == "write" else [])
        statements.append(allow(actions, [{"Fn::Sub": "${MediaBucket.Arn}/*"}]))
    return statements


def baseline_statements(log_group: str, parameter_prefix: str) -> list[Json]:
    """What every function needs: its own log group, and its stage's settings and secrets (common.secrets)."""
    path = parameter_prefix.strip("/")
    return [
        allow(["logs:CreateLogStream", "logs:PutLogEvents"], [get_att(log_group)]),
        allow(
            ["ssm:GetParametersByPath"],
            [arn("ssm", f"parameter/{path}"), arn("ssm", f"parameter/{path}/*")],
        ),
    ]


def role(service: str, policy_name: str, statements: list[Json]) -> Json:
    """An ``AWS::IAM::Role`` that ``service`` assumes, with one inline policy of ``statements``."""
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
                ],
            },
            "Policies": [
                {
                    "PolicyName": policy_name,
                    "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
                }
            ],
        },
    }
