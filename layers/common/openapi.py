"""The OpenAPI 3.1 document, generated from the Chalice route table and each route's ``RouteSpec``.

Everything a reader sees comes from the route's declaration, so a new route is complete with nothing but a
docstring:

- summary and description: the handler's docstring (first paragraph, then the rest). ``settings.NAME``
  in it renders as the setting's name with the value it has where the document is served;
- tag: the capability (``functions.<tag>``), declared once at the top with its package's docstring;
- ``operationId``: ``<capability>_<handler name>``, unique (checked) and stable while the handler keeps its name;
- error responses: derived from what the route reads (``error_statuses``), plus the ones it declares with
  ``route(..., errors=(...))``; every one in the contract's ``{"error": {"code", "message"}}`` shape;
- schemas: pydantic's, in one pass (a model whose input and output differ gets ``-Input``/``-Output``), with
  fixed-length arrays (``tuple[str, str]``) given an ``items`` beside ``prefixItems`` so tools that only know
  ``items`` still read them.
"""

from __future__ import annotations

import inspect
import re
import sys
from typing import Any, Literal

from chalice import Blueprint
from pydantic import BaseModel, Field, SecretStr, TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from common import errors
from common.api import ROUTES, RouteSpec, route
from common.ratelimit import LOCKOUTS, RATE_LIMITS
from common.settings import get_settings

REF = "#/components/schemas/{model}"
JsonMode = Literal["validation", "serialization"]

# The contract's error statuses (API.md "Errors"), each a shared response in components.
ERROR_RESPONSES: dict[int, tuple[str, str]] = {
    400: (
        "MalformedRequest",
        "Malformed: the body is not a JSON object, or a cursor or header is not valid.",
    ),
    401: ("Unauthorized", "No token, a bad or expired one, or credentials that do not match."),
    403: (
        "Forbidden",
        "The token's role, or the staff member's roles (an operator), may not call this route.",
    ),
    404: ("NotFound", "No such thing, or not yours (another user's data is never revealed)."),
    409: (
        "Conflict",
        "Conflicts with the current state (it changed meanwhile, or is already taken or done).",
    ),
    422: ("Unprocessable", "Valid JSON that breaks the schema or a business rule."),
    429: ("RateLimited", "Too many requests; try again shortly."),
    502: ("UpstreamError", "An external service (WeChat, WeChat Pay) refused or failed; try again."),
    503: (
        "ServiceUnavailable",
        "The table or the event bus is busy (throttled, or a transient failure after the SDK's retries); nothing "
        "was written: send the same request again after Retry-After.",
    ),
}


class ErrorDetail(BaseModel):
    code: str = Field(description="what went wrong, machine-readable (e.g. SLOT_TAKEN)")
    message: str = Field(description="what went wrong, for people")
    details: Any = Field(
        None,
        exclude_if=lambda details: details is None,  # as DomainError.to_body leaves it out
        description="more, when there is more: e.g. which fields broke the schema",
    )


class ErrorBody(BaseModel):
    """Every error answer of this API (API.md "Errors")."""

    error: ErrorDetail


def error_statuses(spec: RouteSpec) -> list[int]:
    """The statuses a route can answer with an error: what its declaration implies, plus what it declares.

    400 when it reads a body or a query (malformed JSON, a cursor it never gave out); 401 and 403 when it needs
    a token; 404 when its path or its body names something by id (``…_id``); 409 when it changes something its path names (the state may
    have moved on); 422 when it validates a body or a query; and ``spec.errors`` (a rule, a conflict, a rate
    limit or an upstream failure its service can raise); and 503 on every route: the table or the bus may be
    busy (``common.api.service_unavailable``)."""
    statuses = set(spec.errors) | {
        503
    }  # every route reads or writes the table (common.api.service_unavailable)
    names_something = "{" in spec.path or names_by_id(spec.body)
    if spec.body is not None or spec.query is not None:
        statuses |= {400, 422}
    if spec.auth is not None:
        statuses |= {401, 403}
    if names_something:
        statuses.add(404)
        if spec.method != "GET" and "{" in spec.path:
            statuses.add(409)
    if (spec.path, spec.method) in RATE_LIMITS or (spec.path, spec.method) in LOCKOUTS:
        statuses.add(429)  # common.ratelimit: over a limit, or a locked login
    unknown = statuses - ERROR_RESPONSES.keys()
    if unknown:
        raise ValueError(f"{spec.method} {spec.path}: no error response for {sorted(unknown)}")
    return sorted(statuses)


def names_by_id(model: Any, depth: int = 0) -> bool:
    """Whether a body names another thing by id (a field ``id`` or ``…_id``, also in a nested model): what it
    names may not exist, or not be the caller's (404)."""
    if model is None or depth > 3 or not isinstance(model, type) or not issubclass(model, BaseModel):
        return False
    for name, field in model.model_fields.items():
        if name == "id" or name.endswith("_id"):
            return True
        if names_by_id(field.annotation, depth + 1):
            return True
    return False


