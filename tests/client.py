"""What the integration tests (chalice's in-process gateway) and the e2e tests (HTTP against the local stack) share:
a JSON reply, and the same verbs on top of one ``call``, so a story reads the same in both layers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]


class JsonCalls:
    """``get``/``post``/``patch``/``put`` and ``login`` on top of the subclass's ``call``."""

    def call(self, method: str, path: str, body: Any = None, **kw: Any) -> Reply:
        raise NotImplementedError

    def get(self, path: str, **kw: Any) -> Reply:
        return self.call("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.call("POST", path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.call("PATCH", path, body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.call("PUT", path, body, **kw)

    def login(self, name: str, role: str = "customer") -> str:
        """A token for ``dev:NAME`` through the WeChat login (the stand-in maps it to openid NAME)."""
        reply = self.post("/v1/auth/wechat", {"code": f"dev:{name}", "role": role})
        assert reply.status == 200, reply.body
        return reply.body["token"]
