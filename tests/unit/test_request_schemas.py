"""A string the OpenAPI document calls valid is valid to the route too, and the other way round: a text that is
stripped before its length is checked says so in its schema (``common.models.text``: pattern ``\\S``), so a
client (or schemathesis) that sends ``"\\n\\t"`` is refused by both, and ``" x "`` accepted by both."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, get_args, get_origin

import jsonschema
import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError


def _request_models() -> list[type[BaseModel]]:
    from common.api import ROUTES
    from common.lazy import load_all_routes

    import app  # noqa: F401 — the app names every capability's manifest; the routes load on demand

    load_all_routes()
    models = {m for spec in ROUTES.values() for m in (spec.body, spec.query) if m is not None}
    return sorted(models, key=lambda m: f"{m.__module__}.{m.__qualname__}")


def _strings(tp: Any, where: str, seen: set[type]) -> Iterator[tuple[str, Any]]:
    """Every string type a request can carry, with its constraints, and the field path it sits at."""
    if get_origin(tp) is Annotated:
        base = get_args(tp)[0]
        if base is str:
            yield where, tp
        else:
            yield from _strings(base, where, seen)
    elif isinstance(tp, type) and issubclass(tp, BaseModel):
        if tp not in seen:
            seen.add(tp)
            for name, field in tp.model_fields.items():
                leaf = Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
                yield from _strings(leaf, f"{tp.__name__}.{name}", seen)
    else:
        for arg in get_args(tp):
            yield from _strings(arg, where, seen)


def _constrained_strings() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for model in _request_models():
        for where, tp in _strings(model, model.__name__, set()):
            found.setdefault(where, tp)
    return found


STRINGS = _constrained_strings()


def test_the_request_models_carry_constrained_strings_to_check() -> None:
    assert "ShareLinkQuery.worker_id" in STRINGS  # the field schemathesis once found refused as "\n\t"
    assert len(STRINGS) > 50


@pytest.mark.parametrize("where", sorted(STRINGS))
@pytest.mark.parametrize("value", ["\n\t", " ", " x ", "x"])
def test_a_string_is_valid_to_the_schema_exactly_when_the_route_accepts_it(where: str, value: str) -> None:
    adapter = TypeAdapter(STRINGS[where])
    in_schema = jsonschema.Draft202012Validator(adapter.json_schema()).is_valid(value)
    try:
        adapter.validate_python(value)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted == in_schema, f"{where}: {value!r} is {'valid' if in_schema else 'invalid'} in the schema"
