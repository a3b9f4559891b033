"""The bench's AWS stand-in: moto in-process, set up like the tests (never a real AWS endpoint)."""

from __future__ import annotations

import os

os.environ.update(
    AWS_DEFAULT_REGION="us-east-1",
    AWS_ACCESS_KEY_ID="bench",
    AWS_SECRET_ACCESS_KEY="bench",
    TABLE_NAME="jiazheng-bench",
    JWT_SECRET="bench-secret-0123456789abcdef0123456789",
    POWERTOOLS_LOG_LEVEL="ERROR",
)
os.environ.pop("AWS_ENDPOINT_URL", None)

from collections.abc import Iterator
from contextlib import contextmanager

import boto3
from common.settings import get_settings
from common.table import create_table
from moto import mock_aws

from infra.local.indexed_dynamodb import install as index_dynamodb

index_dynamodb()  # moto's DynamoDB indexed by key, as in the tests and the local stack

MOTO_CONFIG = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}


@contextmanager
def fresh_aws() -> Iterator[None]:
    """An empty account with the table, the event bus and the media bucket."""
    with mock_aws(config=MOTO_CONFIG):  # type: ignore[arg-type]
        settings = get_settings()
        create_table(boto3.client("dynamodb"), settings.table_name)
        boto3.client("events").create_event_bus(Name=settings.event_bus_name)
        boto3.client("s3").create_bucket(Bucket=settings.media_bucket)
        yield
