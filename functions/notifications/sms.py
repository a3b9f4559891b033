"""SMS, the fallback when WeChat cannot reach a person: Tencent Cloud SMS, API 3.0 (``SendSms``, version
2021-01-11) over HTTPS JSON, signed with TC3-HMAC-SHA256 on hashlib/hmac.

Why Tencent Cloud: the mini-program and WeChat Pay already tie the business to Tencent's account system, its
API is one signed JSON POST (no SDK needed, ~40 lines to sign), and the endpoint can be overridden for the
loopback stand-in. ``SmsSender`` is the interface; ``TencentSmsClient`` the real client.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests
from common.settings import get_settings
from common.snapshot import on_restore

_http = requests.Session()
on_restore(_http.close)  # SnapStart: pooled connections do not survive a restore

SERVICE = "sms"
ACTION = "SendSms"
VERSION = "2021-01-11"
ALGORITHM = "TC3-HMAC-SHA256"
CONTENT_TYPE = "application/json; charset=utf-8"
SIGNED_HEADERS = "content-type;host;x-tc-action"

# Errors that another try cannot fix: the number or the message itself is the problem, or the number's daily
# limit is reached (a retry tomorrow would be stale news). The 30-second and hourly per-number limits pass:
# those are retried, as SQS redelivers after the visibility timeout.
_REFUSED_PREFIXES = ("InvalidParameterValue.", "FailedOperation.", "UnsupportedOperation.")
_REFUSED_LIMITS = ("LimitExceeded.PhoneNumberDailyLimit", "LimitExceeded.PhoneNumberSameContentDailyLimit")


class SmsRefused(Exception):
    """The provider refused this message for good; ``code`` says why (no phone number in it)."""

    def __init__(self, code: str) -> None:
        super().__init__(f"SMS refused ({code})")
        self.code = code


class SmsUnavailable(Exception):
    """The provider could not be reached or failed for now; a later attempt may succeed."""


class SmsSender(Protocol):
    def send(self, phone: str, template_id: str, params: list[str]) -> None:
        """Send one templated SMS; raises ``SmsRefused`` or ``SmsUnavailable``."""
        ...


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def tc3_signature(
    secret_key: str, *, method: str, host: str, action: str, body: bytes, timestamp: int, service: str
) -> tuple[str, str]:
    """TC3-HMAC-SHA256 over a JSON POST to ``/``: (credential scope, hex signature).

    canonical request = METHOD \\n / \\n (empty query) \\n canonical headers \\n signed headers \\n sha256(body);
    string to sign = algorithm \\n timestamp \\n scope \\n sha256(canonical request), scope = date/service/tc3_request;
    key = HMAC chain "TC3"+secret → UTC date → service → "tc3_request".
    """
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    # Header names and values lowercased, in the order of SIGNED_HEADERS.
    canonical_headers = (
        f"content-type:{CONTENT_TYPE.lower()}\nhost:{host.lower()}\nx-tc-action:{action.lower()}\n"
    )
    canonical_request = "\n".join(
        [method, "/", "", canonical_headers, SIGNED_HEADERS, hashlib.sha256(body).hexdigest()]
    )
    scope = f"{date}/{service}/tc3_request"
    string_to_sign = "\n".join(
        [ALGORITHM, str(timestamp), scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
    )
    key = _hmac(_hmac(_hmac(f"TC3{secret_key}".encode(), date), service), "tc3_request")
    return scope, hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def e164(phone: str) -> str | None:
    """A mainland number as the API wants it (+86…); None for what cannot be a phone number."""
    digits = re.sub(r"[\s-]", "", phone)
    if re.fullmatch(r"\+\d{6,15}", digits):
        return digits
    if re.fullmatch(r"1\d{10}", digits):
        return f"+86{digits}"
    if re.fullmatch(r"86(1\d{10})", digits):
        return f"+{digits}"
    return None


class TencentSmsClient:
    def __init__(
        self,
        base_url: str,
        secret_id: str,
        secret_key: str,
        sdk_app_id: str,
        sign_name: str,
        *,
        region: str = "ap-guangzhou",
        timeout: float = 5.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.host = urlsplit(self.base_url).netloc
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.sdk_app_id = sdk_app_id
        self.sign_name = sign_name
        self.region = region
        self.timeout = timeout
        self.clock = clock  # the request timestamp: wall time (the provider rejects one 5 minutes off)

    @classmethod
    def from_settings(cls) -> TencentSmsClient:
        s = get_settings()
        return cls(
            s.sms_api_base,
            s.sms_secret_id,
            s.sms_secret_key.get_secret_value(),
            s.sms_sdk_app_id,
            s.sms_sign_name,
            region=s.sms_region,
            timeout=s.http_timeout_seconds,
        )

    def signed_headers(self, body: bytes, timestamp: int) -> dict[str, str]:
        scope, signature = tc3_signature(
            self.secret_key,
            method="POST",
            host=self.host,
            action=ACTION,
            body=body,
            timestamp=timestamp,
            service=SERVICE,
        )
        return {
            "Authorization": f"{ALGORITHM} Credential={self.secret_id}/{scope}, "
            f"SignedHeaders={SIGNED_HEADERS}, Signature={signature}",
            "Content-Type": CONTENT_TYPE,
            "Host": self.host,
            "X-TC-Action": ACTION,
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Version": VERSION,
            "X-TC-Region": self.region,
        }

    def send(self, phone: str, template_id: str, params: list[str]) -> None:
        number = e164(phone)
        if number is None:
            raise SmsRefused("InvalidParameterValue.IncorrectPhoneNumber")
        payload: dict[str, Any] = {
            "PhoneNumberSet": [number],
            "SmsSdkAppId": self.sdk_app_id,
            "SignName": self.sign_name,
            "TemplateId": template_id,
            "TemplateParamSet": params,
        }
        # The exact bytes sent are the bytes signed.
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        headers = self.signed_headers(body, int(self.clock()))
        try:
            resp = _http.post(f"{self.base_url}/", data=body, headers=headers, timeout=self.timeout)
            resp.raise_for_status()
            data = resp.json()["Response"]
        except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
            raise SmsUnavailable("the SMS service is unavailable") from exc
        if error := data.get("Error"):
            _raise_for(str(error.get("Code", "")))
        statuses = data.get("SendStatusSet") or []
        code = str(statuses[0].get("Code", "")) if statuses else "InternalError.EmptyStatus"
        if code != "Ok":
            _raise_for(code)


def _raise_for(code: str) -> None:
    if code.startswith(_REFUSED_PREFIXES) or code in _REFUSED_LIMITS:
        raise SmsRefused(code)
    # AuthFailure (our keys or clock), InternalError, RequestLimitExceeded: retry later; the queue's
    # redrive policy parks the message in the DLQ if it never succeeds.
    raise SmsUnavailable(f"SMS failed ({code})")
