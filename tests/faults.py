"""Faults at the AWS client (issue 15): DynamoDB throttling and transient errors, EventBridge and SQS failures,
injected at a steady seeded rate through botocore's event hooks, so every layer above the wire — the SDK's
retries, PynamoDB, our stores, routes, tasks, consumers and the outbox relay — meets them as it would on AWS.

``FaultInjector(rate=0.2, seed=7)`` used as a context manager:

- every botocore client made while it is active gets a ``before-send`` handler (botocore's hook that may answer
  a request instead of sending it); cached clients are dropped first (``common.snapshot.restored``, what a
  SnapStart restore runs), so the product's clients are made afresh and hooked;
- the handler draws from its own ``random.Random(seed)``: with probability ``rate`` the call is answered with
  one of the faults that apply to its operation (below), and never reaches the service — nothing is written;
  otherwise it goes on as before (under moto's in-process mock, to moto's own ``before-send`` stub, which the
  handler replaces on that client so that an answered fault is not processed as well);
- ``backoff_scale`` shortens the SDK's retry backoff in tests (botocore's standard mode waits about a second
  after a throttle), nothing else of botocore's retry logic changes;
- ``pause()`` stops injecting (faults cleared) without unhooking; ``injected`` counts what was injected by kind.

The faults, as AWS answers them (JSON protocols):

- DynamoDB, any operation: 400 ``ProvisionedThroughputExceededException``, 400 ``ThrottlingException``,
  500 ``InternalServerError``; ``TransactWriteItems`` also 400 ``TransactionCanceledException`` whose reasons name
  ``TransactionConflict`` for one of its items;
- EventBridge ``PutEvents``: 200 with ``FailedEntryCount`` > 0 (every entry ``InternalFailure``: nothing was put),
  or 500 ``InternalException``;
- SQS, any operation (receive, delete, send): 500 ``InternalError``.
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import botocore.client
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.retries import standard

Answer = tuple[int, dict[str, Any]]  # status, JSON body


@dataclass(frozen=True)
class Fault:
    kind: str
    service: str  # botocore's service id in event names: dynamodb, eventbridge, sqs
    operations: frozenset[str] | None  # None: every operation of the service
    answer: Callable[[dict[str, Any], random.Random], Answer]  # request body, the draws → the answer


def _error(prefix: str, code: str, status: int) -> Callable[[dict[str, Any], random.Random], Answer]:
    return lambda _body, _draws: (
        status,
        {"__type": f"{prefix}#{code}", "message": f"injected fault: {code}"},
    )


def _conflict(body: dict[str, Any], draws: random.Random) -> Answer:
    items = len(body.get("TransactItems", [])) or 1
    reasons = [{"Code": "None"}] * items
    reasons[draws.randrange(items)] = {
        "Code": "TransactionConflict",
        "Message": "injected: transaction ongoing",
    }
    codes = ", ".join(r["Code"] for r in reasons)
    return 400, {
        "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
        "message": f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
        "CancellationReasons": reasons,
    }


def _failed_entries(body: dict[str, Any], _draws: random.Random) -> Answer:
    entries = body.get("Entries", [])
    failed = [{"ErrorCode": "InternalFailure", "ErrorMessage": "injected fault"} for _ in entries]
    return 200, {"FailedEntryCount": len(failed), "Entries": failed}


DYNAMODB = "com.amazonaws.dynamodb.v20120810"
FAULTS = (
    Fault(
        "dynamodb.throughput",
        "dynamodb",
        None,
        _error(DYNAMODB, "ProvisionedThroughputExceededException", 400),
    ),
    Fault("dynamodb.throttling", "dynamodb", None, _error(DYNAMODB, "ThrottlingException", 400)),
    Fault("dynamodb.internal", "dynamodb", None, _error(DYNAMODB, "InternalServerError", 500)),
    Fault("dynamodb.conflict", "dynamodb", frozenset({"TransactWriteItems"}), _conflict),
    Fault("events.failed_entries", "eventbridge", frozenset({"PutEvents"}), _failed_entries),
    Fault("events.internal", "eventbridge", frozenset({"PutEvents"}), _error("", "InternalException", 500)),
    Fault("sqs.internal", "sqs", None, _error("com.amazonaws.sqs", "InternalError", 500)),
)


class FaultInjector:
    """Answers a steady, seeded share of AWS calls with a fault (module docstring)."""

    def __init__(
        self, rate: float, *, seed: int = 1, backoff_scale: float = 1.0, faults: tuple[Fault, ...] = FAULTS
    ) -> None:
        self.rate = rate
        self.faults = faults
        self.backoff_scale = backoff_scale
        self.active = False
        self.calls: Counter[str] = Counter()  # service.operation → calls seen while injecting
        self.injected: Counter[str] = Counter()  # fault kind → times answered
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._stubbed: set[int] = set()  # clients whose moto stub this injector stands in front of

    # --- the hook -------------------------------------------------------------------------------------------

    def _choose(self, service: str, operation: str) -> Fault | None:
        applicable = [
            f
            for f in self.faults
            if f.service == service and (f.operations is None or operation in f.operations)
        ]
        if not applicable:
            return None
        with self._lock:
            self.calls[f"{service}.{operation}"] += 1
            if self._random.random() >= self.rate:
                return None
            fault = applicable[self._random.randrange(len(applicable))]
            self.injected[fault.kind] += 1
        return fault

    def _handler(self, stub: Callable[..., Any] | None) -> Callable[..., Any]:
        def before_send(request: AWSPreparedRequest, event_name: str = "", **kwargs: Any) -> Any:
            _, service, operation = [*event_name.split("."), "", "", ""][:3]
            fault = self._choose(service, operation) if self.active else None
            if fault is not None:
                with self._lock:
                    status, body = fault.answer(_json(request.body), self._random)
                return _response(request, status, body)
            if stub is not None:  # moto's in-process mock answers what is not a fault
                return stub(event_name=event_name, request=request, **kwargs)
            return None  # sent as usual (to the moto server of the local stack)

        return before_send

    def hook(self, client: Any) -> Any:
        """Put the handler in front of ``client``'s requests (and of moto's stub on it, if any)."""
        from moto.core.models import botocore_stubber

        stub = botocore_stubber if botocore_stubber.enabled else None
        if stub is not None:
            client.meta.events.unregister("before-send", botocore_stubber)
        client.meta.events.register_first("before-send", self._handler(stub))
        return client

    # --- lifetime -------------------------------------------------------------------------------------------

    @contextmanager
    def installed(self) -> Iterator[FaultInjector]:
        """Hook every client made inside (cached ones are dropped first), inject while ``active``."""
        from common.snapshot import restored

        original_create = botocore.client.ClientCreator.create_client
        original_delay = standard.ExponentialBackoff.delay_amount
        injector = self

        def create_client(creator: Any, *args: Any, **kwargs: Any) -> Any:
            return injector.hook(original_create(creator, *args, **kwargs))

        def delay_amount(backoff: Any, context: Any) -> float:
            return float(original_delay(backoff, context)) * injector.backoff_scale

        botocore.client.ClientCreator.create_client = create_client  # type: ignore[method-assign]
        standard.ExponentialBackoff.delay_amount = delay_amount  # type: ignore[method-assign]
        restored()  # the product's cached clients and connections are made afresh, hooked
        self.active = True
        try:
            yield self
        finally:
            self.active = False
            botocore.client.ClientCreator.create_client = original_create  # type: ignore[method-assign]
            standard.ExponentialBackoff.delay_amount = original_delay  # type: ignore[method-assign]
            restored()  # and unhooked again for whatever runs next

    def __enter__(self) -> FaultInjector:
        self._context = self.installed()
        return self._context.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._context.__exit__(*exc)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """The faults cleared for a while (the clients stay hooked)."""
        was, self.active = self.active, False
        try:
            yield
        finally:
            self.active = was

    def summary(self) -> str:
        seen = sum(self.calls.values())
        faults = sum(self.injected.values())
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.injected.items()))
        return f"{faults} faults in {seen} AWS calls at rate {self.rate:.0%} ({kinds})"


def _json(body: Any) -> dict[str, Any]:
    if not body:
        return {}
    try:
        parsed = json.loads(body if isinstance(body, str | bytes) else body.read())
    except (ValueError, AttributeError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


class _Raw:
    """The body stream botocore reads an answer from."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data

    def read(self, *_: Any) -> bytes:
        data, self._data = self._data, b""
        return data


def _response(request: AWSPreparedRequest, status: int, body: dict[str, Any]) -> AWSResponse:
    headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "injected-fault"}
    if body.get("__type", "").endswith("#InternalError"):
        headers["x-amzn-query-error"] = "InternalError;Receiver"  # SQS names its code here too
    return AWSResponse(request.url, status, headers, _Raw(json.dumps(body).encode()))  # type: ignore[arg-type]
