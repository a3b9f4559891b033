"""WeChat Pay API v3 for the mini-program (JSAPI): the ``WeChatPay`` interface and the real client.

The client signs every request with the merchant key and believes a response only when WeChat Pay's signature
(known platform key, fresh timestamp) checks out over the raw body (``crypto.NotificationVerifier``, the same gate
notifications pass). ``base_url`` points at api.mch.weixin.qq.com when deployed
and at the loopback stand-in (infra/standins/wechatpay.py) in the local stack and tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import quote, urlencode

import requests
from common.clock import clock
from common.errors import InvalidNotification, WeChatPayError
from common.money import fen
from common.settings import get_settings
from common.snapshot import on_restore
from cryptography.hazmat.primitives.asymmetric import rsa

from functions.payments import crypto
from functions.payments.crypto import NotificationVerifier
from functions.payments.wechatpay_models import PayParams, Refund, Transaction

_http = requests.Session()
on_restore(_http.close)  # SnapStart: pooled connections do not survive a restore


class WeChatPay(Protocol):
    """WeChat Pay as the payments capability uses it."""

    appid: str
    mchid: str

    def prepay_jsapi(
        self,
        *,
        out_trade_no: str,
        description: str,
        total_fen: int,
        openid: str,
        notify_url: str,
        time_expire: datetime | None = None,
        attach: str | None = None,
    ) -> str:
        """Create (or re-create with identical parameters) a JSAPI prepay; its ``prepay_id`` (valid 2 h)."""
        ...

    def pay_params(self, prepay_id: str, *, now: datetime, nonce: str | None = None) -> PayParams: ...

    def query(self, out_trade_no: str) -> Transaction: ...

    def close(self, out_trade_no: str) -> None: ...

    def refund(
        self,
        *,
        out_trade_no: str,
        out_refund_no: str,
        refund_fen: int,
        total_fen: int,
        reason: str,
        notify_url: str,
    ) -> Refund:
        """Ask for a refund; retrying with the same ``out_refund_no`` never refunds twice."""
        ...

    def query_refund(self, out_refund_no: str) -> Refund: ...

    def verify_notification(
        self, headers: Mapping[str, str], raw_body: bytes | str, *, now: datetime, is_base64: bool = False
    ) -> dict[str, Any]: ...


@dataclass
class WeChatPayConfig:
    mchid: str
    appid: str
    merchant_serial: str
    merchant_private_key: rsa.RSAPrivateKey
    apiv3_key: bytes
    platform_keys: dict[str, rsa.RSAPublicKey]
    api_base: str = "https://api.mch.weixin.qq.com"
    window_seconds: int = 300
    timeout: float = 5.0

    @classmethod
    def from_settings(cls) -> WeChatPayConfig:
        s = get_settings()
        missing = [
            name
            for name, value in (
                ("WECHATPAY_MCHID", s.wechatpay_mchid),
                ("WECHATPAY_MERCHANT_SERIAL", s.wechatpay_merchant_serial),
                ("WECHATPAY_MERCHANT_PRIVATE_KEY", s.wechatpay_merchant_private_key.get_secret_value()),
                ("WECHATPAY_APIV3_KEY", s.wechatpay_apiv3_key.get_secret_value()),
                ("WECHATPAY_PLATFORM_PUBLIC_KEY_ID", s.wechatpay_platform_public_key_id),
                ("WECHATPAY_PLATFORM_PUBLIC_KEY", s.wechatpay_platform_public_key),
            )
            if not value
        ]
        if missing:
            raise RuntimeError(f"WeChat Pay is not configured: set {', '.join(missing)}")
        return cls(
            mchid=s.wechatpay_mchid,
            appid=s.wechatpay_appid or s.wechat_appid,
            merchant_serial=s.wechatpay_merchant_serial,
            merchant_private_key=crypto.load_private_key(s.wechatpay_merchant_private_key.get_secret_value()),
            apiv3_key=s.wechatpay_apiv3_key.get_secret_value().encode(),
            platform_keys={
                s.wechatpay_platform_public_key_id: crypto.load_public_key(s.wechatpay_platform_public_key)
            },
            api_base=s.wechatpay_api_base,
            window_seconds=s.wechatpay_timestamp_window_seconds,
            timeout=s.http_timeout_seconds,
        )


@dataclass
class WeChatPayClient:
    """The real WeChat Pay v3 client. ``now`` is the clock responses' timestamps are checked against."""

    config: WeChatPayConfig
    now: Callable[[], datetime] = clock.now
    session: requests.Session = field(default_factory=lambda: _http)

    @classmethod
    def from_settings(cls) -> WeChatPayClient:
        return cls(WeChatPayConfig.from_settings())

    @property
    def appid(self) -> str:
        return self.config.appid

    @property
    def mchid(self) -> str:
        return self.config.mchid

    @property
    def verifier(self) -> NotificationVerifier:
        c = self.config
        return NotificationVerifier(c.platform_keys, c.apiv3_key, c.window_seconds)

    # -- the API calls ------------------------------------------------------------------------------------------

    def prepay_jsapi(
        self,
        *,
        out_trade_no: str,
        description: str,
        total_fen: int,
        openid: str,
        notify_url: str,
        time_expire: datetime | None = None,
        attach: str | None = None,
    ) -> str:
        fen(total_fen, minimum=1)
        body: dict[str, Any] = {
            "appid": self.config.appid,
            "mchid": self.config.mchid,
            "description": description[:127],
            "out_trade_no": out_trade_no,
            "notify_url": notify_url,
            "amount": {"total": total_fen, "currency": "CNY"},
            "payer": {"openid": openid},
        }
        if time_expire is not None:
            body["time_expire"] = time_expire.isoformat(timespec="seconds")
        if attach:
            body["attach"] = attach
        data = self._call("POST", "/v3/pay/transactions/jsapi", body=body)
        prepay_id = data.get("prepay_id") if isinstance(data, dict) else None
        if not isinstance(prepay_id, str) or not prepay_id:
            raise WeChatPayError("WeChat Pay answered a prepay without prepay_id", provider_status=200)
        return prepay_id

    def pay_params(self, prepay_id: str, *, now: datetime, nonce: str | None = None) -> PayParams:
        """Sign the parameters of ``wx.requestPayment`` for this prepay (no network call)."""
        timestamp, nonce_str, package = (
            str(int(now.timestamp())),
            nonce or crypto.new_nonce(),
            f"prepay_id={prepay_id}",
        )
        signature = crypto.pay_sign(
            self.config.merchant_private_key, self.config.appid, timestamp, nonce_str, package
        )
        return PayParams(
            appId=self.config.appid,
            timeStamp=timestamp,
            nonceStr=nonce_str,
            package=package,
            paySign=signature,
        )

    def query(self, out_trade_no: str) -> Transaction:
        """The trade's state at WeChat Pay; ``WeChatPayError`` with ``ORDER_NOT_EXIST`` if it never prepaid."""
        path = f"/v3/pay/transactions/out-trade-no/{quote(out_trade_no, safe='')}"
        data = self._call("GET", path, query={"mchid": self.config.mchid})
        return _parse(Transaction, data)

    def close(self, out_trade_no: str) -> None:
        """Close an unpaid trade so it can no longer be paid (204). A paid trade answers ``ORDERPAID``."""
        path = f"/v3/pay/transactions/out-trade-no/{quote(out_trade_no, safe='')}/close"
        self._call("POST", path, body={"mchid": self.config.mchid})

    def refund(
        self,
        *,
        out_trade_no: str,
        out_refund_no: str,
        refund_fen: int,
        total_fen: int,
        reason: str,
        notify_url: str,
    ) -> Refund:
        fen(refund_fen, minimum=1)
        fen(total_fen, minimum=1)
        body = {
            "out_trade_no": out_trade_no,
            "out_refund_no": out_refund_no,
            "reason": reason[:80],
            "notify_url": notify_url,
            "amount": {"refund": refund_fen, "total": total_fen, "currency": "CNY"},
        }
        return _parse(Refund, self._call("POST", "/v3/refund/domestic/refunds", body=body))

    def query_refund(self, out_refund_no: str) -> Refund:
        return _parse(
            Refund, self._call("GET", f"/v3/refund/domestic/refunds/{quote(out_refund_no, safe='')}")
        )

    def verify_notification(
        self, headers: Mapping[str, str], raw_body: bytes | str, *, now: datetime, is_base64: bool = False
    ) -> dict[str, Any]:
        """See ``NotificationVerifier.verify``."""
        return self.verifier.verify(headers, raw_body, now=now, is_base64=is_base64)

    # -- the wire -----------------------------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> Any:
        """Sign, send, verify the answer's signature; the parsed JSON (None for 204)."""
        path_with_query = f"{path}?{urlencode(query)}" if query else path
        payload = (
            b"" if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        )
        nonce = crypto.new_nonce()
        auth = crypto.authorization(
            mchid=self.config.mchid,
            serial_no=self.config.merchant_serial,
            private_key=self.config.merchant_private_key,
            method=method,
            path_with_query=path_with_query,
            body=payload,
            timestamp=str(int(self.now().timestamp())),
            nonce=nonce,
        )
        headers = {"Authorization": auth, "Accept": "application/json", "User-Agent": "jiazheng-payments/1"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        try:
            resp = self.session.request(
                method,
                self.config.api_base.rstrip("/") + path_with_query,
                data=payload if body is not None else None,
                headers=headers,
                timeout=self.config.timeout,
            )
        except requests.RequestException as exc:
            raise WeChatPayError("WeChat Pay could not be reached", provider_status=0) from exc
        raw = resp.content
        if resp.status_code >= 300:
            code, message = _error_of(raw)
            raise WeChatPayError(
                f"WeChat Pay refused: {code} {message}".strip(),
                provider_code=code,
                provider_status=resp.status_code,
            )
        try:
            self.verifier.check_signature(resp.headers, raw, now=self.now())
        except InvalidNotification as exc:
            # An unsigned or wrongly signed answer is not WeChat Pay's: believe nothing in it.
            raise WeChatPayError(
                f"WeChat Pay's answer failed verification: {exc.message}",
                provider_code="RESPONSE_NOT_VERIFIED",
                provider_status=resp.status_code,
            ) from exc
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise WeChatPayError(
                "WeChat Pay answered something that is not JSON", provider_status=resp.status_code
            ) from exc


def _error_of(raw: bytes) -> tuple[str, str]:
    try:
        data = json.loads(raw)
        return str(data.get("code", "")), str(data.get("message", ""))
    except (ValueError, AttributeError):
        return "", ""


def _parse(model: type[Any], data: Any) -> Any:
    try:
        if isinstance(data, dict) and model is Refund and "status" not in data and "refund_status" in data:
            data = {**data, "status": data["refund_status"]}
        return model.model_validate(data)
    except ValueError as exc:
        raise WeChatPayError("WeChat Pay answered an unexpected shape", provider_status=200) from exc


_client: tuple[int, WeChatPayClient] | None = None


def client_from_settings() -> WeChatPayClient:
    """The client for the current settings, built once per cold start (parsing the keys is not free)."""
    global _client
    settings = get_settings()
    if _client is None or _client[0] != id(settings):
        _client = (id(settings), WeChatPayClient.from_settings())
    return _client[1]
