"""Structured logs (Powertools Logger). Keys: order_id, actor. Never personal data (phone, ID numbers).

Every entry point (the API, state-machine tasks, queue consumers, jobs, the relay) logs with its Lambda context
and request id and starts each invocation without the previous one's keys: app.py registers ``lambda_logging``
as Chalice middleware for every event type, so no handler has to remember it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger

logger = Logger(service="jiazheng")

_cold = True


def context_keys(context: Any) -> dict[str, Any]:
    """What Powertools' ``inject_lambda_context`` logs of a Lambda context (absent attributes left out)."""
    global _cold
    keys = {
        "function_name": getattr(context, "function_name", None),
        "function_memory_size": getattr(context, "memory_limit_in_mb", None),
        "function_arn": getattr(context, "invoked_function_arn", None) or None,
        "function_request_id": getattr(context, "aws_request_id", None),
        "cold_start": _cold,
    }
    _cold = False
    return {k: v for k, v in keys.items() if v is not None}


def lambda_logging(event: Any, get_response: Callable[[Any], Any]) -> Any:
    """Chalice middleware for every entry point: the invocation's context keys, and nothing left from the last."""
    context = getattr(event, "lambda_context", None) or getattr(event, "context", None)
    logger.clear_state()
    keys = context_keys(context)
    if hasattr(event, "method") and hasattr(event, "path"):  # an API request
        keys["route"] = f"{event.method} {event.path}"
    logger.append_keys(**keys)
    try:
        return get_response(event)
    finally:
        logger.clear_state()
