"""The operators' exception queue (异常单): orders that need a person now, oldest first, each once per kind.

An exception is raised once per order and kind (a conditional put keyed by both, with its
``OrderExceptionRaised`` event in the same transaction, which tells the operators through notifications) by
the order-watches job (late start, no check-in, overtime, unconfirmed) or by anyone else through
``raise_exception`` (the price differences' unpaid extra). An operator resolves it with a note: the resolution
and its audit item are one transaction; a second resolution is 409 ``ALREADY_RESOLVED``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from common import audit, events
from common.clock import iso
from common.errors import Conflict, NotFound
from common.ids import derived_id
from common.log import logger
from common.pagination import Page, decode_cursor, encode_cursor
from pynamodb.transactions import TransactWrite

from functions.booking import moves, watch_rules, watch_store
from functions.booking.models import OrderException
from functions.booking.order_events import order_detail
from functions.booking.store import OrderItem
from functions.booking.watch_store import ExceptionItem


def exception_of(item: OrderItem, kind: str, *, since: datetime, reason: str, now: datetime) -> ExceptionItem:
    """The exception item of ``kind`` for the order as read."""
    if kind not in watch_rules.EXCEPTION_KINDS:
        raise ValueError(f"unknown exception kind {kind!r}")
    return watch_store.new_exception(
        id=watch_store.exception_id(item.id, kind),
        order_id=item.id,
        kind=kind,
        reason=reason or watch_rules.REASONS[kind],
        since=iso(since),
        raised_at=iso(now),
        service_name=item.service["name"],
        start=item.start,
        customer_id=item.customer_id,
        worker_id=item.worker_id,
    )


def add_exception(
    tx: TransactWrite, item: OrderItem, kind: str, *, since: datetime, reason: str, now: datetime
) -> None:
    """Raise the exception inside the caller's transaction, with its event; the transaction fails (condition on
    the exception) if this order already had one of this kind."""
    exception = exception_of(item, kind, since=since, reason=reason, now=now)
    watch_store.add_exception(tx, exception)
    announce(tx, item, exception, now=now)


def raise_exception(order_id: str, kind: str, since: datetime, reason: str, now: datetime) -> bool:
    """Put the order in the operators' queue for ``kind`` (since ``since``, with ``reason``; empty: the kind's
    standard reason); the operators are told. Once per order and kind: False if it was raised before."""
    return raise_for(moves.load(order_id), kind, since=since, reason=reason, now=now)


def raise_for(item: OrderItem, kind: str, *, since: datetime, reason: str, now: datetime) -> bool:
    """``raise_exception`` for an order already read."""
    exception = exception_of(item, kind, since=since, reason=reason, now=now)
    raised = watch_store.save_exception(exception, also=lambda tx: announce(tx, item, exception, now=now))
    if raised:
        logger.info("order exception raised", extra={"order_id": item.id, "kind": kind})
    return raised


def announce(tx: TransactWrite, item: OrderItem, exception: ExceptionItem, *, now: datetime) -> None:
    detail = order_detail(
        item,
        actor="system",
        note=exception.reason,
        now=now,
        exception_id=exception.id,
        kind=exception.kind,
        reason=exception.reason,
        since=exception.since,
    )
    event_id = derived_id(datetime.fromisoformat(item.created_at), f"order-exception#{exception.id}")
    events.add(tx, "OrderExceptionRaised", detail, event_id=event_id, now=now)


def to_exception(item: ExceptionItem) -> OrderException:
    return OrderException(
        id=item.id,
        order_id=item.order_id,
        kind=item.kind,  # type: ignore[arg-type]
        reason=item.reason,
        since=item.since,
        raised_at=item.raised_at,
        status=item.status,  # type: ignore[arg-type]
        service_name=item.service_name,
        start=item.start,
        customer_id=item.customer_id,
        worker_id=item.worker_id,
        note=item.note,
        resolved_at=item.resolved_at,
        resolved_by=item.resolved_by,
    )


def list_open(kind: str | None, *, limit: int, cursor: str | None) -> Page[OrderException]:
    """The open exceptions (of one kind), oldest first."""
    attr = "GSI2PK" if kind else "GSI1PK"
    start = decode_cursor(cursor, expect={attr: watch_store.queue_partition(kind)})
    page = watch_store.open_exceptions(kind, limit, start)
    return Page[OrderException](
        items=[to_exception(i) for i in page.items], next_cursor=encode_cursor(page.last_key)
    )


def resolve(operator_id: str, exception_id: str, note: str, *, now: datetime) -> OrderException:
    """Resolve an open exception with the operator's note, recorded in the audit trail in the same transaction."""
    item = watch_store.get_exception(exception_id)
    if item is None:
        raise NotFound("no such exception")
    if item.status != watch_store.OPEN:
        raise Conflict("the exception is already resolved", code="ALREADY_RESOLVED")
    details: dict[str, Any] = {"order_id": item.order_id, "kind": item.kind, "note": note}

    def record(tx: TransactWrite) -> None:
        audit.add(tx, operator_id, "exception.resolve", f"exception:{exception_id}", details, now)

    if not watch_store.resolve_exception(item, note=note, by=operator_id, at=iso(now), also=record):
        raise Conflict("the exception is already resolved", code="ALREADY_RESOLVED")
    return to_exception(watch_store.get_exception(exception_id) or item)
