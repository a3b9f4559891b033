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
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response
from pydantic import BaseModel, TypeAdapter, ValidationError

from common.clock import clock
from common.errors import DomainError, Forbidden, MalformedRequest, ValidationFailed
from common.log import logger

if TYPE_CHECKING:  # tokens (jwt, cryptography) load with the first authenticated call
    from common.auth import Principal, Role

    Auth = Role | tuple[Role, ...] | None
_BY_PATH = object()  # sentinel: take the role from the path (API.md "Auth")
CONTENT_TYPES = ["application/json", "text/plain"]


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
    summary: str = ""
    tags: tuple[str, ...] = ()
    raw_body: bool = False


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
    return json_response(error.status, error.to_body())


def validation_details(exc: ValidationError) -> list[dict[str, Any]]:
    """Where and why, without echoing the input (it may hold personal data)."""
    return [
        {"field": ".".join(str(p) for p in err["loc"]) or "(body)", "problem": err["msg"]}
        for err in exc.errors(include_url=False, include_input=False)
    ]


def authorize(auth: Auth, headers: dict[str, str], now: datetime) -> Principal | None:
    """The one authorizer: 401 without a valid token, 403 when its role may not call the route."""
    if auth is None:
        return None
    from common.auth import bearer_principal

    principal = bearer_principal(headers.get("authorization"), now=now)
    allowed = auth if isinstance(auth, tuple) else (auth,)
    if principal.role not in allowed:
        raise Forbidden(f"this needs a {' or '.join(allowed)} token")
    return principal


def parse_body(model: type[BaseModel], raw: bytes) -> BaseModel:
    try:
        data = json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedRequest() from exc
    if not isinstance(data, dict):
        raise MalformedRequest("the request body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(details=validation_details(exc)) from exc


def parse_query(model: type[BaseModel], params: dict[str, str] | None) -> BaseModel:
    try:
        return model.model_validate(dict(params or {}))
    except ValidationError as exc:
        raise ValidationFailed(
            "the query string does not match the schema", details=validation_details(exc)
        ) from exc


def serialize(spec: RouteSpec, result: Any) -> Any:
    if result is None:
        return None
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json")
    if spec.response is not None:
        return TypeAdapter(spec.response).dump_python(result, mode="json")
    return result


def handle(spec: RouteSpec, request: Any, params: dict[str, str]) -> Response:
    headers = {k.lower(): v for k, v in (request.headers or {}).items()}
    raw = request.raw_body or b""
    try:
        now = clock.now()
        principal = authorize(spec.auth, headers, now)
        body = parse_body(spec.body, raw) if spec.body is not None else None
        query = parse_query(spec.query, request.query_params) if spec.query is not None else None
        call = Call(principal=principal, body=body, query=query, headers=headers, now=now, raw_body=raw)
        result = spec.handler(call, **params)
        if isinstance(result, Response):
            return result
        return json_response(spec.status, serialize(spec, result))
    except DomainError as exc:
        return error_response(exc)
    except Exception:  # a bug, not bad input: log it with context, answer in the contract's format
        logger.exception("unhandled error", extra={"route": f"{spec.method} {spec.path}"})
        return json_response(500, {"error": {"code": "INTERNAL", "message": "internal error"}})


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
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a route. The handler is ``fn(call: Call, **path_params)`` and returns a model, plain data,
    ``None`` (no body) or a Chalice ``Response``."""
    path_role = role_for_path(path)
    if auth is _BY_PATH:
        auth = path_role
    elif path_role is not None and auth != path_role:
        raise ValueError(f"{method} {path}: the path requires the {path_role} role, not {auth}")

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        spec = RouteSpec(
            path, method, fn, auth, body, query, response, status, summary or (fn.__doc__ or "").strip(), tags
        )
        ROUTES[(path, method)] = spec

        @functools.wraps(fn)
        def view(**params: str) -> Response:
            return handle(spec, bp.current_request, params)

        bp.route(path, methods=[method], content_types=CONTENT_TYPES)(view)
        return fn

    return decorator
