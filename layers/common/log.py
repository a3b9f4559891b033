"""Structured logs (Powertools Logger). Keys: order_id, actor. Never personal data: the logger itself redacts it.

Whatever a caller passes (the message, ``extra`` keys, an exception's text and traceback), the formatter replaces
before anything is written:

- by key name (at any depth): phone numbers, ID card and certificate numbers, WeChat openids/unionids and session
  keys, tokens and Authorization headers, passwords, secrets and keys;
- by pattern, in any string: mainland mobile numbers (1xxxxxxxxxx), 18-character ID card numbers, JWTs and bearer
  tokens, PEM private keys, WeChat openids (28 characters starting with ``o``).

Every entry point (the API, state-machine tasks, queue consumers, jobs, the relay) logs with its Lambda context
and request id and starts each invocation without the previous one's keys: app.py registers ``lambda_logging``
as Chalice middleware for every event type, so no handler has to remember it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

REDACTED = "[redacted]"

# Key names whose values are personal or secret, whatever they hold (matched case-insensitively, anywhere in the key).
_SENSITIVE_KEY = re.compile(
    r"phone|mobile|id_?card|id_?number|identity_?(no|number)|(certificate|cert|license)_?(no|num|number)|^number$"
    r"|openid|unionid|session_?key"
    r"|token|authorization|password|passwd|secret|api_?key|private_?key|apiv3|signature|pay_?sign|credential",
    re.IGNORECASE,
)
# Keys that name a sensitive thing but hold none of it (counts, kinds, ids of our own).
_HARMLESS_KEY = re.compile(r"_(count|kind|type|fen)$|^token_ttl", re.IGNORECASE)

_PATTERNS = (
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.DOTALL),
    re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"),  # JWT
    re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+"),
    re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])"),  # ID card (居民身份证号)
    re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)"),  # mainland mobile
    re.compile(r"(?<![0-9A-Za-z_-])o[0-9A-Za-z_-]{27}(?![0-9A-Za-z_-])"),  # WeChat openid
)


def redact_text(text: str) -> str:
    """``text`` with every personal or secret value the patterns know replaced."""
    for pattern in _PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


def _sensitive(key: Any) -> bool:
    name = str(key)
    return bool(_SENSITIVE_KEY.search(name)) and not _HARMLESS_KEY.search(name)


def redact(value: Any, key: Any = None) -> Any:
    """A copy of a log record's value with personal data and secrets replaced (by key name and by pattern)."""
    if key is not None and _sensitive(key) and value not in (None, "", [], {}):
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: redact(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [redact(v) for v in value]
    return value


class RedactingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON formatter, redacting the whole record (message, extra keys, exception) before writing it."""

    def serialize(self, log: dict[str, Any]) -> str:
        # Serialized first: some fields (the structured stack trace) only become plain data there.
        return self.json_serializer(redact(json.loads(super().serialize(log))))


logger = Logger(service="jiazheng", logger_formatter=RedactingFormatter())

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
