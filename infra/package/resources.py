"""The resources around the functions: the one table, the bus, the queues with their DLQs, the media bucket, alarms.

The table comes from ``common.table.TABLE_DEFINITION`` and the queues from ``infra.topology.EVENT_QUEUES``, the
same declarations the local stack and the tests build from, so the deployed shape cannot drift from the tested one.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable

from chalice.utils import to_cfn_resource_name
from common.events import OUTBOX_PREFIX
from common.table import TABLE_DEFINITION

from infra.package.iam import Json, get_att
from infra.topology import EventQueue, queue_name

KEEP = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}  # business data outlives a stack
MAX_RECEIVES = 5  # deliveries before a message is parked in the DLQ
DLQ_RETENTION_SECONDS = 14 * 24 * 3600


def alarm(description: str, namespace: str, metric: str, dimensions: list[Json], statistic: str) -> Json:
    """Alarm (to the alarm topic) when the metric reaches 1 within five minutes."""
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmDescription": description,
            "Namespace": namespace,
            "MetricName": metric,
            "Dimensions": dimensions,
            "Statistic": statistic,
            "Period": 300,
            "EvaluationPeriods": 1,
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [{"Ref": "AlarmTopic"}],
        },
    }


def core(prefix: str) -> dict[str, Json]:
    """Table, event bus, media bucket and the alarm topic."""
    return {
        "Table": {
            "Type": "AWS::DynamoDB::Table",
            **KEEP,
            "Properties": {"TableName": prefix, **copy.deepcopy(TABLE_DEFINITION)},
        },
        "EventBus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": f"{prefix}-events"}},
        "MediaBucket": {
            "Type": "AWS::S3::Bucket",
            **KEEP,
            "Properties": {
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [
                        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                    ]
                },
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True,
                    "RestrictPublicBuckets": True,
                },
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "CorsConfiguration": {  # presigned uploads and downloads from the apps and the console
                    "CorsRules": [
                        {"AllowedMethods": ["GET", "PUT"], "AllowedOrigins": ["*"], "AllowedHeaders": ["*"]}
                    ]
                },
            },
        },
        "AlarmTopic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": f"{prefix}-alarms"}},
    }


def queue_logical_id(queue: EventQueue) -> str:
    return to_cfn_resource_name(queue.name) + "Queue"


def event_queues(queues: Iterable[EventQueue], stage: str, visibility: dict[str, int]) -> dict[str, Json]:
    """Per queue: the rule on our bus, the queue (redrive to its DLQ), the DLQ, the policy letting the rule
    send to the queue, and an alarm on the DLQ's depth. ``visibility`` gives each queue's visibility timeout
    (Lambda needs it at least its consumer's timeout)."""
    out: dict[str, Json] = {}
    for queue in queues:
        q = queue_logical_id(queue)
        name = queue_name(queue.name, stage)
        out[f"{q}DeadLetter"] = {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": f"{name}-dlq",
                "MessageRetentionPeriod": DLQ_RETENTION_SECONDS,
                "SqsManagedSseEnabled": True,
            },
        }
        out[q] = {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": name,
                "VisibilityTimeout": visibility.get(queue.name, 360),
                "SqsManagedSseEnabled": True,
                "RedrivePolicy": {
                    "deadLetterTargetArn": get_att(f"{q}DeadLetter"),
                    "maxReceiveCount": MAX_RECEIVES,
                },
            },
        }
        out[f"{q}Rule"] = {
            "Type": "AWS::Events::Rule",
            "Properties": {
                "EventBusName": {"Ref": "EventBus"},
                "EventPattern": queue.event_pattern(),
                "State": "ENABLED",
                "Targets": [{"Id": "queue", "Arn": get_att(q)}],
            },
        }
        out[f"{q}Policy"] = {
            "Type": "AWS::SQS::QueuePolicy",
            "Properties": {
                "Queues": [{"Ref": q}],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "events.amazonaws.com"},
                            "Action": "sqs:SendMessage",
                            "Resource": get_att(q),
                            "Condition": {"ArnEquals": {"aws:SourceArn": get_att(f"{q}Rule")}},
                        }
                    ],
                },
            },
        }
        out[f"{q}DeadLetterAlarm"] = alarm(
            f"{name}: messages its consumer could not handle are waiting in the DLQ",
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            [{"Name": "QueueName", "Value": get_att(f"{q}DeadLetter", "QueueName")}],
            "Maximum",
        )
    return out