class OpenAPISchema(GenerateJsonSchema):
    """Pydantic's JSON Schema, with an ``items`` beside ``prefixItems`` for fixed-length tuples.

    In OpenAPI 3.1 ``items`` after ``prefixItems`` covers the items past the prefix, of which ``maxItems`` allows
    none, so it changes nothing there; tools that only know OpenAPI 3.0's ``items`` read the element type and
    ``minItems``/``maxItems`` the length."""

    def field_is_required(
        self,
        field: core_schema.ModelField | core_schema.DataclassField | core_schema.TypedDictField,
        total: bool,
    ) -> bool:
        """An answer carries every field (``common.api.serialize`` dumps them all) but those that say when they
        are left out (``exclude_if``), so in a response schema the others are required; in a request, a field
        with a default may be left out."""
        if self.mode == "serialization":
            return not field.get("serialization_exclude") and field.get("serialization_exclude_if") is None
        return super().field_is_required(field, total)

    def tuple_schema(self, schema: core_schema.TupleSchema) -> JsonSchemaValue:
        out = super().tuple_schema(schema)
        prefix = out.get("prefixItems")
        if prefix and "items" not in out:
            distinct = [s for i, s in enumerate(prefix) if s not in prefix[:i]]
            out["items"] = distinct[0] if len(distinct) == 1 else {"anyOf": distinct}
        return out


def _markdown(text: str) -> str:
    """Docstring conventions to CommonMark: ````x```` → `x`, ``settings.NAME`` → `NAME` (its value)."""

    def setting(match: re.Match[str]) -> str:
        name = match[1]
        value = getattr(get_settings(), name)  # a docstring naming a setting that does not exist is a bug
        shown = isinstance(value, int | float | str) and not isinstance(value, SecretStr) and value != ""
        return f"`{name}` ({value})" if shown else f"`{name}`"

    text = re.sub(r"``settings\.(\w+)``", setting, text)
    return re.sub(r"``(.+?)``", r"`\1`", text)


def _unwrapped(text: str) -> str:
    """Each paragraph on one line (a docstring's line breaks are only where the source wrapped), lists kept."""
    lines = re.sub(r"\n(?![ \t]*(?:[-*] |\n))(?<!\n\n)", " ", text.strip())
    return re.sub(r"[ \t]+", " ", lines)


def summary_and_description(spec: RouteSpec) -> tuple[str, str]:
    """The route's summary (its docstring's first paragraph, on one line) and description (the rest; the
    summary again for a route that has no more to say)."""
    summary = _markdown(_unwrapped(spec.summary)) if spec.summary else spec.handler.__name__
    description = _markdown(_unwrapped(spec.description)) if spec.description else summary
    return summary, description


def capability(spec: RouteSpec) -> str:
    """``functions.booking.admin_api`` → ``booking``; ``infra.local.dev_routes`` → ``local``."""
    return spec.handler.__module__.split(".")[-2]


def operation_id(spec: RouteSpec) -> str:
    return f"{capability(spec)}_{spec.handler.__name__}"


def _first_paragraph(doc: str | None) -> str:
    return " ".join(inspect.cleandoc(doc or "").split("\n\n")[0].split())


def _tag_description(tag: str, spec: RouteSpec) -> str:
    """A capability's tag reads its package's docstring; another tag, the module of its first route."""
    package = sys.modules.get(f"functions.{tag}")
    module = package if package is not None and package.__doc__ else sys.modules.get(spec.handler.__module__)
    return _markdown(_first_paragraph(module.__doc__ if module else None)) or tag


class _Schemas:
    """Every body and response type of the document, turned into schemas in one pass (shared components)."""

    def __init__(self) -> None:
        self.wanted: list[tuple[Any, JsonMode, TypeAdapter[Any]]] = []
        self.by_key: dict[Any, JsonSchemaValue] = {}
        self.components: dict[str, Any] = {}

    def want(self, key: Any, tp: Any, mode: JsonMode) -> None:
        self.wanted.append((key, mode, TypeAdapter(tp)))

    def generate(self) -> None:
        by_key, defs = TypeAdapter.json_schemas(self.wanted, ref_template=REF, schema_generator=OpenAPISchema)
        self.by_key = {key: schema for (key, _mode), schema in by_key.items()}
        self.components.update(_described(defs.get("$defs", {})))

    def query_parameters(self, model: type[BaseModel]) -> list[dict[str, Any]]:
        schema = _described(model.model_json_schema(ref_template=REF, schema_generator=OpenAPISchema))
        for name, definition in schema.pop("$defs", {}).items():
            if self.components.setdefault(name, definition) != definition:
                raise ValueError(f"two different schemas are both named {name}: rename one model")
        required = set(schema.get("required", []))
        params = []
        for name, prop in schema.get("properties", {}).items():
            param: dict[str, Any] = {"name": name, "in": "query", "required": name in required}
            if "description" in prop:
                param["description"] = prop.pop("description")
            params.append({**param, "schema": _query_value(prop)})
        return params


def _described(schema: Any) -> Any:
    """The schema with every ``description`` (a field's, or a model's docstring) in CommonMark."""
    if isinstance(schema, dict):
        return {
            k: _markdown(_unwrapped(v)) if k == "description" and isinstance(v, str) else _described(v)
            for k, v in schema.items()
        }
    if isinstance(schema, list):
        return [_described(v) for v in schema]
    return schema


