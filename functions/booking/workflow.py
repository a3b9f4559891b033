"""The order's workflow on Step Functions, as booking's use cases see it: start it, resume its current wait.

One standard execution per order, named by the order id (so a retried start cannot start a second one), with
every duration in its input (``settings``), so the local stack and the tests can run it fast.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from botocore.exceptions import ClientError
from common import aws
from common.log import logger
from common.settings import get_settings
from common.snapshot import on_restore

# A token whose wait already ended (resumed, timed out, or its execution stopped): resuming it is harmless.
_STALE_TOKEN_ERRORS = {"TaskTimedOut", "InvalidToken", "TaskDoesNotExist", "ExecutionDoesNotExist"}


@lru_cache(maxsize=1)
def _client() -> Any:
    return aws.client("stepfunctions")


on_restore(_client.cache_clear)  # SnapStart: no connection from the snapshot


def execution_input(order_id: str, *, payment_timeout_seconds: int | None = None) -> dict[str, Any]:
    """The execution input: the order id and every duration and limit the workflow uses (the wait for payment
    ``payment_timeout_seconds`` when the order has its own, as a plan's visit does)."""
    s = get_settings()
    return {
        "order_id": order_id,
        "settings": {
            "payment_timeout_seconds": payment_timeout_seconds or s.payment_timeout_seconds,
            "acceptance_timeout_seconds": s.acceptance_timeout_seconds,
            "start_grace_seconds": s.start_grace_seconds,
            "completion_grace_seconds": s.completion_grace_seconds,
            "wait_cap_seconds": s.workflow_wait_cap_seconds,
            "confirmation_timeout_seconds": s.auto_confirm_seconds,
            "dispute_window_seconds": s.dispute_window_seconds,
            "dispute_recheck_seconds": s.dispute_recheck_seconds,
            "max_dispatch_tries": s.max_dispatch_tries,
        },
    }


def start(order_id: str, *, payment_timeout_seconds: int | None = None) -> str | None:
    """Start the order's execution; its ARN, or None where no state machine is configured (the HTTP-only tests).
    Starting twice with the same input is harmless (the execution is named by the order id)."""
    arn = get_settings().state_machine_arn
    if not arn:
        logger.warning("no state machine configured; the order has no workflow", extra={"order_id": order_id})
        return None
    try:
        started = _client().start_execution(
            stateMachineArn=arn,
            name=order_id,
            input=json.dumps(execution_input(order_id, payment_timeout_seconds=payment_timeout_seconds)),
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ExecutionAlreadyExists":
            raise
        return f"{arn.replace(':stateMachine:', ':execution:')}:{order_id}"
    return started["executionArn"]


def resume(token: str | None, order_id: str) -> bool:
    """Wake the workflow's current wait: it re-reads the order and continues from what is true now. False when
    there was nothing to wake (no token yet, or a token whose wait already ended): late or duplicate is harmless."""
    if not token:
        return False
    return _send(order_id, lambda: _client().send_task_success(taskToken=token, output=json.dumps({})))


def fail(token: str | None, order_id: str, error: str) -> bool:
    """Fail the workflow's current wait with ``error`` (e.g. ``OrderCancelled``, caught and compensated).
    The cause is not sent: moto drops it, and the workflow reads everything it needs from the order."""
    if not token:
        return False
    return _send(order_id, lambda: _client().send_task_failure(taskToken=token, error=error))


def _send(order_id: str, call: Any) -> bool:
    try:
        call()
    except ClientError as exc:
        code = exc.response["Error"]["Code"]
        if code in _STALE_TOKEN_ERRORS:
            logger.info("workflow wait already over", extra={"order_id": order_id, "error": code})
            return False
        raise
    return True
