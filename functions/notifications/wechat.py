"""WeChat subscription messages (INTEGRATIONS.md): ``subscribe/send``.

``SubscribeMessenger`` is the interface; ``SubscribeMessageClient`` the real client (``base_url`` is
api.weixin.qq.com when deployed, the loopback stand-in in the local stack and tests).

The access token (cache, renewal, the 40001 refresh) is the process's one access-token client,
``common.wechat_api.WeChatServerApi``, shared with identity's phone-number exchange.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from common.settings import get_settings
from common.wechat_api import TOKENS, AccessTokens, WeChatServerApi
from common.wechat_api import WeChatUnavailable as Unavailable

__all__ = [
    "AccessTokens",
    "NoQuota",
    "Refused",
    "SubscribeMessageClient",
    "SubscribeMessenger",
    "Unavailable",
]

NO_QUOTA = 43101
# Refused for good: bad openid, template id, data or page. Another try with the same message cannot succeed.
REFUSED = frozenset({40003, 40037, 47003, 41030, 47001})


class NoQuota(Exception):
    """WeChat 43101: the user has no subscription left for this template (or withdrew it)."""


class Refused(Exception):
    """WeChat refused this message for good (errcode in ``REFUSED``); the errcode says why."""

    def __init__(self, errcode: int) -> None:
        super().__init__(f"WeChat refused the message (errcode {errcode})")
        self.errcode = errcode


class SubscribeMessenger(Protocol):
    def send(self, openid: str, template_id: str, page: str, data: dict[str, dict[str, str]]) -> None:
        """Send one subscription message; raises ``NoQuota``, ``Refused`` or ``Unavailable``."""
        ...


class SubscribeMessageClient:
    def __init__(
        self,
        base_url: str,
        appid: str,
        secret: str,
        *,
        miniprogram_state: str = "formal",
        timeout: float = 5.0,
        tokens: AccessTokens = TOKENS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.api = WeChatServerApi(base_url, appid, secret, timeout=timeout, tokens=tokens, clock=clock)
        self.miniprogram_state = miniprogram_state

    @classmethod
    def from_settings(cls) -> SubscribeMessageClient:
        s = get_settings()
        return cls(
            s.wechat_api_base,
            s.wechat_appid,
            s.wechat_app_secret.get_secret_value(),
            miniprogram_state=s.miniprogram_state,
            timeout=s.http_timeout_seconds,
        )

    def access_token(self, *, force_refresh: bool = False) -> str:
        """The shared client's access token (cached; see ``common.wechat_api``)."""
        return self.api.access_token(force_refresh=force_refresh)

    def send(self, openid: str, template_id: str, page: str, data: dict[str, dict[str, str]]) -> None:
        body = {
            "touser": openid,
            "template_id": template_id,
            "page": page,
            "data": data,
            "miniprogram_state": self.miniprogram_state,
            "lang": "zh_CN",
        }
        result = self.api.call("/cgi-bin/message/subscribe/send", body)
        errcode = result.get("errcode") or 0
        if errcode == 0:
            return
        if errcode == NO_QUOTA:
            raise NoQuota()
        if errcode in REFUSED:
            raise Refused(errcode)
        raise Unavailable(f"WeChat subscribe/send failed (errcode {errcode})")
