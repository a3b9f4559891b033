"""Seeding the bench's tables fast (``bench.run`` seeds every scenario inside ``seeding()``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def seeding() -> Iterator[None]:
    """While a scenario seeds its table, BatchWriteItem goes straight into moto's backend: the same item checks
    and the same index, without botocore's serializing and moto's parsing of each 25-item request, which were
    most of the seeding time. Requests the bench measures run after it, through boto3 as before.

    The bench's tables also keep no stream records: nothing in the bench reads the stream (the relay is not what
    is measured), and moto keeps every record in memory, hundreds of MB at 100,000 items."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends
    from pynamodb.connection.base import Connection

    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][os.environ.get("AWS_DEFAULT_REGION", "us-east-1")]
    for name in backend.tables:
        backend.get_table(name).stream_shard = None
    original = Connection.dispatch

    def dispatch(self: Connection, operation_name: str, operation_kwargs: dict) -> dict:
        if operation_name != "BatchWriteItem":
            return original(self, operation_name, operation_kwargs)
        for table_name, requests in operation_kwargs["RequestItems"].items():
            for request in requests:
                if "PutRequest" in request:
                    backend.put_item(table_name, request["PutRequest"]["Item"])
                else:
                    backend.delete_item(table_name, request["DeleteRequest"]["Key"])
        return {"UnprocessedItems": {}}

    Connection.dispatch = dispatch  # type: ignore[method-assign]
    try:
        yield
    finally:
        Connection.dispatch = original  # type: ignore[method-assign]
