"""Tencent Cloud SMS stand-in: ``SendSms`` (API 3.0, version 2021-01-11) as the service answers it.

Every request's TC3-HMAC-SHA256 signature is verified from what arrived (the Host header, the raw body, the
timestamp) with the secret it was started with, independently of the client's code; a wrong signature, an
unknown SecretId or a timestamp more than 5 minutes off is refused as Tencent Cloud refuses it. Accepted
messages are kept in ``sent`` (tests and the local stack read them; nothing is sent anywhere).
``fail_next(code)`` makes the next request fail with a given error code.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from infra.standins.loopback import LoopbackServer, Reply, Request

MAX_SKEW_SECONDS = 300
_AUTH = re.compile(
    r"^TC3-HMAC-SHA256 Credential=(?P<id>[^/]+)/(?P<date>\d{4}-\d{2}-\d{2})/(?P<service>[a-z]+)/tc3_request, "
    r"SignedHeaders=(?P<headers>[a-z0-9;-]+), Signature=(?P<sig>[0-9a-f]{64})$"
)
_MAINLAND = re.compile(r"^\+861\d{10}$")


@dataclass
class SentSms:
    phone: str
    template_id: str
    params: list[str]
    sign_name: str


class SmsStandIn:
    def __init__(
        self, secret_id: str, secret_key: str, sdk_app_id: str, clock: Callable[[], float] = time.time
    ) -> None:
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.sdk_app_id = sdk_app_id
        self.clock = clock
        self.sent: list[SentSms] = []
        self.rejected: list[str] = []  # error codes answered, in order
        self._fail_next: list[str] = []
        self._lock = threading.Lock()
        self.server = LoopbackServer(self.handle)

    @property
    def url(self) -> str:
        return self.server.url

    def close(self) -> None:
        self.server.close()

    def fail_next(self, code: str) -> None:
        with self._lock:
            self._fail_next.append(code)

    def sent_to(self, phone: str) -> list[SentSms]:
        with self._lock:
            return [m for m in self.sent if m.phone == phone]

    def handle(self, req: Request) -> Reply:
        request_id = secrets.token_hex(16)
        code = self._check(req)
        if code is None:
            with self._lock:
                code = self._fail_next.pop(0) if self._fail_next else None
        if code is not None:
            with self._lock:
                self.rejected.append(code)
            return _reply({"Error": {"Code": code, "Message": code}, "RequestId": request_id})
        body = json.loads(req.body)
        statuses = []
        for phone in body["PhoneNumberSet"]:
            if not isinstance(phone, str) or not _MAINLAND.match(phone):
                statuses.append({"PhoneNumber": phone, "Code": "InvalidParameterValue.IncorrectPhoneNumber"})
                continue
            with self._lock:
                self.sent.append(
                    SentSms(
                        phone, body["TemplateId"], list(body.get("TemplateParamSet") or []), body["SignName"]
                    )
                )
            statuses.append(
                {
                    "SerialNo": secrets.token_hex(8),
                    "PhoneNumber": phone,
                    "Fee": 1,
                    "SessionContext": "",
                    "Code": "Ok",
                    "Message": "send success",
                    "IsoCode": "CN",
                }
            )
        return _reply({"SendStatusSet": statuses, "RequestId": request_id})

    def _check(self, req: Request) -> str | None:
        """The error code Tencent Cloud would answer, or None for a well-signed, well-formed SendSms."""
        h = req.headers
        if req.method != "POST" or req.path != "/":
            return "InvalidAction"
        if h.get("x-tc-action") != "SendSms":
            return "InvalidAction"
        if h.get("x-tc-version") != "2021-01-11":
            return "NoSuchVersion"
        auth = _AUTH.match(h.get("authorization", ""))
        if auth is None:
            return "AuthFailure.InvalidAuthorization"
        if auth["id"] != self.secret_id:
            return "AuthFailure.SecretIdNotFound"
        try:
            timestamp = int(h.get("x-tc-timestamp", ""))
        except ValueError:
            return "AuthFailure.InvalidAuthorization"
        if abs(self.clock() - timestamp) > MAX_SKEW_SECONDS:
            return "AuthFailure.SignatureExpire"
        if (
            auth["date"] != datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
            or auth["service"] != "sms"
        ):
            return "AuthFailure.SignatureFailure"
        if not hmac.compare_digest(
            auth["sig"], self._signature(req, auth["headers"], auth["date"], timestamp)
        ):
            return "AuthFailure.SignatureFailure"
        try:
            body: Any = json.loads(req.body)
        except ValueError:
            return "InvalidParameter.JsonParseError"
        if not isinstance(body, dict) or not isinstance(body.get("PhoneNumberSet"), list):
            return "MissingParameter"
        if body.get("SmsSdkAppId") != self.sdk_app_id:
            return "FailedOperation.SmsSdkAppIdVerifyFail"
        if not body.get("SignName"):
            return "FailedOperation.SignatureIncorrectOrUnapproved"
        if not body.get("TemplateId"):
            return "FailedOperation.TemplateIncorrectOrUnapproved"
        return None

    def _signature(self, req: Request, signed_headers: str, date: str, timestamp: int) -> str:
        names = signed_headers.split(";")
        # Header names and values lowercased and trimmed, in the order the client listed them.
        canonical_headers = "".join(
            f"{name}:{(req.headers.get(name) or '').strip().lower()}\n" for name in names
        )
        canonical_request = "\n".join(
            ["POST", "/", "", canonical_headers, signed_headers, hashlib.sha256(req.body).hexdigest()]
        )
        scope = f"{date}/sms/tc3_request"
        to_sign = "\n".join(
            ["TC3-HMAC-SHA256", str(timestamp), scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
        )

        def mac(key: bytes, msg: str) -> bytes:
            return hmac.new(key, msg.encode(), hashlib.sha256).digest()

        key = mac(mac(mac(f"TC3{self.secret_key}".encode(), date), "sms"), "tc3_request")
        return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def _reply(response: dict[str, Any]) -> Reply:
    # Tencent Cloud answers errors with HTTP 200 and an Error object.
    return Reply(200, json.dumps({"Response": response}, ensure_ascii=False).encode())
