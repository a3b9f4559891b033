"""Identity test support: a phone bound the way a person binds one (an SMS code read from the SMS stand-in)."""

from __future__ import annotations

import secrets
from typing import Any

from common.settings import get_settings

from tests.client import JsonCalls


def fresh_phone(prefix: str = "137") -> str:
    """A mainland number no other test uses (the SMS stand-in lives for the session)."""
    return f"{prefix}{secrets.randbelow(10**8):08d}"


def codes_sent(sms: Any, phone: str) -> list[str]:
    """The verification codes the SMS stand-in delivered to ``phone``, oldest first."""
    template = get_settings().sms_verification_template
    return [m.params[0] for m in sms.sent_to(f"+86{phone}") if m.template_id == template]


def bind_phone(
    api: JsonCalls, sms: Any, token: str, phone: str, path: str = "/v1/me/phone"
) -> dict[str, Any]:
    """Ask for a code, read it from the SMS stand-in's outbox, bind the phone; the binding."""
    sent = api.post("/v1/auth/sms-code", {"phone": phone}, token=token)
    assert sent.status == 200, sent.body
    reply = api.post(path, {"phone": phone, "sms_code": codes_sent(sms, phone)[-1]}, token=token)
    assert reply.status == 200, reply.body
    return reply.body
