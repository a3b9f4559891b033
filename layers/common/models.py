"""The strict base model every request body and query derives from: an unknown field is a 422 naming it, so a
client's typo never passes silently (API.md "Errors")."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints


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

# A link to media (photos, videos, certificates): http(s), printable ASCII only, so the schema's pattern and the
# validator's regex engine agree on every character.
Url = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https?://[!-~]+$", max_length=500)]
