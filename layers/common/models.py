"""The strict base model every request body and query derives from: an unknown field is a 422 naming it, so a
client's typo never passes silently (API.md "Errors")."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# A short human text: stripped, and with something besides white space, in the schema too (pattern ``\S``), so a
# schema-valid value is never refused as empty after stripping.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"\S")]
