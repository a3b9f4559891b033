"""WeChat API stand-in: ``/sns/jscode2session`` as WeChat answers it.

A code ``dev:NAME`` logs in the openid ``NAME`` (API.md); any other code gets errcode 40029, as a forged or
expired code does at WeChat. The appid and secret must match the ones it was started with (40013 / 40125).

Subscription messages: ``POST /cgi-bin/stable_token`` hands out access tokens (the same one until it expires or
``force_refresh``), ``POST /cgi-bin/message/subscribe/send`` checks the token (40001), the keyword values
against WeChat's limits (47003) and the user's one-time quota per template (43101), which the mini-program's
``wx.requestSubscribeMessage`` would have granted: ``grant(openid, template_id)`` does it here, as does
``POST /_standin/subscribe`` ``{"openid", "template_ids"}`` for the local stack. ``rotate_token()`` and
``invalidate_token()`` make the next send meet a token WeChat no longer accepts.

Phone numbers: ``POST /wxa/business/getuserphonenumber?access_token=…`` checks the token as ``subscribe/send``
does (40001) and maps a getPhoneNumber code ``phone:NUMBER`` to that number (``phone:+852-61234567`` for another
country's); any other code, or one already used (codes are single use), gets 40029.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections import Counter
from typing import Any

from infra.standins.loopback import LoopbackServer, Reply, Request

TOKEN_SECONDS = 7200
# WeChat's keyword value rules (订阅消息参数值内容限制), checked independently of our own fitting code.
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
_VALUE_RULES: dict[str, re.Pattern[str]] = {
    "thing": re.compile(r"^.{1,20}$", re.S),
    "number": re.compile(r"^[0-9.]{1,32}$"),
    "letter": re.compile(r"^[A-Za-z]{1,32}$"),
    "symbol": re.compile(r"^[^0-9A-Za-z" + _HAN + r"]{1,5}$"),
    "character_string": re.compile(r"^[\x21-\x7e]{1,32}$"),
    "time": re.compile(
        r"^(\d{4}年\d{1,2}月\d{1,2}日 |\d{4}-\d{2}-\d{2} )?\d{1,2}:\d{2}"
        r"( ?~ ?(\d{4}年\d{1,2}月\d{1,2}日 |\d{4}-\d{2}-\d{2} )?\d{1,2}:\d{2})?$"
    ),
    "date": re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日( \d{1,2}:\d{2})?$"),
    "amount": re.compile(r"^[¥$￥]?\d{1,10}(\.\d{1,2})?元?$"),
    "phone_number": re.compile(r"^[0-9+\-() ]{1,17}$"),
    "phrase": re.compile(r"^[" + _HAN + r"]{1,5}$"),
    "name": re.compile(r"^([" + _HAN + r"]{1,10}|[A-Za-z .\-]{1,20})$"),
}


class WeChatStandIn:
    def __init__(self, appid: str, secret: str) -> None:
        self.appid = appid
        self.secret = secret
        self._lock = threading.Lock()
        self._token: str | None = None
        self._valid_tokens: set[str] = set()
        self.quota: Counter[tuple[str, str]] = Counter()  # (openid, template id) → sends left
        self.sent: list[dict[str, Any]] = []  # every accepted subscription message
        self.calls: Counter[str] = Counter()  # path → requests, e.g. to see the token cached
        self._used_phone_codes: set[str] = set()
        self.server = LoopbackServer(self.handle)

    @property
    def url(self) -> str:
        return self.server.url

    def close(self) -> None:
        self.server.close()

    def handle(self, req: Request) -> Reply:
        with self._lock:
            self.calls[req.path] += 1
        if req.method == "GET" and req.path == "/sns/jscode2session":
            return _json(self.code2session(req.query))
        if req.method == "POST" and req.path == "/cgi-bin/stable_token":
            return _json(self.stable_token(_body(req)))
        if req.method == "POST" and req.path == "/cgi-bin/message/subscribe/send":
            return _json(self.subscribe_send(req.query.get("access_token", ""), _body(req)))
        if req.method == "POST" and req.path == "/wxa/business/getuserphonenumber":
            return _json(self.phone_number(req.query.get("access_token", ""), _body(req)))
        if req.method == "POST" and req.path == "/_standin/subscribe":
            body = _body(req)
            for template_id in body.get("template_ids") or []:
                self.grant(str(body.get("openid")), str(template_id))
            return _json({"errcode": 0, "errmsg": "ok"})
        return _json({"errcode": 40066, "errmsg": "invalid url"})

    def code2session(self, q: dict[str, str]) -> dict[str, object]:
        if q.get("appid") != self.appid:
            return {"errcode": 40013, "errmsg": "invalid appid"}
        if q.get("secret") != self.secret:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        if q.get("grant_type") != "authorization_code":
            return {"errcode": 40002, "errmsg": "invalid grant_type"}
        code = q.get("js_code", "")
        if not code.startswith("dev:") or len(code) <= 4:
            return {"errcode": 40029, "errmsg": "invalid code"}
        return {"openid": code[4:], "session_key": secrets.token_urlsafe(16)}

    # Subscription messages

    def grant(self, openid: str, template_id: str, count: int = 1) -> None:
        """The user accepted a prompt for this template ``count`` times (as wx.requestSubscribeMessage)."""
        with self._lock:
            self.quota[(openid, template_id)] += count

    def rotate_token(self) -> None:
        """Another server forced a refresh: the token in use is dead, ``stable_token`` hands out a new one."""
        with self._lock:
            self._valid_tokens.clear()
            self._token = None

    def invalidate_token(self) -> None:
        """The token in use stops working, yet ``stable_token`` keeps handing it out until forced."""
        with self._lock:
            self._valid_tokens.clear()

    def stable_token(self, body: dict[str, Any]) -> dict[str, object]:
        if body.get("grant_type") != "client_credential":
            return {"errcode": 40002, "errmsg": "invalid grant_type"}
        if body.get("appid") != self.appid:
            return {"errcode": 40013, "errmsg": "invalid appid"}
        if body.get("secret") != self.secret:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        with self._lock:
            if self._token is None or body.get("force_refresh") is True:
                self._token = secrets.token_urlsafe(24)
                self._valid_tokens = {self._token}
            return {"access_token": self._token, "expires_in": TOKEN_SECONDS}

    def subscribe_send(self, token: str, body: dict[str, Any]) -> dict[str, object]:
        with self._lock:
            if token not in self._valid_tokens:
                return {
                    "errcode": 40001,
                    "errmsg": "invalid credential, access_token is invalid or not latest",
                }
            openid, template_id = body.get("touser"), body.get("template_id")
            if not isinstance(openid, str) or not openid:
                return {"errcode": 40003, "errmsg": "invalid openid"}
            if not isinstance(template_id, str) or not template_id:
                return {"errcode": 40037, "errmsg": "invalid template_id"}
            if body.get("miniprogram_state", "formal") not in ("developer", "trial", "formal"):
                return {"errcode": 47001, "errmsg": "data format error"}
            data = body.get("data")
            if not isinstance(data, dict) or not data:
                return {"errcode": 47003, "errmsg": "argument invalid! data is empty"}
            for key, entry in data.items():
                if not _valid_value(key, entry):
                    return {"errcode": 47003, "errmsg": f"argument invalid! data.{key}.value invalid"}
            if self.quota[(openid, template_id)] <= 0:
                return {"errcode": 43101, "errmsg": "user refuse to accept the msg"}
            self.quota[(openid, template_id)] -= 1
            self.sent.append(body)
            return {"errcode": 0, "errmsg": "ok"}

    def phone_number(self, token: str, body: dict[str, Any]) -> dict[str, object]:
        with self._lock:
            if token not in self._valid_tokens:
                return {
                    "errcode": 40001,
                    "errmsg": "invalid credential, access_token is invalid or not latest",
                }
            code = body.get("code")
            if not isinstance(code, str) or not code.startswith("phone:") or code in self._used_phone_codes:
                return {"errcode": 40029, "errmsg": "invalid code"}
            self._used_phone_codes.add(code)
        number = code.removeprefix("phone:")
        country, _, pure = number[1:].partition("-") if number.startswith("+") else ("86", "", number)
        return {
            "errcode": 0,
            "errmsg": "ok",
            "phone_info": {
                "phoneNumber": number if country != "86" else pure,
                "purePhoneNumber": pure,
                "countryCode": country,
                "watermark": {"timestamp": 0, "appid": self.appid},
            },
        }

    def sent_to(self, openid: str) -> list[dict[str, Any]]:
        with self._lock:
            return [m for m in self.sent if m.get("touser") == openid]


def _valid_value(key: str, entry: object) -> bool:
    if not isinstance(entry, dict) or not isinstance(entry.get("value"), str):
        return False
    kind = re.sub(r"\d+$", "", key)
    rule = _VALUE_RULES.get(kind)
    return rule is not None and bool(rule.match(entry["value"]))


def _body(req: Request) -> dict[str, Any]:
    try:
        data = json.loads(req.body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _json(data: dict[str, object]) -> Reply:
    # WeChat answers errors with HTTP 200 and an errcode.
    return Reply(200, json.dumps(data, ensure_ascii=False).encode())
