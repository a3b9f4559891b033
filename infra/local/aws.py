"""The embedded AWS stand-in: moto's server on a free loopback port, and the resources the app expects in it.

Resources come from the same declarations the deployable template uses: the table from ``common.table``, the event
routing (bus → rule → queue) from ``infra.topology``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

import boto3
import requests
from moto.server import ThreadedMotoServer

from infra.local.lambdas import WORKFLOW_CONFIG

# Failed deliveries come back after this long, and go to the queue's DLQ after this many receives (as deployed).
VISIBILITY_TIMEOUT_S = 10
MAX_RECEIVES = 5


@dataclass
class Moto:
    server: ThreadedMotoServer
    url: str
    port: int

    def stop(self) -> None:
        self.server.stop()


def start_moto() -> Moto:
    """moto's server in this process on 127.0.0.1 and a port the OS picks (never 5000: two stacks may run)."""
    from infra.local import doorbell
    from infra.local.indexed_dynamodb import install as index_dynamodb

    index_dynamodb()  # Query and transactions that cost what they cost on DynamoDB (docs/local-stack.md)
    doorbell.install()  # the pollers and the relay sleep until moto has work for them
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server would log every AWS call
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    # Run state machines, and Lambda without Docker (the dispatcher answers instead).
    reply = requests.post(f"{url}/moto-api/config", json=WORKFLOW_CONFIG, timeout=10)
    reply.raise_for_status()
    return Moto(server, url, port)


@dataclass
class Resources:
    """What was created, by logical name."""

    table: str
    event_bus: str
    bucket: str
    bucket_url: str
    queue_urls: dict[str, str] = field(default_factory=dict)  # physical queue name → URL


def create_resources(settings: Any, moto_url: str) -> Resources:
    """The table, the event bus with one rule → SQS queue per ``EVENT_QUEUES`` entry, and the media bucket."""
    from common.table import create_table

    create_table(boto3.client("dynamodb"), settings.table_name)
    bus_arn = boto3.client("events").create_event_bus(Name=settings.event_bus_name)["EventBusArn"]
    resources = Resources(
        table=settings.table_name,
        event_bus=settings.event_bus_name,
        bucket=settings.media_bucket,
        bucket_url=f"{moto_url}/{settings.media_bucket}",
        queue_urls=create_event_routes(settings, bus_arn),
    )
    create_media_bucket(settings.media_bucket)
    return resources


def create_event_routes(settings: Any, bus_arn: str) -> dict[str, str]:
    """One rule → SQS queue (with its DLQ) per ``EVENT_QUEUES`` entry on the bus; physical name → queue URL."""
    from infra.topology import EVENT_QUEUES, queue_name

    events = boto3.client("events")
    urls = {}
    for declared in EVENT_QUEUES:
        name = queue_name(declared.name, settings.stage)
        url, arn = create_queue(name)
        urls[name] = url
        events.put_rule(
            Name=name,
            EventBusName=settings.event_bus_name,
            EventPattern=json.dumps(declared.event_pattern()),
            State="ENABLED",
        )
        events.put_targets(
            Rule=name, EventBusName=settings.event_bus_name, Targets=[{"Id": name, "Arn": arn}]
        )
        _allow_bus(url, arn, bus_arn)
    return urls


def create_queue(name: str) -> tuple[str, str]:
    """A queue with a dead-letter queue, as deployed; returns (URL, ARN)."""
    sqs = boto3.client("sqs")
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(MAX_RECEIVES)}
    url = sqs.create_queue(
        QueueName=name,
        Attributes={"VisibilityTimeout": str(VISIBILITY_TIMEOUT_S), "RedrivePolicy": json.dumps(redrive)},
    )["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def _allow_bus(queue_url: str, queue_arn: str, bus_arn: str) -> None:
    # moto delivers without it; the policy is here so the local queues read like the deployed ones.
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": bus_arn}},
            }
        ],
    }
    boto3.client("sqs").set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps(policy)})


def create_media_bucket(bucket: str) -> None:
    """The media bucket, its objects publicly readable and uploadable from a browser with a presigned URL."""
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=bucket)
    public_read = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicRead",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ],
    }
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public_read))
    s3.put_bucket_cors(
        Bucket=bucket,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedMethods": ["GET", "PUT", "POST", "HEAD"],
                    "AllowedOrigins": ["*"],
                    "AllowedHeaders": ["*"],
                    "MaxAgeSeconds": 3000,
                }
            ]
        },
    )
