"""The Lambda dispatcher: moto's Lambda runs the Chalice app's ``lambda_function``s in-process.

moto runs Lambda code only in Docker, and there is no Docker here. With ``lambda.use_docker`` off, moto answers
every invocation from ``LambdaSimpleBackend.invoke``; this module replaces that method (moto is pinned for it) so
that invoking a function registered by ``install_dispatcher(app)`` calls the app's Python handler with the JSON
payload and answers with its JSON result, in the invoking thread.

A raised exception becomes a Lambda function error, exactly as Lambda reports an unhandled one: the
``X-Amz-Function-Error: Unhandled`` header and the payload ``{"errorType": <class name>, "errorMessage", ...}``.
moto's Step Functions interpreter reads ``FunctionError`` from the invoke response and takes the error name from
``errorType``, so ``Retry``/``Catch`` by ``ErrorEquals: ["SlotTaken"]`` behave as on AWS (the class name of a
``common.errors`` exception is its Step Functions error name).

Usable in both places the project runs moto:
- the local stack (``ThreadedMotoServer`` in this process, clients pointed at it by ``AWS_ENDPOINT_URL``);
- tests under ``mock_aws()``: ``with install_dispatcher(app) as lambdas: ... lambdas.function_arn("name")``.

Functions unknown to the dispatcher fall through to moto's own behaviour.
"""

from __future__ import annotations

import io
import json
import threading
import traceback
import uuid
import zipfile
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import boto3
from chalice import Chalice
from chalice.local import LambdaContext
from common.errors import DomainError
from common.log import logger
from moto.awslambda_simple.models import LambdaSimpleBackend
from moto.core.models import default_user_config

Handler = Callable[[Any, Any], Any]

# What moto must be told to run workflows without Docker (``mock_aws(config=...)`` or ``POST /moto-api/config``).
WORKFLOW_CONFIG: dict[str, dict[str, bool]] = {
    "stepfunctions": {"execute_state_machine": True},
    "lambda": {"use_docker": False},
}
ROLE_NAME = "jiazheng-local-lambda"
_TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


@dataclass
class Invocation:
    """One dispatched call, kept for whoever wants to see what the workflow did."""

    function: str
    payload: Any
    error_type: str | None = None


@dataclass
class Dispatcher:
    """What ``install_dispatcher`` installed: the functions' ARNs and the invocations seen so far."""

    arns: dict[str, str]
    # The latest invocations (bounded: the local stack may run for days).
    invocations: deque[Invocation] = field(default_factory=lambda: deque(maxlen=1000))

    def function_arn(self, name: str) -> str:
        """The ARN of the app's ``lambda_function`` called ``name`` (for a state machine's ``Resource``)."""
        try:
            return self.arns[name]
        except KeyError:
            raise LookupError(f"no lambda_function named {name!r} is dispatched") from None


_lock = threading.Lock()
_handlers: dict[str, tuple[Handler, Dispatcher]] = {}
_installed: list[Dispatcher] = []
_original_invoke = LambdaSimpleBackend.invoke


def function_arn(name: str) -> str:
    """The ARN of a dispatched ``lambda_function`` (the most recently installed dispatcher that has it)."""
    for dispatcher in reversed(_installed):
        if name in dispatcher.arns:
            return dispatcher.arns[name]
    raise LookupError(f"no lambda_function named {name!r} is dispatched; is install_dispatcher(app) active?")


def lambda_handlers(app: Chalice) -> dict[str, Handler]:
    """The app's ``lambda_function``s (its own and its blueprints'), by name, wrapped as Chalice deploys them."""
    return {fn.name: app.handler_map[fn.name] for fn in app.pure_lambda_functions}


def run_handler(name: str, handler: Handler, payload: str | bytes | None) -> tuple[bytes, str | None]:
    """Run one handler as Lambda would: JSON in, JSON out. Returns (response payload, function error or None)."""
    try:
        event = json.loads(payload) if payload else {}
    except (ValueError, UnicodeDecodeError) as exc:
        return _error_payload("Runtime.InvalidPayload", str(exc)), "Unhandled"
    context = LambdaContext(name, memory_size=256, max_runtime_ms=900_000)
    try:
        result = handler(event, context)
    except DomainError as exc:
        # An expected outcome the workflow routes by name (Catch/Retry), not a bug.
        logger.info("lambda function raised", extra={"function": name, "error_type": type(exc).__name__})
        return _error_payload(type(exc).__name__, str(exc), exc), "Unhandled"
    except Exception as exc:
        logger.exception("lambda function failed", extra={"function": name})
        return _error_payload(type(exc).__name__, str(exc), exc), "Unhandled"
    try:
        return json.dumps(result, ensure_ascii=False).encode(), None
    except (TypeError, ValueError) as exc:
        return _error_payload("Runtime.MarshalError", f"Unable to marshal response: {exc}"), "Unhandled"


