"""What a security scanner (checkov) asks of the template, and why the rest is skipped.

``harden(template, design)`` runs last in ``assemble``: it adds the API stage's throttle (settings
``api_throttle_rate``/``api_throttle_burst``), access logs and X-Ray, a KMS key for the alarm topic (CloudWatch
cannot publish to a topic under the AWS-managed key), bucket versioning, a dead-letter queue and a concurrency of
one for the scheduled jobs, a concurrency bound on each queue consumer's event source; each check that does not
fit a resource is skipped in its ``Metadata`` with the reason (``checkov: skip: [{id, comment}]``).
"""

from __future__ import annotations

from typing import Any

from common.settings import get_settings

from infra.package.iam import Json, allow, get_att

CONSUMER_MAX_CONCURRENCY = 5  # per SQS event source: bounds the write rate a backlog can cause
JOBS_DLQ = "ScheduledJobsDeadLetter"
ACCESS_LOG_FORMAT = (
    '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","method":"$context.httpMethod",'
    '"path":"$context.resourcePath","status":"$context.status","latencyMs":"$context.responseLatency",'
    '"error":"$context.error.messageString"}'
)

REASONS = {
    "vpc": "Reaches only AWS APIs (DynamoDB, SQS, EventBridge, S3, SSM) and WeChat's public HTTPS APIs; a VPC "
    "would add NAT cost and cold-start time with no private resource to protect.",
    "env": "The environment holds resource names only; secrets are read from SSM SecureString parameters at "
    "start (common.secrets).",
    "api_dlq": "Invoked synchronously by API Gateway: the caller receives the error, nothing is queued.",
    "api_concurrency": "Bounded by the API stage's throttle (settings api_throttle_rate/api_throttle_burst).",
    "task_dlq": "Invoked synchronously by the order workflow, whose Retry/Catch handle failures; failed "
    "executions are routed to the order-lifecycle-failures queue.",
    "task_concurrency": "Bounded by the number of live order workflows; reserving concurrency would throttle "
    "workflow steps.",
    "consumer_dlq": "Fed by an SQS event source: failed messages go to the queue's own redrive DLQ.",
    "consumer_concurrency": "Bounded by the event source's ScalingConfig.MaximumConcurrency; reserved "
    "concurrency would throttle polling and push messages to the DLQ.",
    "log_kms": "Logs carry no personal data (common.log redacts it); CloudWatch Logs encrypts at rest with "
    "service-managed keys.",
    "table_cmk": "Encrypted at rest (SSE) with the AWS-owned key; a customer-managed key adds KMS cost and "
    "throttling per request without a compliance requirement for it yet.",
    "sqs_sse": "Encrypted with SSE-SQS (SqsManagedSseEnabled), which checkov does not recognise; EventBridge "
    "cannot deliver to a queue under the AWS-managed KMS key.",
    "api_cache": "Responses are per user and authenticated; a stage cache would risk serving one user's data "
    "to another.",
    "s3_access_logs": "Objects are reached only through short-lived presigned URLs; CloudTrail data events "
    "audit object access without a second bucket.",
    # --- console (issue 16) ---
    "console_bucket_logs": "Holds only the console's static build (no personal data), readable by its "
    "distribution alone (OAC); object access is auditable through CloudTrail data events.",
    "console_waf": "Every request that matters reaches the API, which has its stage throttle and per-client and "
    "per-account login limits; a WAF web ACL (billed per ACL and rule) is a decision for the prod stage.",
    "console_cdn_logs": "API calls are logged by the API stage's access log; the console's static files carry no "
    "data, so a CloudFront log bucket would duplicate the log that matters.",
    "console_tls": "Uses the default *.cloudfront.net certificate, whose minimum protocol CloudFront fixes; "
    "TLSv1.2_2021 needs a custom domain with an ACM certificate (docs/console.md).",
}


def skip(resource: Json, *checks: tuple[str, str]) -> None:
    """Record checks that do not fit ``resource``, each with its reason (a key of ``REASONS``)."""
    entries = resource.setdefault("Metadata", {}).setdefault("checkov", {}).setdefault("skip", [])
    for check_id, reason in checks:
        entries.append({"id": check_id, "comment": REASONS[reason]})


def _function_kind(props: Json, logical: str) -> str:
    events = [e["Type"] for e in props.get("Events", {}).values()]
    if logical == "APIHandler":
        return "api"
    if "SQS" in events:
        return "consumer"
    if "Schedule" in events:
        return "job"
    return "task"


