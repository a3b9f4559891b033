"""Counts DynamoDB calls and the items they read, at moto's request handler (so every client is seen:
PynamoDB's, boto3's, Powertools'). Only benchmarks and cost tests use it; product code never knows."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from moto.dynamodb.responses import DynamoHandler

READS = {"GetItem", "Query", "BatchGetItem", "TransactGetItems", "Scan"}


@dataclass
class Tally:
    calls: int = 0
    items_read: int = 0
    by_action: dict[str, int] = field(default_factory=dict)

    def add(self, action: str, items: int) -> None:
        self.calls += 1
        self.items_read += items
        self.by_action[action] = self.by_action.get(action, 0) + 1


def _items_in(action: str, body: Any) -> int:
    if action not in READS or not body:
        return 0
    try:
        data = json.loads(body)
    except (TypeError, ValueError):
        return 0
    if "Item" in data:
        return 1
    if "Items" in data:
        return len(data["Items"])
    responses = data.get("Responses")
    if isinstance(responses, dict):  # BatchGetItem
        return sum(len(v) for v in responses.values())
    if isinstance(responses, list):  # TransactGetItems
        return sum(1 for r in responses if r.get("Item"))
    return 0


_lock = threading.Lock()
_active: list[Tally] = []
_original = DynamoHandler.call_action


def _counting_call_action(self: DynamoHandler) -> Any:
    status, headers, body = _original(self)
    action = self._get_action()
    with _lock:
        for tally in _active:
            tally.add(action, _items_in(action, body))
    return status, headers, body


@contextmanager
def metered() -> Iterator[Tally]:
    """Count the DynamoDB calls made inside the block (moto in-process or the local stack's moto server)."""
    tally = Tally()
    with _lock:
        if DynamoHandler.call_action is not _counting_call_action:
            DynamoHandler.call_action = _counting_call_action  # type: ignore[method-assign]
        _active.append(tally)
    try:
        yield tally
    finally:
        with _lock:
            _active.remove(tally)
