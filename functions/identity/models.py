"""Identity's language: users (customers and workers), operators, a customer's profile and addresses."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from common.models import Strict
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 -]{5,19}$")]


class WeChatLoginRequest(Strict):
    code: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    role: Literal["customer", "worker"]
    referral_code: Annotated[str, StringConstraints(max_length=64)] | None = None


class UserSummary(BaseModel):
    id: str
    role: Literal["customer", "worker"]
    is_new: bool


class LoginResponse(BaseModel):
    token: str
    user: UserSummary


class OperatorLoginRequest(Strict):
    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class TokenResponse(BaseModel):
    token: str


class Profile(BaseModel):
    """A customer's own profile (GET /v1/me). Only its owner ever sees it."""

    id: str
    role: Literal["customer", "worker"]
    nickname: str | None = None
    phone: str | None = None
    birthday: date | None = None
    region: str | None = None
    referral_code: str
    created_at: str


class ProfilePatch(Strict):
    nickname: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] | None = (
        None
    )
    phone: Phone | None = None
    birthday: date | None = None
    region: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)] | None = (
        None
    )


class AddressIn(Strict):
    contact_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    phone: Phone
    region: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    detail: Text
    lat: Annotated[float, Field(ge=-90, le=90)]
    lng: Annotated[float, Field(ge=-180, le=180)]


class Address(AddressIn):
    model_config = ConfigDict(extra="ignore")
    id: str


class Contact(BaseModel):
    """Where to reach a customer or worker outside the app: WeChat openid (subscription messages) and phone
    (SMS). Personal data: for delivery only, never logged (kept out of ``repr``) and never in a response."""

    user_id: str
    role: Literal["customer", "worker"]
    openid: str | None = Field(default=None, repr=False)
    phone: str | None = Field(default=None, repr=False)
