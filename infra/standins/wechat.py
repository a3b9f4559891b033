"""WeChat API stand-in: ``/sns/jscode2session`` as WeChat answers it.

A code ``dev:NAME`` logs in the openid ``NAME`` (API.md); any other code gets errcode 40029, as a forged or
expired code does at WeChat. The appid and secret must match the ones it was started with (40013 / 40125).
"""

from __future__ import annotations

import json
import secrets

from infra.standins.loopback import LoopbackServer, Reply, Request


class WeChatStandIn:
    def __init__(self, appid: str, secret: str) -> None:
        self.appid = appid
        self.secret = secret
        self.server = LoopbackServer(self.handle)

    @property
    def url(self) -> str:
        return self.server.url

    def close(self) -> None:
        self.server.close()

    def handle(self, req: Request) -> Reply:
        if req.method == "GET" and req.path == "/sns/jscode2session":
            return _json(self.code2session(req.query))
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


def _json(data: dict[str, object]) -> Reply:
    # WeChat answers errors with HTTP 200 and an errcode.
    return Reply(200, json.dumps(data, ensure_ascii=False).encode())
