"""The writes of a worker's visit on the order item (``store.OrderItem``: ``progress``, ``departed_at``,
``arrived_at``, ``arrival``, ``before_photos``, ``after_photos``). They are not moves: the status and the version
stay, so the workflow's armed wait is undisturbed; each is one conditional update (the order still the worker's,
in the status the step needs) with its timeline entry and, where someone is told, its event, in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.expressions.condition import Condition, size
from pynamodb.transactions import TransactWrite

from functions.booking.store import OrderItem, TimelineEntry, apply


def still(item: OrderItem, worker_id: str, statuses: frozenset[str]) -> Condition:
    """The order is still assigned to ``worker_id`` in one of ``statuses``."""
    return OrderItem.status.is_in(*sorted(statuses)) & (OrderItem.worker_id == worker_id)


def not_departed() -> Condition:
    return OrderItem.progress.does_not_exist()


def not_arrived(arrived: str) -> Condition:
    return OrderItem.progress.does_not_exist() | (OrderItem.progress != arrived)


def room_for(stage: str, adding: int, max_per_stage: int) -> Condition:
    """The stage's photos still have room for ``adding`` more."""
    attr = OrderItem.before_photos if stage == "before" else OrderItem.after_photos
    return attr.does_not_exist() | (size(attr) <= max_per_stage - adding)


def add_photos_action(stage: str, urls: list[str]) -> Any:
    attr = OrderItem.before_photos if stage == "before" else OrderItem.after_photos
    return attr.set((attr | []).append(urls))


def record(
    item: OrderItem,
    entry: TimelineEntry,
    condition: Condition,
    *,
    values: dict[str, Any] | None = None,
    actions: list[Any] | None = None,
    also: Callable[[TransactWrite], None] | None = None,
) -> OrderItem:
    """Set ``values`` (and ``actions``) with the timeline ``entry`` under ``condition``, with what ``also`` adds
    (the event) in the same transaction (``store.apply``); ``InvalidTransition`` when the condition failed (the
    order moved, or the step was taken meanwhile). The order as it is now."""
    updates = [OrderItem.timeline.set(OrderItem.timeline.append([entry]))]
    updates += [getattr(OrderItem, k).set(v) for k, v in (values or {}).items()]
    return apply(item, updates + (actions or []), condition, also=also)
