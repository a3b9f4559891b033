"""What the OpenAPI document calls valid in a request is valid to the route too, and the other way round.

- A text stripped before its length is checked says so in its schema (``common.models.text``: pattern ``\\S``),
  so ``"\\n\\t"`` is refused by both, and ``" x "`` accepted by both.
- A date or a time is written as one, as its schema's ``format`` says (``common.models.Day``, ``Moment``): a
  number is not read as a Unix timestamp (``?from=0`` is not 1970-01-01).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Any, get_args, get_origin

import jsonschema
import pytest
from pydantic import AwareDatetime, BaseModel, TypeAdapter, ValidationError


def _request_models() -> list[type[BaseModel]]:
    from common.api import ROUTES
    from common.lazy import load_all_routes

    import app  # noqa: F401 — the app names every capability's manifest; the routes load on demand

    load_all_routes()
    # The product's routes: the local stack's own /v1/dev/ routes join the table only where a stack installed
    # them, and the set collected must not depend on which test ran first in this process.
    product = [spec for (path, _), spec in ROUTES.items() if not path.startswith("/v1/dev/")]
    models = {m for spec in product for m in (spec.body, spec.query) if m is not None}
    return sorted(models, key=lambda m: f"{m.__module__}.{m.__qualname__}")


SCALARS = (str, dt.date, dt.datetime, AwareDatetime)


def _leaves(tp: Any, where: str, seen: set[type]) -> Iterator[tuple[str, Any]]:
    """Every string, date and time a request can carry, with its constraints, and the field it sits in."""
    if get_origin(tp) is Annotated:
        base = get_args(tp)[0]
        if base in SCALARS:
            yield where, tp
        else:
            yield from _leaves(base, where, seen)
    elif tp in SCALARS:
        yield where, tp
    elif isinstance(tp, type) and issubclass(tp, BaseModel):
        if tp not in seen:
            seen.add(tp)
            for name, field in tp.model_fields.items():
                leaf = Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
                yield from _leaves(leaf, f"{tp.__name__}.{name}", seen)
    else:
        for arg in get_args(tp):
            yield from _leaves(arg, where, seen)


def _request_leaves() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for model in _request_models():
        for where, tp in _leaves(model, model.__name__, set()):
            found.setdefault(where, tp)
    return found


def _base(tp: Any) -> Any:
    return get_args(tp)[0] if get_origin(tp) is Annotated else tp


LEAVES = _request_leaves()
STRINGS = {where: tp for where, tp in LEAVES.items() if _base(tp) is str}
TEMPORAL = {where: tp for where, tp in LEAVES.items() if _base(tp) is not str}


def test_the_request_models_carry_constrained_strings_to_check() -> None:
    assert "ShareLinkQuery.worker_id" in STRINGS  # the field schemathesis once found refused as "\n\t"
    assert len(STRINGS) > 50
    assert "CalendarQuery.start_date" in TEMPORAL  # ?from=0 once read as 1970-01-01


def _accepts(tp: Any, value: Any) -> bool:
    try:
        TypeAdapter(tp).validate_python(value)
        return True
    except ValidationError:
        return False


@pytest.mark.parametrize("where", sorted(STRINGS))
@pytest.mark.parametrize("value", ["\n\t", " ", " x ", "x"])
def test_a_string_is_valid_to_the_schema_exactly_when_the_route_accepts_it(where: str, value: str) -> None:
    in_schema = jsonschema.Draft202012Validator(TypeAdapter(STRINGS[where]).json_schema()).is_valid(value)
    assert _accepts(STRINGS[where], value) == in_schema, (
        f"{where}: {value!r} is {'valid' if in_schema else 'invalid'} in the schema"
    )


@pytest.mark.parametrize("where", sorted(TEMPORAL))
def test_a_date_or_time_is_written_as_one_never_as_a_number(where: str) -> None:
    tp = TEMPORAL[where]
    written = "2026-12-03" if _base(tp) is dt.date else "2026-12-03T09:30:00+08:00"
    assert _accepts(tp, written), f"{where} refuses {written!r}"
    for number in ("0", "1764725400", "1.5e9", 0):
        assert not _accepts(tp, number), f"{where} reads {number!r} as a Unix timestamp"
