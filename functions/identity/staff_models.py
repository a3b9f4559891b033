"""Staff accounts and the audit trail as the API shows them (API.md "Operators: staff, roles, audit")."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from common.models import Strict
from pydantic import BaseModel, Field, StringConstraints, field_validator

StaffRole = Literal["admin", "dispatcher", "finance", "support", "marketing"]
# Lower-case letters, digits, dot, dash and underscore: the username is part of the staff id in paths.
Username = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{1,31}$")]
Password = Annotated[str, StringConstraints(min_length=8, max_length=256)]
Roles = Annotated[list[StaffRole], Field(min_length=1, max_length=5)]


def _distinct(roles: list[str] | None) -> list[str] | None:
    if roles is not None and len(set(roles)) != len(roles):
        raise ValueError("each role at most once")
    return roles


class StaffIn(Strict):
    username: Username
    password: Password
    roles: Roles
    disabled: bool = False

    _roles = field_validator("roles")(_distinct)


class StaffPatch(Strict):
    """Only the fields sent change. ``username`` may be sent, but only as it is (usernames never change)."""

    username: Username | None = None
    password: Password | None = None
    roles: Roles | None = None
    disabled: bool | None = None

    _roles = field_validator("roles")(_distinct)


class Staff(BaseModel):
    id: str
    username: str
    roles: list[StaffRole]
    disabled: bool
    created_at: str
    updated_at: str | None = None


class OperatorLoginResponse(BaseModel):
    """The token (its payload's ``roles`` claim says the same) and the staff member's roles."""

    token: str
    roles: list[StaffRole]


class AuditEntry(BaseModel):
    id: str
    at: str
    staff: str = Field(description="the staff id of who acted")
    staff_username: str | None = None
    action: str
    target: str = Field(description='what was acted on, "{kind}:{id}"')
    details: dict[str, Any]
