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

import json

from common.settings import Settings

# The bench repeats one request many times from one client: every rate limit stays counted (its counter write
# is part of what a row measures) but never refuses.
os.environ["RATE_LIMITS"] = json.dumps(
    {name: [10**9, window] for name, (_, window) in Settings.model_fields["rate_limits"].default.items()}
)

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


def lean_transactions() -> None:
    """Make moto's TransactWriteItems cost what it costs on DynamoDB: moto backs up the whole table (a deep copy,
    once per operation) before every transaction, so a transaction's time grows with the table, which DynamoDB's
    does not. This backs up only the items the transaction names and puts exactly those back when it is cancelled.
    Calls and items read are unchanged; only the bench's latency column stops measuring moto. Idempotent."""
    import copy as real_copy
    import types

    import moto.dynamodb.models as models
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    original = DynamoDBBackend.transact_write_items
    if getattr(original, "lean", False):
        return

    def keep_tables(value: object, memo: object = None) -> object:
        return value if isinstance(value, Table) else real_copy.deepcopy(value, memo)  # type: ignore[arg-type]

    def transact(self: DynamoDBBackend, transact_items: list[dict]) -> None:
        saved = []
        for entry in transact_items:
            _, op = next(iter(entry.items()))
            table = self.tables.get(op.get("TableName"))
            key = op.get("Key") or op.get("Item")
            if table is None or not key:
                continue
            hash_value = DynamoType(key[table.hash_key_attr])
            range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
            saved.append(
                (table, hash_value, range_value, real_copy.deepcopy(table.get_item(hash_value, range_value)))
            )
        models.copy = types.SimpleNamespace(deepcopy=keep_tables)  # type: ignore[assignment]
        try:
            return original(self, transact_items)
        except Exception:
            for table, hash_value, range_value, item in reversed(saved):
                if item is None:
                    table.items.get(hash_value, {}).pop(range_value, None)
                else:
                    table.items[hash_value][range_value] = item
            raise
        finally:
            models.copy = real_copy  # type: ignore[assignment]

    transact.lean = True  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact  # type: ignore[method-assign]