def _alarm_key() -> dict[str, Json]:
    return {
        "AlarmTopicKey": {
            "Type": "AWS::KMS::Key",
            "Properties": {
                "Description": "encrypts the alarm topic; CloudWatch alarms may use it to publish",
                "EnableKeyRotation": True,
                "KeyPolicy": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "account",
                            "Effect": "Allow",
                            "Principal": {
                                "AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
                            },
                            "Action": "kms:*",
                            "Resource": "*",
                        },
                        {
                            "Sid": "alarms",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudwatch.amazonaws.com"},
                            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                            "Resource": "*",
                        },
                    ],
                },
            },
        }
    }


def harden(template: Json, prefix: str) -> None:
    res: dict[str, Any] = template["Resources"]
    settings = get_settings()

    # The API stage: throttle, access logs, X-Ray.
    api = res.get("RestAPI")
    if api is not None:
        res["ApiAccessLogGroup"] = {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {"LogGroupName": f"/aws/apigateway/{prefix}-access", "RetentionInDays": 30},
        }
        skip(res["ApiAccessLogGroup"], ("CKV_AWS_158", "log_kms"))
        api["Properties"].update(
            TracingEnabled=True,
            AccessLogSetting={"DestinationArn": get_att("ApiAccessLogGroup"), "Format": ACCESS_LOG_FORMAT},
            MethodSettings=[
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "ThrottlingRateLimit": settings.api_throttle_rate,
                    "ThrottlingBurstLimit": settings.api_throttle_burst,
                    "MetricsEnabled": True,
                }
            ],
        )
        skip(api, ("CKV_AWS_120", "api_cache"))

    # The alarm topic under a key CloudWatch may use.
    if "AlarmTopic" in res:
        res.update(_alarm_key())
        res["AlarmTopic"]["Properties"]["KmsMasterKeyId"] = {"Ref": "AlarmTopicKey"}

    # The media bucket keeps earlier versions for a while (an overwrite or delete can be undone).
    bucket = res.get("MediaBucket")
    if bucket is not None:
        bucket["Properties"]["VersioningConfiguration"] = {"Status": "Enabled"}
        bucket["Properties"]["LifecycleConfiguration"] = {
            "Rules": [
                {
                    "Id": "expire-old-versions",
                    "Status": "Enabled",
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                }
            ]
        }
        skip(bucket, ("CKV_AWS_18", "s3_access_logs"))

    if "Table" in res:
        skip(res["Table"], ("CKV_AWS_119", "table_cmk"))

    jobs = []
    for logical, resource in list(res.items()):
        kind_of = resource["Type"]
        if kind_of == "AWS::SQS::Queue":
            skip(resource, ("CKV_AWS_27", "sqs_sse"))
        elif kind_of == "AWS::Logs::LogGroup" and logical != "ApiAccessLogGroup":
            skip(resource, ("CKV_AWS_158", "log_kms"))
        elif kind_of == "AWS::Serverless::Function":
            props = resource["Properties"]
            kind = _function_kind(props, logical)
            skip(resource, ("CKV_AWS_117", "vpc"), ("CKV_AWS_173", "env"))
            if kind == "api":
                skip(resource, ("CKV_AWS_116", "api_dlq"), ("CKV_AWS_115", "api_concurrency"))
            elif kind == "task":
                skip(resource, ("CKV_AWS_116", "task_dlq"), ("CKV_AWS_115", "task_concurrency"))
            elif kind == "consumer":
                skip(resource, ("CKV_AWS_116", "consumer_dlq"), ("CKV_AWS_115", "consumer_concurrency"))
                for event in props["Events"].values():
                    if event["Type"] == "SQS":
                        event["Properties"]["ScalingConfig"] = {
                            "MaximumConcurrency": CONSUMER_MAX_CONCURRENCY
                        }
            else:  # a scheduled job: invoked asynchronously; one run at a time; failures parked
                props["ReservedConcurrentExecutions"] = 1
                props["DeadLetterQueue"] = {"Type": "SQS", "TargetArn": get_att(JOBS_DLQ)}
                jobs.append(logical)

    if jobs:
        res[JOBS_DLQ] = {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": f"{prefix}-scheduled-jobs-dlq",
                "MessageRetentionPeriod": 14 * 24 * 3600,
                "SqsManagedSseEnabled": True,
            },
        }
        skip(res[JOBS_DLQ], ("CKV_AWS_27", "sqs_sse"))
        for logical in jobs:
            role = res.get(f"{logical}Role")
            if role is not None:
                role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"].append(
                    allow(["sqs:SendMessage"], [get_att(JOBS_DLQ)])
                )
