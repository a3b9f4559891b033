"""AWS clients and their transient failures, one way for every capability (issue 15).

Every client retries what AWS itself calls transient — throttling (``ProvisionedThroughputExceededException``,
``ThrottlingException``), 5xx answers, dropped connections — in botocore's *standard* retry mode:
``settings.aws_max_attempts`` attempts in all, jittered exponential backoff, and a retry quota that stops retrying
when most calls fail (so an outage is not made worse). PynamoDB's connections take the same figures
(``common.db``); boto3 clients are made with ``client(service)``.

What is still failing after those retries is ``transient(exc)``: the route answers 503 ``SERVICE_UNAVAILABLE``
with ``Retry-After`` (``common.api``), a task or consumer raises and is retried by Step Functions or SQS. Such a
failure never leaves a partial write behind: each use case's writes are one conditional write or one
transaction, which either happened or did not.
"""

from __future__ import annotations

from typing import Any

from common.settings import get_settings

# Error codes AWS documents as retryable: capacity, throttling, internal errors, conflicts between transactions.
TRANSIENT_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "LimitExceededException",  # Step Functions, Lambda: a rate, not a quota of ours
        "InternalServerError",
        "InternalFailure",
        "InternalError",
        "InternalException",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "TransactionInProgressException",
        "TransactionConflict",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)


def retries() -> dict[str, Any]:
    """botocore's retry configuration for every client: standard mode, ``settings.aws_max_attempts``."""
    return {"mode": "standard", "max_attempts": get_settings().aws_max_attempts}


def client_config() -> Any:
    """A botocore ``Config`` with ``retries()`` and the settings' connect and read timeouts."""
    from botocore.config import Config

    s = get_settings()
    return Config(
        retries=retries(),  # type: ignore[arg-type]
        connect_timeout=s.aws_connect_timeout_seconds,
        read_timeout=s.aws_read_timeout_seconds,
    )


def client(service: str, **kwargs: Any) -> Any:
    """A boto3 client for ``service`` with ``client_config()``."""
    import boto3

    return boto3.client(service, config=client_config(), **kwargs)  # type: ignore[call-overload]


def transient(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) is an AWS failure worth sending the same request again for: a
    retryable error code or a 5xx from any service, a transaction cancelled only by conflicts or throttling,
    or a connection that failed. Not a refused condition, a validation error or a bug."""
    from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

    from common.db import TRANSIENT_REASONS, only_conflicts

    seen = 0
    while exc is not None and seen < 5:
        seen += 1
        if isinstance(exc, ConnectionError | HTTPClientError):
            return True
        if isinstance(exc, ClientError):
            error = exc.response.get("Error", {})
            status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
            if error.get("Code") == "TransactionCanceledException":
                reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", []) or []]
                failed = [r for r in reasons if r not in (None, "None")]
                return bool(failed) and all(r in TRANSIENT_REASONS for r in failed)
            return error.get("Code") in TRANSIENT_CODES or status >= 500
        code = getattr(exc, "cause_response_code", None)  # PynamoDB's wrapper of a ClientError
        if code == "TransactionCanceledException":
            return only_conflicts(exc)
        if code in TRANSIENT_CODES:
            return True
        exc = exc.__cause__ or exc.__context__
    return False