def _error_response(status: str, code: str, message: str) -> Json:
    body = '{"error": {"code": "' + code + '", "message": ' + message + "}}"
    response: Json = {
        "responseTemplates": {"application/json": body},
        "responseParameters": {"gatewayresponse.header.Content-Type": "'application/json'"},
    }
    if status:  # the DEFAULT_* responses keep the status the gateway chose
        response["statusCode"] = status
    return response


def gateway_responses() -> Json:
    """API Gateway's own answers (no route, a body it refuses, throttling …) in the contract's error format, so a
    client sees ``{"error": {"code", "message"}}`` whether the gateway or our code said no (API.md "Errors")."""
    return {
        "MISSING_AUTHENTICATION_TOKEN": _error_response("404", "NOT_FOUND", '"no such route"'),
        "UNSUPPORTED_MEDIA_TYPE": _error_response("415", "UNSUPPORTED_MEDIA_TYPE", '"send application/json"'),
        "THROTTLED": _error_response("429", "RATE_LIMITED", '"too many requests"'),
        "DEFAULT_4XX": _error_response("", "BAD_REQUEST", "$context.error.messageString"),
        "DEFAULT_5XX": _error_response("", "INTERNAL", '"internal error"'),
    }


def outbox_stream() -> Json:
    """The outbox relay's event source: new outbox items on the table's stream, in order, retried until they
    are relayed (a failing record blocks its shard, so events are never reordered or dropped silently)."""
    pattern = {"eventName": ["INSERT"], "dynamodb": {"Keys": {"PK": {"S": [{"prefix": OUTBOX_PREFIX}]}}}}
    return {
        "Type": "DynamoDB",
        "Properties": {
            "Stream": {"Fn::GetAtt": ["Table", "StreamArn"]},
            "StartingPosition": "TRIM_HORIZON",
            "BatchSize": 100,
            "MaximumBatchingWindowInSeconds": 1,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "BisectBatchOnFunctionError": True,
            "MaximumRetryAttempts": -1,  # until the record's 24 h in the stream run out
            "FilterCriteria": {"Filters": [{"Pattern": json.dumps(pattern)}]},
            "DestinationConfig": {
                "OnFailure": {"Destination": {"Fn::GetAtt": ["OutboxRelayFailures", "Arn"]}}
            },
        },
    }


def outbox_relay_failures(prefix: str) -> dict[str, Json]:
    """Where the stream puts what the relay could not deliver within a day (metadata to replay from), with an
    alarm: an event that never reached the bus needs a person."""
    return {
        "OutboxRelayFailures": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": f"{prefix}-outbox-relay-failures",
                "MessageRetentionPeriod": 1209600,
                "SqsManagedSseEnabled": True,
            },
        },
        "OutboxRelayFailuresAlarm": {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "AlarmDescription": "Domain events the outbox relay could not put on the bus",
                "Namespace": "AWS/SQS",
                "MetricName": "ApproximateNumberOfMessagesVisible",
                "Dimensions": [
                    {"Name": "QueueName", "Value": {"Fn::GetAtt": ["OutboxRelayFailures", "QueueName"]}}
                ],
                "Statistic": "Maximum",
                "Period": 300,
                "EvaluationPeriods": 1,
                "Threshold": 0,
                "ComparisonOperator": "GreaterThanThreshold",
                "AlarmActions": [{"Ref": "AlarmTopic"}],
            },
        },
    }
