"""The outbox relay of the local stack: what the Lambda on the table's stream does when deployed.

moto keeps the table's stream but never triggers a function from it, so a thread reads the stream's shards and
hands the records to ``common.relay.relay_records``, the same function the deployed relay runs. When the bus
refuses an event, the shard is read again from that record next time: nothing written is lost, and a record
relayed twice is told apart by its event id in every consumer. The integration tests drive the same reader
(``StreamRelay.poll``) by hand.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import boto3
from common.log import logger
from common.relay import relay_records
from common.settings import get_settings

from infra.local.doorbell import bell

# How long the relay rests after an empty pass unless moto rings first (``doorbell``: a new stream record): the
# longest a record the bus refused waits to be tried again.
IDLE_WAIT_S = 1.0


def streams_client() -> Any:
    """The DynamoDB Streams client. Under ``mock_aws`` botocore resolves a streams host moto does not match, so
    name moto's (DESIGN.md known facts); against the moto server ``AWS_ENDPOINT_URL`` covers it."""
    if os.environ.get("AWS_ENDPOINT_URL"):
        return boto3.client("dynamodbstreams")
    region = boto3.session.Session().region_name or "us-east-1"
    return boto3.client("dynamodbstreams", endpoint_url=f"https://streams.dynamodb.{region}.amazonaws.com")


class StreamRelay:
    """Reads the table's stream from where it left off and relays the outbox items on it.

    It remembers a position (a sequence number) per shard, not moto's iterator: moto replaces a table with a deep
    copy when a transaction is cancelled, and an iterator taken before then would read the old copy's stream
    forever. A fresh iterator from the remembered position each pass reads the live one.
    """

    def __init__(self, table_name: str | None = None) -> None:
        self.table_name = table_name or get_settings().table_name
        self._streams = streams_client()
        self._stream_arn = boto3.client("dynamodb").describe_table(TableName=self.table_name)["Table"][
            "LatestStreamArn"
        ]
        # shard → (iterator type, sequence number): where the next pass starts
        self._positions: dict[str, tuple[str, str]] = {}
        self._lock = threading.Lock()  # the relay thread and a drain (``LocalStack.settle``) take turns

    def _iterator(self, shard_id: str) -> str:
        kind, sequence = self._positions.get(shard_id, ("TRIM_HORIZON", ""))
        args: dict[str, str] = {"StreamArn": self._stream_arn, "ShardId": shard_id, "ShardIteratorType": kind}
        if sequence:
            args["SequenceNumber"] = sequence
        return self._streams.get_shard_iterator(**args)["ShardIterator"]

    def poll(self) -> int:
        """One pass over every shard; how many stream records it moved past (0 while the bus refuses the next)."""
        with self._lock:
            return self._poll()

    def _poll(self) -> int:
        shards = self._streams.describe_stream(StreamArn=self._stream_arn)["StreamDescription"]["Shards"]
        read = 0
        for shard in shards:
            shard_id = shard["ShardId"]
            records = self._streams.get_records(ShardIterator=self._iterator(shard_id), Limit=1000).get(
                "Records", []
            )
            if not records:
                continue
            failed = relay_records(records)["batchItemFailures"]
            if failed:  # read again from the first record the bus did not take
                first = failed[0]["itemIdentifier"]
                self._positions[shard_id] = ("AT_SEQUENCE_NUMBER", first)
                read += sum(int(r["dynamodb"]["SequenceNumber"]) < int(first) for r in records)
            else:
                read += len(records)
                last = max(records, key=lambda r: int(r["dynamodb"]["SequenceNumber"]))
                self._positions[shard_id] = ("AFTER_SEQUENCE_NUMBER", last["dynamodb"]["SequenceNumber"])
        return read


class RelayThread:
    """A daemon thread polling the stream until ``stop()``."""

    def __init__(self, relay: StreamRelay) -> None:
        self.relay = relay
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-relay", daemon=True)

    def start(self) -> RelayThread:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            noted = bell.rings
            try:
                read = self.relay.poll()
            except Exception:  # moto going away at shutdown, or a bug here: keep the thread alive
                if self._stop.is_set():
                    return
                logger.exception("stream relay failed")
                read = 0
            if not read:
                bell.wait(noted, IDLE_WAIT_S)

    def stop(self) -> None:
        self._stop.set()
        bell.ring()
        self._thread.join(timeout=5)
