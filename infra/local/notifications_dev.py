"""Local stack extension for notifications: the SMS stand-in (Tencent Cloud SMS API 3.0 on loopback), and
``GET /v1/dev/sms`` to see what it was asked to send (WeChat subscription messages land in each inbox too)."""

from __future__ import annotations

import os
import secrets
from dataclasses import asdict
from typing import Any

from infra.local.dev_routes import local_route

_standin: Any = None


def start(stack: Any) -> None:
    global _standin
    from infra.standins.sms import SmsStandIn

    secret_id, secret_key, app_id = f"AKID{secrets.token_hex(8)}", secrets.token_urlsafe(24), "1400000000"
    _standin = SmsStandIn(secret_id=secret_id, secret_key=secret_key, sdk_app_id=app_id)
    stack.on_stop(_standin.close)
    os.environ.update(
        SMS_API_BASE=_standin.url, SMS_SECRET_ID=secret_id, SMS_SECRET_KEY=secret_key, SMS_SDK_APP_ID=app_id
    )


@local_route("/v1/dev/sms", "GET")
def sent_sms(call: Any) -> dict[str, Any]:
    """What the SMS stand-in was asked to send (local stack only).

    Every message since the stack started, oldest first, with phone numbers masked: the fallback when a
    subscription message could not be sent.
    """
    sent = list(_standin.sent) if _standin else []
    return {"items": [asdict(m) | {"phone": m.phone[:3] + "****" + m.phone[-4:]} for m in sent]}
