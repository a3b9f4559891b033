"""Identity's language: users (customers and workers), operators, a customer's profile and addresses."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from common.models import Day, Strict, Text, text
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

# Digits, spaces and dashes, starting and ending with a digit (so stripping never changes a valid value).
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 -]{4,18}[0-9]$")]
PhoneText = text(20)  # a phone as typed, before its check
Short = text(40)  # a nickname, a contact's name
Region = text(60)


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
    exclusive_support: bool = False  # 专属客服, a benefit of the customer's membership tier


class ProfilePatch(Strict):
    nickname: Short | None = None
    phone: Phone | None = None
    birthday: Day | None = None
    region: Region | None = None


Lat = Annotated[float, Field(ge=-90, le=90)]
Lng = Annotated[float, Field(ge=-180, le=180)]


class AddressFields(Strict):
    contact_name: Short
    phone: Phone
    region: Region
    detail: Text


class AddressIn(AddressFields):
    """``POST /v1/me/addresses``: with the mini-program's coordinates (GCJ-02), or without them to have the
    address geocoded from ``region`` + ``detail``."""

    lat: Lat | None = None
    lng: Lng | None = None

    @model_validator(mode="after")
    def _both_or_neither(self) -> AddressIn:
        if (self.lat is None) != (self.lng is None):
            raise ValueError("send both lat and lng, or neither (the address is then geocoded)")
        return self


class Address(AddressFields):
    model_config = ConfigDict(extra="ignore")
    id: str
    lat: Lat
    lng: Lng


class SmsCodeRequest(Strict):
    phone: PhoneText


class SmsCodeSent(BaseModel):
    """A code is on its way; it is valid ``expires_in_seconds``, another may be asked for after
    ``resend_after_seconds``."""

    expires_in_seconds: int
    resend_after_seconds: int


class PhoneBindRequest(Strict):
    """``POST /v1/me/phone`` (and ``/v1/worker/phone``): ``{"code"}`` from the mini-program's getPhoneNumber, or
    ``{"phone", "sms_code"}`` after ``POST /v1/auth/sms-code``."""

    code: Text | None = None
    phone: PhoneText | None = None
    sms_code: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{6}$")] | None = None

    @model_validator(mode="after")
    def _one_way(self) -> PhoneBindRequest:
        by_sms = self.phone is not None or self.sms_code is not None
        if (self.code is None) == (not by_sms) or (by_sms and (self.phone is None or self.sms_code is None)):
            raise ValueError('send {"code"} from getPhoneNumber, or {"phone", "sms_code"}')
        return self


class PhoneBinding(BaseModel):
    """The phone now bound to the account (its owner's view)."""

    phone: str
    source: Literal["wechat", "sms"]
    bound_at: str


class Contact(BaseModel):
    """Where to reach a customer or worker outside the app: WeChat openid (subscription messages) and phone
    (SMS). Personal data: for delivery only, never logged (kept out of ``repr``) and never in a response."""

    user_id: str
    role: Literal["customer", "worker"]
    openid: str | None = Field(default=None, repr=False)
    phone: str | None = Field(default=None, repr=False)
