"""WeChat's server APIs that need an access token (INTEGRATIONS.md): the one access-token client of the process.

Subscription messages (notifications) and the phone-number exchange (identity) both call through
``WeChatServerApi.call``, so there is one token cache and one refresh rule for the whole process:

- the token comes from ``POST /cgi-bin/stable_token`` and is cached per (API base, appid) until
  ``EXPIRY_MARGIN_SECONDS`` before it expires. ``stable_token`` hands every caller the same token while it is valid,
  so concurrent Lambdas never invalidate each other's;
- when WeChat answers 40001 (token invalid: rotated elsewhere, or the secret reset) the client fetches the current
  token and retries once; only if WeChat hands back the very token it just refused does it ask for a new one with
  ``force_refresh`` (limited to a few a day, and it invalidates everyone's token).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from common.settings import get_settings
from common.snapshot import on_restore

_http = requests.Session()
on_restore(_http.close)  # SnapStart: pooled connections do not survive a restore

TOKEN_ERRORS = frozenset({40001, 40014, 42001})  # invalid credential, invalid token, token expired
EXPIRY_MARGIN_SECONDS = 300


class WeChatUnavailable(Exception):
    """WeChat could not be reached or failed for now; a later attempt may succeed."""


@dataclass
class _Token:
    value: str
    expires_at: float


class AccessTokens:
    """The process's access tokens, per (API base, appid); shared by every client instance in the process."""

    def __init__(self) -> None:
        self._tokens: dict[tuple[str, str], _Token] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str], now: float) -> str | None:
        with self._lock:
            token = self._tokens.get(key)
            return token.value if token and token.expires_at > now else None

    def put(self, key: tuple[str, str], value: str, expires_at: float) -> None:
        with self._lock:
            self._tokens[key] = _Token(value, expires_at)

    def forget(self, key: tuple[str, str], value: str) -> None:
        """Drop a token WeChat refused (unless another thread already replaced it)."""
        with self._lock:
            if (token := self._tokens.get(key)) and token.value == value:
                del self._tokens[key]

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()


TOKENS = AccessTokens()


class WeChatServerApi:
    """POSTs to WeChat's server APIs with the cached access token (``base_url`` is api.weixin.qq.com when
    deployed, the loopback stand-in in the local stack and tests)."""

    def __init__(
        self,
        base_url: str,
        appid: str,
        secret: str,
        *,
        timeout: float = 5.0,
        tokens: AccessTokens = TOKENS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.appid = appid
        self.secret = secret
        self.timeout = timeout
        self.tokens = tokens
        self.clock = clock  # for token expiry only: a monotonic clock, never the business clock

    @classmethod
    def from_settings(cls) -> WeChatServerApi:
        s = get_settings()
        return cls(
            s.wechat_api_base,
            s.wechat_appid,
            s.wechat_app_secret.get_secret_value(),
            timeout=s.http_timeout_seconds,
        )

    def post(self, path: str, body: dict[str, Any], params: dict[str, str] | None = None) -> dict[str, Any]:
        """One POST; WeChat's JSON answer (errors come as HTTP 200 with an errcode). Raises ``WeChatUnavailable``."""
        try:
            resp = _http.post(f"{self.base_url}{path}", params=params, json=body, timeout=self.timeout)
            resp.raise_for_status()
            data = resp.json()
        except (requests.RequestException, ValueError) as exc:
            # Not chained: a requests error's text holds the URL, and the URL holds the access token.
            raise WeChatUnavailable(f"WeChat {path} is unavailable ({type(exc).__name__})") from None
        if not isinstance(data, dict):
            raise WeChatUnavailable(f"WeChat {path} answered something unexpected")
        return data

    def access_token(self, *, force_refresh: bool = False) -> str:
        """A valid access token: the cached one, or a fresh one from ``stable_token``."""
        key = (self.base_url, self.appid)
        if not force_refresh and (cached := self.tokens.get(key, self.clock())):
            return cached
        body = {
            "grant_type": "client_credential",
            "appid": self.appid,
            "secret": self.secret,
            "force_refresh": force_refresh,
        }
        data = self.post("/cgi-bin/stable_token", body)
        token, expires_in = data.get("access_token"), data.get("expires_in")
        if data.get("errcode") or not token or not isinstance(expires_in, int):
            raise WeChatUnavailable(f"WeChat stable_token failed (errcode {data.get('errcode')})")
        # Renew a little early, so a token never expires between the cache check and WeChat.
        self.tokens.put(key, token, self.clock() + max(expires_in - EXPIRY_MARGIN_SECONDS, 0))
        return token

    def _refreshed_token(self, refused: str) -> str:
        """The current token after WeChat refused ``refused``; forced only if WeChat still hands that one out."""
        self.tokens.forget((self.base_url, self.appid), refused)
        token = self.access_token()
        return self.access_token(force_refresh=True) if token == refused else token

    def call(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST ``body`` to ``path?access_token=…``; on a token error, once more with the current token.
        Returns WeChat's answer (the caller reads its ``errcode``)."""
        token = self.access_token()
        result = self.post(path, body, {"access_token": token})
        if (result.get("errcode") or 0) in TOKEN_ERRORS:
            token = self._refreshed_token(token)
            result = self.post(path, body, {"access_token": token})
        return result
