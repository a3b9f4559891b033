"""WeChat mini-program login (``code2Session``) and the phone-number exchange (``getuserphonenumber``),
INTEGRATIONS.md.

``WeChatLogin`` and ``WeChatPhone`` are the interfaces; ``WeChatLoginClient`` and ``WeChatPhoneClient`` the real
clients (``base_url`` is api.weixin.qq.com when deployed, the loopback stand-in in the local stack and tests). The
phone exchange needs the access token: it goes through the process's one access-token client,
``common.wechat_api.WeChatServerApi`` (cached, refreshed on 40001), which subscription messages share.
"""

from __future__ import annotations

from typing import Protocol

import requests
from common.errors import RateLimited, RuleViolation, Unauthorized, UpstreamError
from common.settings import get_settings
from common.snapshot import on_restore
from common.wechat_api import WeChatServerApi, WeChatUnavailable
from pydantic import BaseModel

_http = requests.Session()
on_restore(_http.close)  # SnapStart: pooled connections do not survive a restore


class WeChatSession(BaseModel):
    openid: str
    unionid: str | None = None


class WeChatLogin(Protocol):
    def code_to_session(self, code: str) -> WeChatSession: ...


class WeChatLoginClient:
    def __init__(self, base_url: str, appid: str, secret: str, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.appid = appid
        self.secret = secret
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> WeChatLoginClient:
        s = get_settings()
        return cls(
            s.wechat_api_base, s.wechat_appid, s.wechat_app_secret.get_secret_value(), s.http_timeout_seconds
        )

    def code_to_session(self, code: str) -> WeChatSession:
        """Exchange a ``wx.login`` code for the user's openid. The session key is dropped here: it never
        leaves the server, and we keep no use for it."""
        params = {
            "appid": self.appid,
            "secret": self.secret,
            "js_code": code,
            "grant_type": "authorization_code",
        }
        try:
            resp = _http.get(f"{self.base_url}/sns/jscode2session", params=params, timeout=self.timeout)
            resp.raise_for_status()
            data = resp.json()
        except (requests.RequestException, ValueError) as exc:
            raise UpstreamError("WeChat login is unavailable, try again") from exc
        errcode = data.get("errcode") or 0
        if errcode in (40029, 40163):
            raise Unauthorized("the WeChat login code is invalid or was already used", code="INVALID_CODE")
        if errcode == 45011:
            raise RateLimited("WeChat login is rate limited, try again shortly")
        if errcode or not data.get("openid"):
            raise UpstreamError(f"WeChat login failed (errcode {errcode})")
        return WeChatSession(openid=data["openid"], unionid=data.get("unionid"))


class WeChatPhoneNumber(BaseModel):
    phone: str  # purePhoneNumber: without the country code
    country_code: str


class WeChatPhone(Protocol):
    def phone_number(self, code: str) -> WeChatPhoneNumber: ...


class WeChatPhoneClient:
    def __init__(self, api: WeChatServerApi) -> None:
        self.api = api

    @classmethod
    def from_settings(cls) -> WeChatPhoneClient:
        return cls(WeChatServerApi.from_settings())

    def phone_number(self, code: str) -> WeChatPhoneNumber:
        """Exchange a ``getPhoneNumber`` code (single use, about 5 minutes) for the user's phone number."""
        try:
            data = self.api.call("/wxa/business/getuserphonenumber", {"code": code})
        except WeChatUnavailable as exc:
            raise UpstreamError("WeChat is unavailable, try again") from exc
        errcode = data.get("errcode") or 0
        if errcode == 40029:
            raise RuleViolation(
                "the WeChat phone code is invalid, expired or was already used", code="PHONE_CODE_INVALID"
            )
        if errcode == 45011:
            raise RateLimited("WeChat is rate limiting phone numbers, try again shortly")
        info = data.get("phone_info") if errcode == 0 else None
        if not isinstance(info, dict) or not info.get("purePhoneNumber"):
            raise UpstreamError(f"WeChat getuserphonenumber failed (errcode {errcode})")
        return WeChatPhoneNumber(
            phone=str(info["purePhoneNumber"]), country_code=str(info.get("countryCode") or "")
        )
