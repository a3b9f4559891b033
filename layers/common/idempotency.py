"""The ``Idempotency-Key`` header (API.md conventions): a retry with the same key and body returns the first
response and changes nothing; the same key with another body is refused.

Powertools idempotency with its DynamoDB persistence layer on the one table. Our table has a composite key, so the
layer is configured with ``key_attr="PK"``, ``sort_key_attr="SK"`` and a static partition value; its records are
``IDEMPOTENCY#{scope}#{shard} / {scope}#{hash of caller and key}`` and expire through the table's TTL attribute
(``expires_at``). The partition is sharded by caller so one busy endpoint never makes a hot key.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from pydantic import BaseModel

from common.errors import IdempotencyInProgress, IdempotencyKeyReused, ValidationFailed
from common.settings import get_settings

if TYPE_CHECKING:
    from common.api import Call

M = TypeVar("M", bound=BaseModel)

SHARDS = 8
MAX_KEY_LENGTH = 128


class _ApiDeadline:
    """Stands in for the Lambda context: a request that died mid-way frees its key after this long."""

    def get_remaining_time_in_millis(self) -> int:
        return get_settings().idempotency_in_progress_seconds * 1000


@lru_cache(maxsize=64)
def _persistence(scope: str, shard: int) -> DynamoDBPersistenceLayer:
    # One layer per scope and shard: Powertools keeps the key prefix on the layer, so layers are not shared.
    return DynamoDBPersistenceLayer(
        table_name=get_settings().table_name,
        key_attr="PK",
        sort_key_attr="SK",
        static_pk_value=f"IDEMPOTENCY#{scope}#{shard}",
        expiry_attr="expires_at",
    )


def _config() -> IdempotencyConfig:
    config = IdempotencyConfig(
        event_key_jmespath="[caller, key]",
        payload_validation_jmespath="request",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=get_settings().idempotency_ttl_seconds,
    )
    config.register_lambda_context(_ApiDeadline())
    return config


def once(
    scope: str, caller: str, key: str | None, request: dict[str, Any], produce: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """Run ``produce`` once per (caller, key): a repeat with the same ``request`` returns the first result.

    Without a key, ``produce`` just runs. A domain error is not remembered (the client may retry). The same key
    with a different request is 422 ``IDEMPOTENCY_KEY_REUSED``; while the first is running, 409.
    """
    if key is None:
        return produce()
    if not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise ValidationFailed(f"the Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters")
    shard = zlib.crc32(caller.encode()) % SHARDS

    def run(data: dict[str, Any]) -> dict[str, Any]:
        return produce()

    guarded = idempotent_function(
        run,
        data_keyword_argument="data",
        persistence_store=_persistence(scope, shard),
        config=_config(),
        key_prefix=scope,
    )
    try:
        return guarded(data={"caller": caller, "key": key, "request": request})
    except IdempotencyValidationError as exc:
        raise IdempotencyKeyReused() from exc
    except IdempotencyAlreadyInProgressError as exc:
        raise IdempotencyInProgress() from exc


def idempotent(call: Call, scope: str, model: type[M], produce: Callable[[], M], **params: str) -> M:
    """The route-level wrapper every creating or money-moving POST uses: ``produce`` runs once per the caller's
    Idempotency-Key; a repeat with the same key, path parameters and body answers the first response, the same
    key with anything else is 422 ``IDEMPOTENCY_KEY_REUSED``. Without the header it just runs."""
    body = call.body.model_dump(mode="json") if isinstance(call.body, BaseModel) else None
    caller = call.user_id if call.principal is not None else "anonymous"
    result = once(
        scope,
        caller,
        call.headers.get("idempotency-key"),
        {"body": body, **params},
        lambda: produce().model_dump(mode="json"),
    )
    return model.model_validate(result)
