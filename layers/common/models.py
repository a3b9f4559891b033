"""The strict base model every request body and query derives from: an unknown field is a 422 naming it, so a
client's typo never passes silently (API.md "Errors")."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")
