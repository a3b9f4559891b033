"""Local stack extension for identity: the map stand-in (Tencent Location Service's geocoder on loopback, signed
requests checked) and a fresh secret for SMS verification codes. Codes go out through the SMS stand-in
(notifications' extension); ``GET /v1/dev/sms`` shows them."""

from __future__ import annotations

import os
import secrets
from typing import Any


def start(stack: Any) -> None:
    from infra.standins.maps import MapStandIn

    key, secret_key = f"LOCAL-{secrets.token_hex(8).upper()}", secrets.token_urlsafe(24)
    standin = MapStandIn(key=key, secret_key=secret_key)
    stack.on_stop(standin.close)
    os.environ.update(MAP_API_BASE=standin.url, MAP_KEY=key, MAP_SECRET_KEY=secret_key)
    os.environ.setdefault("SMS_CODE_SECRET", secrets.token_urlsafe(32))
