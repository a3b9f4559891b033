"""Lambda handlers the order state machine calls (INTERFACES.md): event → one service call.

A raised error fails the task with its class name as the error (``WeChatPayError`` is worth a Retry with the
same input: the refund keeps its out_refund_no)."""

from __future__ import annotations

from typing import Any

from common.clock import clock
from common.lazy import Functions

from functions.payments import refunds

bp = Functions(__name__)


@bp.lambda_function(name="payments-refund")
def refund_task(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """``{"order_id", "refund_fen", "reason"}`` → the refund asked of WeChat Pay (or ``{"refund": null}`` when
    there is nothing to refund). The reason is also the refund's key: one refund per order and reason."""
    result = refunds.refund(
        str(event["order_id"]), event["refund_fen"], str(event.get("reason") or "refund"), now=clock.now()
    )
    return {"order_id": event["order_id"], "refund": None if result is None else result.model_dump()}