def _query_value(prop: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is a string or absent, never null: ``X | None = None`` is an optional ``X``."""
    prop = {k: v for k, v in prop.items() if k != "title" and not (k == "default" and v is None)}
    options = [s for s in prop.get("anyOf", []) if s != {"type": "null"}]
    if "anyOf" in prop and len(options) == 1:
        del prop["anyOf"]
        prop = {**options[0], **prop}
    elif "anyOf" in prop:
        prop["anyOf"] = options
    return prop


def _json(schema: Any) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _operation(spec: RouteSpec, schemas: _Schemas) -> dict[str, Any]:
    key = (spec.path, spec.method)
    summary, description = summary_and_description(spec)
    op: dict[str, Any] = {
        "operationId": operation_id(spec),
        "summary": summary,
        "description": description,
        "tags": list(spec.tags) or [capability(spec)],
    }
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)}", spec.path)
    ]
    if spec.query is not None:
        params += schemas.query_parameters(spec.query)
    if params:
        op["parameters"] = params
    if spec.body is not None:
        op["requestBody"] = {
            "required": not spec.body_optional,
            "content": _json(schemas.by_key[("body", key)]),
        }
    ok: dict[str, Any] = {"description": "no content" if spec.status == 204 else "success"}
    if spec.response is not None and spec.status != 204:
        ok["content"] = _json(schemas.by_key[("response", key)])
    op["responses"] = {str(spec.status): ok} | {
        str(status): {"$ref": f"#/components/responses/{ERROR_RESPONSES[status][0]}"}
        for status in error_statuses(spec)
    }
    if spec.auth is not None:
        op["security"] = [{"bearerAuth": []}]
    return op


def _error_response(status: int) -> dict[str, Any]:
    """The shared error response of a status, naming the default codes of the domain errors answering it."""
    codes = sorted({e.code for e in _domain_errors() if e.status == status})
    text = ERROR_RESPONSES[status][1]
    if codes:
        text += " `error.code` says which, e.g. " + ", ".join(f"`{c}`" for c in codes) + "."
    return {"description": text, "content": _json({"$ref": REF.format(model="ErrorBody")})}


def _domain_errors() -> list[type[errors.DomainError]]:
    found, todo = [], [errors.DomainError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo += cls.__subclasses__()
    return found


def build_openapi(routes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The document for a Chalice route table (``app.routes``). Every route must be declared with ``route``."""
    specs: list[RouteSpec] = []
    for path in sorted(routes):
        for method in sorted(routes[path]):
            spec = ROUTES.get((path, method))
            if spec is None:
                raise LookupError(f"{method} {path} is not declared with common.api.route")
            specs.append(spec)
    schemas = _Schemas()
    schemas.want("ErrorBody", ErrorBody, "serialization")
    for spec in specs:
        if spec.body is not None:
            schemas.want(("body", (spec.path, spec.method)), spec.body, "validation")
        if spec.response is not None:
            schemas.want(("response", (spec.path, spec.method)), spec.response, "serialization")
    schemas.generate()

    paths: dict[str, Any] = {}
    owners: dict[str, RouteSpec] = {}
    tags: dict[str, str] = {}
    for spec in specs:
        op = _operation(spec, schemas)
        other = owners.setdefault(op["operationId"], spec)
        if other is not spec:
            raise ValueError(
                f"{spec.method} {spec.path} and {other.method} {other.path} share {op['operationId']}"
            )
        for tag in op["tags"]:
            tags.setdefault(tag, _tag_description(tag, spec))
        paths.setdefault(spec.path, {})[spec.method.lower()] = op
    used = sorted({status for spec in specs for status in error_statuses(spec)})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "家政 home-services booking API",
            "version": "1.0.0",
            "description": (
                "The backend of a home-services booking platform: the customers' mini-program, the workers' app "
                "and the operators' admin console. JSON in and out (UTF-8); money is integer fen in fields "
                "ending `_fen`; times are ISO 8601 with an offset (business time zone Asia/Shanghai); lists are "
                "paginated with `limit` and `cursor`. A token carries one role, and the path says which: "
                "`/v1/admin/` operator, `/v1/worker/` worker, `/v1/me` customer. Errors are "
                '`{"error": {"code", "message"}}`.'
            ),
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": name, "description": tags[name]} for name in sorted(tags)],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.components.items())),
            "responses": {ERROR_RESPONSES[s][0]: _error_response(s) for s in used},
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "The token from a login route (`/v1/auth/...`); it carries one role.",
                }
            },
        },
    }


docs = Blueprint(__name__)


@route(docs, "/v1/openapi.json", "GET", auth=None, tags=("docs",))
def openapi_document(call: Any) -> dict[str, Any]:
    """The complete OpenAPI 3.1 reference of this API.

    Generated from the routes as they are deployed, so it is never out of date: every path, body, response
    and error, and the values of the settings the descriptions name."""
    return build_openapi(docs.current_app.routes)