def _error_payload(error_type: str, message: str, exc: BaseException | None = None) -> bytes:
    body: dict[str, Any] = {"errorMessage": message, "errorType": error_type, "requestId": str(uuid.uuid4())}
    if exc is not None:
        body["stackTrace"] = traceback.format_tb(exc.__traceback__)
    return json.dumps(body, ensure_ascii=False).encode()


def _dispatching_invoke(
    self: LambdaSimpleBackend,
    function_name: str,
    qualifier: str | None,
    body: Any,
    headers: Any,
    response_headers: Any,
) -> str | bytes | None:
    # ``function_name`` may be a name or an ARN; moto resolves it (and answers 404 for an unknown one).
    name = self.get_function(function_name, qualifier).function_name
    with _lock:
        entry = _handlers.get(name)
    if entry is None:
        return _original_invoke(self, function_name, qualifier, body, headers, response_headers)
    handler, dispatcher = entry
    invocation_type = _header(headers, "X-Amz-Invocation-Type") or "RequestResponse"
    if invocation_type == "DryRun":
        return b""
    record = Invocation(name, _loads_or_raw(body))
    dispatcher.invocations.append(record)
    if invocation_type == "Event":  # asynchronous: Lambda answers 202 at once and runs the function later
        threading.Thread(target=run_handler, args=(name, handler, body), daemon=True).start()
        return b""
    payload, error = run_handler(name, handler, body)
    if error:
        response_headers["x-amz-function-error"] = error
        record.error_type = json.loads(payload)["errorType"]
    response_headers["Content-Length"] = str(len(payload))
    return payload


def _header(headers: Any, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return value
    return None


def _loads_or_raw(body: Any) -> Any:
    try:
        return json.loads(body) if body else {}
    except (ValueError, TypeError):
        return body


def _dummy_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "dispatched.py", "def handler(event, context):\n    raise RuntimeError('dispatched')\n"
        )
    return buffer.getvalue()


def _lambda_role(iam: Any) -> str:
    try:
        return iam.get_role(RoleName=ROLE_NAME)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        document = json.dumps(_TRUST_POLICY)
        return iam.create_role(RoleName=ROLE_NAME, AssumeRolePolicyDocument=document)["Role"]["Arn"]


def _register_functions(names: list[str]) -> dict[str, str]:
    """Create (or find) a moto Lambda function per name, so ARNs resolve and invocations reach moto."""
    client = boto3.client("lambda")
    role = _lambda_role(boto3.client("iam"))
    code = _dummy_zip()
    arns: dict[str, str] = {}
    for name in names:
        try:
            arns[name] = client.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
        except client.exceptions.ResourceNotFoundException:
            created = client.create_function(
                FunctionName=name,
                Runtime="python3.11",
                Role=role,
                Handler="dispatched.handler",
                Code={"ZipFile": code},
                Timeout=900,
            )
            arns[name] = created["FunctionArn"]
    return arns


@contextmanager
def install_dispatcher(app: Chalice) -> Iterator[Dispatcher]:
    """Dispatch invocations of ``app``'s ``lambda_function``s to its handlers, in-process, until exit.

    Call inside ``mock_aws()`` (tests) or with ``AWS_ENDPOINT_URL`` at the local stack's moto server: it creates
    a moto Lambda function per handler (dummy code, dummy role) so the ARNs resolve, and turns on moto's
    state-machine execution and Docker-less Lambda for its duration.
    """
    handlers = lambda_handlers(app)
    with mock.patch.dict(default_user_config, _merged_config()):
        dispatcher = Dispatcher(arns=_register_functions(sorted(handlers)))
        with _lock:
            previous = {name: _handlers.get(name) for name in handlers}
            for name, handler in handlers.items():
                _handlers[name] = (handler, dispatcher)
            _installed.append(dispatcher)
            LambdaSimpleBackend.invoke = _dispatching_invoke  # type: ignore[method-assign]
        try:
            yield dispatcher
        finally:
            with _lock:
                _installed.remove(dispatcher)
                for name, entry in previous.items():
                    if entry is None:
                        _handlers.pop(name, None)
                    else:
                        _handlers[name] = entry
                if not _installed:
                    LambdaSimpleBackend.invoke = _original_invoke  # type: ignore[method-assign]


def _merged_config() -> dict[str, Any]:
    # patch.dict replaces top-level keys: merge so other settings in those sections survive.
    return {key: {**default_user_config.get(key, {}), **value} for key, value in WORKFLOW_CONFIG.items()}  # type: ignore[misc]
