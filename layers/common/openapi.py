"""The OpenAPI 3.1 document, generated from the Chalice route table and each route's pydantic models."""

from __future__ import annotations

import re
from typing import Any

from chalice import Blueprint
from pydantic import BaseModel, TypeAdapter

from common.api import ROUTES, RouteSpec, route
from common.ratelimit import LOCKOUTS, RATE_LIMITS

REF = "#/components/schemas/{model}"
ERROR_STATUSES = {
    "400": "malformed request",
    "401": "no or bad token",
    "403": "wrong role",
    "404": "not found, or not yours",
    "409": "conflicts with the current state",
    "422": "valid JSON that breaks a rule",
}


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorBody(BaseModel):
    error: ErrorDetail


def _schema(tp: Any, components: dict[str, Any], mode: str) -> dict[str, Any]:
    """The schema of a type; named models go to components and are referenced."""
    schema = TypeAdapter(tp).json_schema(ref_template=REF, mode=mode)  # type: ignore[arg-type]
    components.update(schema.pop("$defs", {}))
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        name = re.sub(r"[^A-Za-z0-9._-]", "_", tp.__name__)
        components[name] = schema
        return {"$ref": REF.format(model=name)}
    return schema


def _operation(spec: RouteSpec, components: dict[str, Any]) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": f"{spec.handler.__module__.split('.')[-2]}_{spec.handler.__name__}",
        "summary": spec.summary.splitlines()[0] if spec.summary else spec.handler.__name__,
        "tags": list(spec.tags) or [spec.handler.__module__.split(".")[-2]],
    }
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)}", spec.path)
    ]
    if spec.query is not None:
        qschema = spec.query.model_json_schema(ref_template=REF)
        required = set(qschema.get("required", []))
        for name, prop in qschema.get("properties", {}).items():
            params.append({"name": name, "in": "query", "required": name in required, "schema": prop})
    if params:
        op["parameters"] = params
    if spec.body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _schema(spec.body, components, "validation")}},
        }
    ok: dict[str, Any] = {"description": "success"}
    if spec.response is not None:
        ok["content"] = {"application/json": {"schema": _schema(spec.response, components, "serialization")}}
    responses: dict[str, Any] = {str(spec.status): ok}
    error = {"content": {"application/json": {"schema": {"$ref": REF.format(model="ErrorBody")}}}}
    for status, text in ERROR_STATUSES.items():
        if status == "403" and spec.auth is None:  # a public route may still refuse credentials (401)
            continue
        responses[status] = {"description": text, **error}
    if (spec.path, spec.method) in RATE_LIMITS or (spec.path, spec.method) in LOCKOUTS:
        retry_after = {"description": "seconds to wait", "schema": {"type": "integer", "minimum": 1}}
        responses["429"] = {"description": "rate limited", "headers": {"Retry-After": retry_after}, **error}
    op["responses"] = responses
    if spec.auth is not None:
        op["security"] = [{"bearerAuth": []}]
    return op


def build_openapi(routes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The document for a Chalice route table (``app.routes``). Every route must be declared with ``route``."""
    components: dict[str, Any] = {}
    _schema(ErrorBody, components, "serialization")
    paths: dict[str, Any] = {}
    for path in sorted(routes):
        for method in sorted(routes[path]):
            spec = ROUTES.get((path, method))
            if spec is None:
                raise LookupError(f"{method} {path} is not declared with common.api.route")
            paths.setdefault(path, {})[method.lower()] = _operation(spec, components)
    return {
        "openapi": "3.1.0",
        "info": {"title": "家政 home-services booking API", "version": "1.0.0"},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(components.items())),
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }


docs = Blueprint(__name__)


@route(docs, "/v1/openapi.json", "GET", auth=None, tags=("docs",))
def openapi_document(call: Any) -> dict[str, Any]:
    """The complete OpenAPI 3.1 reference of this API."""
    return build_openapi(docs.current_app.routes)
