"""The local stack's doorbell: the background threads sleep until moto has new work for them.

The SQS pollers and the stream relay (``queues``, ``outbox``) stand in for Lambda's event source mappings, which
poll AWS for them when deployed. Polling moto every few hundred milliseconds kept an idle stack busy (about 40 % of a
core, measured with ``/proc/<pid>/stat`` over 20 s), which a demo laptop and a test suite running three stacks both
feel. So moto rings this bell whenever a message lands on a queue (sent by a client, delivered by an EventBridge rule
or a workflow inside moto, or moved to a dead-letter queue) and whenever a table's stream gets a record (a write
through any path), and the threads wait for it between polls. They still look at least once a ``rest`` (a message
whose visibility timeout ran out, a delayed one, a record the bus refused and that is tried again), as Lambda's
pollers would.

``install()`` wraps two moto methods (moto is pinned; ``indexed_dynamodb`` does the same for its Query): the rest of
moto is untouched, and the tests under ``mock_aws`` that drive the relay and the queues by hand never wait on it.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb.models.table import StreamShard
from moto.sqs.models import Queue


class Doorbell:
    """A counter of rings and a condition to wait on it: a waiter notes ``rings`` before it looks for work, then
    ``wait(noted, ...)`` returns at once if a ring came in while it was looking (none is lost)."""

    def __init__(self) -> None:
        self._rung = threading.Condition()
        self._rings = 0

    @property
    def rings(self) -> int:
        return self._rings

    def ring(self) -> None:
        with self._rung:
            self._rings += 1
            self._rung.notify_all()

    def wait(self, noted: int, rest: float) -> bool:
        """Wait until a ring after ``noted`` or for ``rest`` seconds; whether it rang."""
        with self._rung:
            return self._rung.wait_for(lambda: self._rings != noted, timeout=rest)


bell = Doorbell()
_installed: dict[str, Callable[..., Any]] = {}
_install_lock = threading.Lock()


def _ringing(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def rings_after(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        finally:
            bell.ring()

    return rings_after


def install() -> None:
    """Make moto ring ``bell`` on a new queue message and a new stream record (idempotent)."""
    with _install_lock:
        if _installed:
            return
        _installed["add_message"] = Queue.add_message
        _installed["add"] = StreamShard.add
        Queue.add_message = _ringing(Queue.add_message)  # type: ignore[method-assign]
        StreamShard.add = _ringing(StreamShard.add)  # type: ignore[method-assign]
