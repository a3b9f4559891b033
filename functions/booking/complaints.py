"""Complaints (投诉): filed by a customer on their order, resolved by an operator with a refund and, when the worker
was at fault, a penalty recorded for the credit work (published as ``ComplaintResolved`` with
``penalize_worker``). An open complaint holds the order's settlement."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from common import audit
from common.clock import iso
from common.errors import Conflict, InvalidTransition, NotFound, RuleViolation
from common.money import yuan
from common.pagination import Page, decode_cursor, encode_cursor
from common.settings import get_settings
from pynamodb.transactions import TransactWrite

from functions import payments
from functions.booking import complaints_store, rules, store
from functions.booking.models import Complaint, ComplaintRequest, ResolveRequest
from functions.booking.order_events import add_order_event
from functions.booking.views import owned_by_customer, to_complaint


def file(
    customer_id: str, order_id: str, req: ComplaintRequest, *, now: datetime, new_id: Callable[[], str]
) -> Complaint:
    """A customer complains about their order (once paid; at most a few open at a time)."""
    order = owned_by_customer(store.get(order_id, consistent=True), customer_id)
    if order.status == rules.PENDING_PAYMENT:
        raise InvalidTransition("an order can be complained about once it is paid")
    complaint = complaints_store.ComplaintItem(
        *complaints_store.complaint_key(complaint_id := new_id()),
        id=complaint_id,
        order_id=order.id,
        customer_id=customer_id,
        worker_id=order.worker_id or ((order.tried_workers or [None])[-1]),
        status="open",
        text=req.text,
        media=list(req.media),
        created_at=iso(now),
    )

    def announce(tx: TransactWrite) -> None:
        add_order_event(
            tx,
            "ComplaintFiled",
            order,
            actor="customer",
            note="complaint filed",
            now=now,
            cause=f"complaint#{complaint.id}",
            complaint_id=complaint.id,
        )

    if not complaints_store.file_complaint(complaint, also=announce):
        raise RuleViolation(
            f"at most {get_settings().max_open_complaints} open complaints per order",
            code="TOO_MANY_COMPLAINTS",
        )
    return to_complaint(complaint)


def list_complaints(status: str, *, limit: int, cursor: str | None) -> Page[Complaint]:
    start = decode_cursor(cursor, expect={"GSI1PK": complaints_store.complaints_partition(status)})
    page = complaints_store.complaints_by_status(status, limit, start)
    return Page[Complaint](
        items=[to_complaint(c) for c in page.items], next_cursor=encode_cursor(page.last_key)
    )


def resolve(
    operator_id: str,
    complaint_id: str,
    req: ResolveRequest,
    *,
    now: datetime,
    refund: Callable[..., object] = payments.refund,
) -> Complaint:
    """Resolve an open complaint: the refund (at most what is still refundable) goes through payments first,
    keyed by the complaint so a retry never refunds twice; then the complaint is closed and the refund counted
    on the order. A penalty on the worker is recorded on the complaint and announced for the credit work; the
    resolution is recorded in the audit trail with it."""
    complaint = complaints_store.get_complaint(complaint_id)
    if complaint is None:
        raise NotFound("no such complaint")
    if complaint.status != "open":
        raise Conflict("the complaint is already resolved", code="ALREADY_RESOLVED")
    order = store.get(complaint.order_id, consistent=True)
    if order is None:
        raise NotFound("no such order")
    refund_fen = req.refund_fen or 0
    if refund_fen > int(order.refundable_fen or 0):
        raise RuleViolation(
            f"at most {order.refundable_fen} fen can still be refunded", code="REFUND_TOO_LARGE"
        )
    changes = {
        "status": "resolved",
        "resolution": req.resolution,
        "refund_fen": refund_fen,
        "penalize_worker": req.penalize_worker,
        "resolved_at": iso(now),
        "resolved_by": operator_id,
    }
    note = f"complaint resolved: {req.resolution}" + (
        f"; refund {yuan(refund_fen)} yuan" if refund_fen else ""
    )
    event = store.entry(iso(now), order.status, "operator", note)
    if refund_fen:
        refund(order.id, refund_fen, f"投诉退款: {req.resolution}", key=f"complaint:{complaint_id}", now=now)

    def announce(tx: TransactWrite) -> None:
        add_order_event(
            tx,
            "ComplaintResolved",
            order,
            actor="operator",
            note=note,
            now=now,
            cause=f"complaint#{complaint_id}",
            complaint_id=complaint_id,
            refund_fen=refund_fen,
            penalize_worker=req.penalize_worker,
            resolution=req.resolution,
            worker_id=complaint.worker_id,
        )
        details = {"order_id": order.id, "refund_fen": refund_fen, "penalize_worker": req.penalize_worker}
        audit.add(tx, operator_id, "complaint.resolve", f"complaint:{complaint_id}", details, now)

    if not complaints_store.resolve_complaint(complaint, changes, refund_fen, event, also=announce):
        raise Conflict("the complaint or its order changed meanwhile; reload it", code="ALREADY_RESOLVED")
    return to_complaint(complaints_store.get_complaint(complaint_id) or complaint)
