"""Schemathesis hooks (SCHEMATHESIS_HOOKS=tests.fuzz.hooks): the checks our contract adds to schemathesis' own."""

from __future__ import annotations

import json
from typing import Any

import schemathesis

# The codes common.api answers when a request does not match the route's schema.
SCHEMA_REFUSALS = {"VALIDATION_FAILED", "MALFORMED_REQUEST"}


@schemathesis.check
def schema_valid_request_refused_as_invalid(ctx: Any, response: Any, case: Any) -> None:
    """A request the OpenAPI document calls valid is never refused as not matching the schema (a rule may still
    refuse it, with its own code)."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code not in (400, 422):
        return
    try:
        code = json.loads(response.content)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        raise AssertionError("an error answer not in the contract's format") from None
    if code in SCHEMA_REFUSALS:
        raise AssertionError(f"schema-valid request refused with {code}: {response.text[:300]}")


@schemathesis.check
def errors_in_the_contracts_format(ctx: Any, response: Any, case: Any) -> None:
    """Every 4xx/5xx from our routes is {"error": {"code", "message"}} (the WeChat Pay webhooks answer WeChat's)."""
    if response.status_code < 400 or case.path.startswith("/v1/payments/wechat/"):
        return
    try:
        error = json.loads(response.content)["error"]
    except (ValueError, KeyError, TypeError):
        raise AssertionError(f"not the contract's error format: {response.text[:200]}") from None
    if not (isinstance(error.get("code"), str) and isinstance(error.get("message"), str)):
        raise AssertionError(f"not the contract's error format: {response.text[:200]}")
