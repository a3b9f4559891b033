"""HTTP plumbing shared by every capability's ``api.py``: one decorator per route.

``@route(bp, "/v1/…", "POST", body=Model, response=Model)`` registers a Chalice route whose view

1. authenticates and authorizes the caller (one authorizer for every route: the path decides the role, API.md),
2. parses the JSON body and the query string into pydantic models (400/422 in the contract's format),
3. calls the handler with a ``Call`` (principal, body, query, headers, ``now`` read once from the business clock),
4. serializes the result, and maps every ``DomainError`` to its HTTP status and error code.

It also records the route's models, from which ``common.openapi`` generates the OpenAPI document. In the app,
routes are declared in each capability's ``manifest.py`` and their modules load on first call (``common.lazy``).
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response
from pydantic import BaseModel, TypeAdapter, ValidationError

from common.clock import clock
from common.errors import DomainError, Forbidden, MalformedRequest, RuleViolation, ValidationFailed
from common.log import logger

if TYPE_CHECKING:  # tokens (jwt, cryptography) load with the first authenticated call
    from common.auth import Principal, Role

    Auth = Role | tuple[Role, ...] | None
_BY_PATH = object()  # sentinel: take the role from the path (API.md "Auth")
# The media types a body may be labelled with; whatever the label, the body is read as JSON (API.md: JSON in and
# out), and one that is not JSON answers 400 MALFORMED_REQUEST. Form-urlencoded is accepted because it is what
# `curl -d` and a bare HTML form send: refusing it (415) catches no mistake the JSON parser does not, and accepting
# it costs nothing, since tokens travel in the Authorization header, never in a cookie a cross-site form could
# carry. Any other type (multipart, XML, ...) is refused with 415 before the route runs.
CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain"]


def role_for_path(path: str) -> Role | None:
    """API.md: /v1/admin/ needs an operator, /v1/worker/ a worker, /v1/me a customer."""
    if path.startswith("/v1/admin/"):
        return "operator"
    if path.startswith("/v1/worker/"):
        return "worker"
    if path == "/v1/me" or path.startswith("/v1/me/"):
        return "customer"
    return None


@dataclass(frozen=True)
class RouteSpec:
    path: str
    method: str
    handler: Callable[..., Any]
    auth: Auth
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: Any = None
    status: int = 200
    summary: str = ""  # the docstring's first paragraph (or route's ``summary=``): the OpenAPI summary
    tags: tuple[str, ...] = ()
    raw_body: bool = False
    description: str = ""  # the rest of the docstring: the OpenAPI description
    errors: tuple[int, ...] = ()  # error statuses beyond those its declaration implies (common.openapi)
    body_optional: bool = False  # an empty body is no body (``call.body`` None), not a malformed one


class _Routes(dict):
    """``(path, method)`` → ``RouteSpec``. Looking up a route whose module has not loaded yet loads it (its
    capability's manifest names it), so every lookup — the OpenAPI document's too — sees the complete table."""

    def __missing__(self, key: tuple[str, str]) -> RouteSpec:
        from common.lazy import load_route

        spec = load_route(*key)
        if spec is None:
            raise KeyError(key)
        return spec

    def get(self, key: tuple[str, str], default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default


ROUTES: dict[tuple[str, str], RouteSpec] = _Routes()


@dataclass
class Call:
    """What a route handler receives."""

    principal: Principal | None
    body: Any
    query: Any
    headers: dict[str, str]
    now: datetime
    raw_body: bytes = b""
    context: dict[str, Any] = field(default_factory=dict)
    source_ip: str = ""  # the client's address as API Gateway saw it (per-client limits)

    @property
    def user_id(self) -> str:
        assert self.principal is not None
        return self.principal.user_id


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    text = "" if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(
        body=text,
        status_code=status,
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )


def error_response(error: DomainError) -> Response:
    # An error may carry headers of its own (a rate limit's Retry-After).
    return json_response(error.status, error.to_body(), getattr(error, "headers", None))


def validation_details(exc: ValidationError) -> list[dict[str, Any]]:
    """Where and why, without echoing the input (it may hold personal data)."""
    return [
        {"field": ".".join(str(p) for p in err["loc"]) or "(body)", "problem": err["msg"]}
        for err in exc.errors(include_url=False, include_input=False)
    ]


# The staff check of operator tokens (identity's: staff accounts, their roles and the permission table), named
# as manifests name handlers, so that common imports no capability and it loads with the first operator call.
STAFF_CHECK = "functions.identity.staff.authorize_staff"


def authorize(
    auth: Auth, headers: dict[str, str], now: datetime, *, method: str = "", path: str = ""
) -> Principal | None:
    """The one authorizer: 401 without a valid token, 403 when its role may not call the route. An operator
    token also passes the staff check for ``method path``: 401 when its account is disabled or revoked it, 403
    when the account's staff roles may not call the route (the permission table)."""
    if auth is None:
        return None
    from common.auth import bearer_principal

    principal = bearer_principal(headers.get("authorization"), now=now)
    allowed = auth if isinstance(auth, tuple) else (auth,)
    if principal.role not in allowed:
        raise Forbidden(f"this needs a {' or '.join(allowed)} token")
    if principal.role == "operator":
        from common.lazy import load

        principal = load(STAFF_CHECK)(principal, method, path)
    return principal


def _whole_or_float(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def parse_body(model: type[BaseModel], raw: bytes) -> BaseModel:
    try:
        data = json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedRequest() from exc
    if not isinstance(data, dict):
        raise MalformedRequest("the request body must be a JSON object")
    try:
        # Strict JSON types, as the schema says them: a string or a boolean is not a number, a fraction is not an
        # integer; a whole number stays one however it is spelled (JSON Schema: 760.0 is the integer 760).
        # ISO strings still make dates and times.
        whole = json.dumps(json.loads(raw, parse_float=_whole_or_float), ensure_ascii=False)
        return model.model_validate_json(whole, strict=True)
    except ValidationError as exc:
        raise refusal(exc) from exc


def refusal(exc: ValidationError) -> DomainError:
    """What a body that failed its model answers: 422 ``VALIDATION_FAILED`` when it does not match the schema;
    422 ``RULE_VIOLATION`` when it matches the schema but breaks a rule the schema cannot state (a model's own
    validator: start before end, one field or the other), so a client can tell the two apart."""
    details = validation_details(exc)
    if all(err["type"] == "value_error" for err in exc.errors(include_url=False, include_input=False)):
        return RuleViolation(
            "the request breaks a rule: " + "; ".join(d["problem"] for d in details), details=details
        )
    return ValidationFailed(details=details)


def parse_query(model: type[BaseModel], params: dict[str, str] | None) -> BaseModel:
    try:
        return model.model_validate(dict(params or {}))
    except ValidationError as exc:
        error = refusal(exc)
        if isinstance(error, ValidationFailed):
            error = ValidationFailed("the query string does not match the schema", details=error.details)
        raise error from exc


def serialize(spec: RouteSpec, result: Any) -> Any:
    if result is None:
        return None
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json")
    if spec.response is not None:
        return TypeAdapter(spec.response).dump_python(result, mode="json")
    return result


def source_ip(request: Any) -> str:
    """The caller's IP from API Gateway's request context ("" when absent)."""
    identity = (getattr(request, "context", None) or {}).get("identity") or {}
    return str(identity.get("sourceIp") or "")


def handle(spec: RouteSpec, request: Any, params: dict[str, str]) -> Response:
    from common import ratelimit  # its counters (pynamodb) load with the first call, not with the app

    headers = {k.lower(): v for k, v in (request.headers or {}).items()}
    raw = request.raw_body or b""
    lockout = None
    try:
        now = clock.now()
        principal = authorize(spec.auth, headers, now, method=spec.method, path=spec.path)
        limits = {"ip": source_ip(request), "user_id": principal.user_id if principal else None, "now": now}
        ratelimit.enforce(spec.path, spec.method, body=None, before_body=True, **limits)
        wanted = spec.body is not None and (bool(raw.strip()) or not spec.body_optional)
        body = parse_body(spec.body, raw) if wanted and spec.body is not None else None
        ratelimit.enforce(spec.path, spec.method, body=body, before_body=False, **limits)
        if lockout := ratelimit.lockout_key(spec.path, spec.method, body):
            ratelimit.check_locked(*lockout, now=now)
        query = parse_query(spec.query, request.query_params) if spec.query is not None else None
        call = Call(
            principal=principal,
            body=body,
            query=query,
            headers=headers,
            now=now,
            raw_body=raw,
            source_ip=source_ip(request),
        )
        result = spec.handler(call, **params)
        if lockout:
            ratelimit.clear_failures(*lockout)
        if isinstance(result, Response):
            return result
        return json_response(spec.status, serialize(spec, result))
    except ratelimit.Limited as exc:
        return json_response(exc.status, exc.to_body(), {"Retry-After": str(exc.retry_after)})
    except DomainError as exc:
        if lockout and exc.status == 401:
            ratelimit.record_failure(*lockout, now=now)
        return error_response(exc)
    except Exception as exc:
        # AWS still failing after the SDK's retries: nothing was written, the client sends it again
        if unavailable := service_unavailable(exc):
            logger.warning(
                "transient AWS failure", extra={"route": f"{spec.method} {spec.path}"}, exc_info=exc
            )
            return unavailable
        # a bug, not bad input: log it with context, answer in the contract's format
        logger.exception("unhandled error", extra={"route": f"{spec.method} {spec.path}"})
        return json_response(500, {"error": {"code": "INTERNAL", "message": "internal error"}})


def service_unavailable(exc: BaseException) -> Response | None:
    """A transient AWS failure (``common.aws.transient``: throttling, a 5xx, a transaction conflict, a dropped
    connection) as 503 ``SERVICE_UNAVAILABLE`` with ``Retry-After``
    (``settings.service_unavailable_retry_after_seconds``); None for anything else. The use case's writes are one conditional write or one transaction, so nothing
    was half done and the same request may be sent again."""
    from common import aws
    from common.errors import ServiceUnavailable
    from common.settings import get_settings

    if not aws.transient(exc):
        return None
    retry_after = get_settings().service_unavailable_retry_after_seconds
    return json_response(503, ServiceUnavailable().to_body(), {"Retry-After": str(retry_after)})


def route(
    bp: Blueprint,
    path: str,
    method: str = "GET",
    *,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: Any = None,
    status: int = 200,
    auth: Any = _BY_PATH,
    summary: str = "",
    tags: tuple[str, ...] = (),
    errors: tuple[int, ...] = (),
    body_optional: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a route. The handler is ``fn(call: Call, **path_params)`` and returns a model, plain data,
    ``None`` (no body) or a Chalice ``Response``. Its docstring documents it: the first paragraph is the summary,
    the rest the description. ``errors`` names the error statuses its service can answer beyond those the
    declaration implies (a rule: 422, a conflict: 409, a rate limit: 429, an upstream failure: 502).
    ``body_optional``: the body may be left out (the handler gets ``call.body`` None)."""
    path_role = role_for_path(path)
    if auth is _BY_PATH:
        auth = path_role
    elif path_role is not None and auth != path_role:
        raise ValueError(f"{method} {path}: the path requires the {path_role} role, not {auth}")

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        first, _, rest = inspect.cleandoc(fn.__doc__ or "").partition("\n\n")
        spec = RouteSpec(
            path,
            method,
            fn,
            auth,
            body,
            query,
            response,
            status,
            summary=summary or first,
            tags=tags,
            description=rest.strip(),
            errors=errors,
            body_optional=body_optional,
        )
        ROUTES[(path, method)] = spec

        @functools.wraps(fn)
        def view(**params: str) -> Response:
            return handle(spec, bp.current_request, params)

        bp.route(path, methods=[method], content_types=CONTENT_TYPES)(view)
        return fn

    return decorator
