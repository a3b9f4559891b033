"""The strict base model every request body and query derives from: an unknown field is a 422 naming it, so a
client's typo never passes silently (API.md "Errors")."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, StringConstraints
from pydantic_core import PydanticCustomError


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def text(max_length: int) -> Any:
    """A stripped text of at most ``max_length`` characters with something besides white space, in the schema too
    (pattern ``\\S``), so a schema-valid value is never refused as empty once stripped (``"\\n\\t"`` is invalid in
    both)."""
    return Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length, pattern=r"\S")
    ]


Text = text(200)  # a short human text: a name, a reason, a note
Id = text(64)  # an id in a path, a query or a body

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _written_as(kind: type[dt.date]) -> BeforeValidator:
    """A date or a time in a request is written as one (ISO 8601), as its schema's ``format`` says: pydantic alone
    also reads a number, or a string of digits, as a Unix timestamp (``?from=0`` would be 1970-01-01). The string
    is parsed here, so a body (validated strictly) and a query (from strings) read it alike."""

    def parse(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return value  # a date object from our own code, or a wrong type the type's own check refuses
        # pydantic's own error type, not a ValueError: a malformed date breaks the schema (VALIDATION_FAILED),
        # not a rule (common.api reads a model's ValueError as RULE_VIOLATION)
        error = f"{kind.__name__}_parsing"
        if not isinstance(value, str) or _NUMBER.fullmatch(value.strip()):
            raise PydanticCustomError(
                error, "expected an ISO 8601 {kind}, not a number", {"kind": kind.__name__}
            )
        try:
            return kind.fromisoformat(value.strip())
        except ValueError:
            raise PydanticCustomError(error, "expected an ISO 8601 {kind}", {"kind": kind.__name__}) from None

    return BeforeValidator(parse)


Day = Annotated[dt.date, _written_as(dt.date)]  # a date in a request: YYYY-MM-DD
Moment = Annotated[AwareDatetime, _written_as(dt.datetime)]  # a time in a request, with its offset

# A link to media (photos, videos, certificates): http(s), printable ASCII only, so the schema's pattern and the
# validator's regex engine agree on every character.
Url = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https?://[!-~]+$", max_length=500)]
