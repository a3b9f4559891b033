"""No personal data in logs: the logger itself redacts phone numbers, ID card and certificate numbers, tokens,
keys and secrets, and WeChat openids — by key name and by pattern, in messages, extra keys and exceptions.

The logs are captured where they are written (the Powertools handler's stream, what CloudWatch would receive) across
a whole journey at DEBUG, with the planted values sent through every channel a caller could use."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from common.log import logger

from tests.integration.booking_helpers import ALL_WEEK, make_world, slot
from tests.integration.conftest import Api
from tests.integration.worker_helpers import profile

OPENID = "oPLANTED_openid_0123456789ab"  # 28 characters, as WeChat's
PHONE = "13912345678"
ADDRESS_PHONE = "13987654321"
ID_CARD = "11010119900307123X"
CERTIFICATE = "JZ-CERT-2026-778899"
SECRET = "planted-secret-value-4f2a"
PLANTED = (OPENID, PHONE, ADDRESS_PHONE, ID_CARD, CERTIFICATE, SECRET)


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    handler = logger.registered_handler
    buffer = io.StringIO()
    previous_stream, previous_level = handler.stream, logger.log_level
    handler.setStream(buffer)
    logger.setLevel("DEBUG")
    try:
        yield buffer
    finally:
        handler.setStream(previous_stream)
        logger.setLevel(previous_level)


def _planted_in(text: str) -> list[str]:
    return [value for value in PLANTED if value.lower() in text.lower()]


def test_a_journey_and_every_way_of_logging_leave_no_planted_value_in_the_logs(
    api: Api, operator_token: str, wechatpay: Any, sms: Any, captured_logs: io.StringIO
) -> None:
    world = make_world(api, operator_token)
    customer = api.post("/v1/auth/wechat", {"code": f"dev:{OPENID}", "role": "customer"}).body["token"]
    # The phone goes through the SMS-code exchange (identity sends a code to it through the SMS stand-in).
    assert api.post("/v1/auth/sms-code", {"phone": PHONE}, token=customer).status < 500
    address = {
        "contact_name": "李先生",
        "phone": ADDRESS_PHONE,
        "region": "上海市徐汇区",
        "detail": "漕溪北路 1 号",
    }
    address_reply = api.post("/v1/me/addresses", {**address, "lat": 31.188, "lng": 121.437}, token=customer)
    login = api.post("/v1/auth/wechat", {"code": "dev:log_worker", "role": "worker"}).body
    certificates = [{"type": "health", "number": CERTIFICATE, "expires_on": "2030-01-01", "media_url": None}]
    body = {**profile([world.category_id], name="log_worker"), "certificates": certificates}
    assert api.put("/v1/worker/profile", body, token=login["token"]).status == 200
    assert api.put("/v1/worker/availability", {"weekly": ALL_WEEK}, token=login["token"]).status == 200
    verify = {"approved": True, "note": "ok"}
    assert (
        api.post(f"/v1/admin/workers/{login['user']['id']}/verify", verify, token=operator_token).status
        == 200
    )
    order = api.post(
        "/v1/orders",
        {
            "service_id": world.service_id,
            "start": slot(4),
            "units": 2,
            "address_id": address_reply.body["id"],
        },
        token=customer,
    )
    assert order.status == 201, order.body
    api.post(f"/v1/orders/{order.body['id']}/pay", {}, token=customer)

    # Every channel a careless caller could use.
    token = customer
    logger.info(f"login for {OPENID} from {PHONE}, id card {ID_CARD}, Authorization: Bearer {token}")
    logger.info("profile", extra={"phone": PHONE, "openid": OPENID, "user": {"id_card": ID_CARD}})
    logger.info("certificate", extra={"certificates": [{"type": "health", "number": CERTIFICATE}]})
    logger.info(
        "config", extra={"app_secret": SECRET, "apiv3_key": SECRET, "headers": {"authorization": token}}
    )
    logger.debug("sms", extra={"mobile": f"+86 {PHONE}", "note": f"call {ADDRESS_PHONE}"})
    try:
        raise ValueError(f"could not message {PHONE} ({OPENID}), id card {ID_CARD}")
    except ValueError:
        logger.exception("delivery failed", extra={"password": SECRET})

    text = captured_logs.getvalue()
    records = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert len(records) >= 7
    assert not _planted_in(text), _planted_in(text)
    assert token not in text and token.split(".")[1] not in text
    # What is not personal still reads: the message, our own ids, amounts.
    assert any(r["message"] == "delivery failed" and "ValueError" in r["exception"] for r in records)
    assert any(r.get("certificates") == [{"type": "health", "number": "[redacted]"}] for r in records)


def test_order_ids_and_amounts_are_not_mistaken_for_personal_data(captured_logs: io.StringIO) -> None:
    logger.info(
        "order compensated", extra={"order_id": "01m8sjpp0sem0t8e1wvbryha1w", "refund_fen": 13800000000}
    )
    record = json.loads(captured_logs.getvalue())
    assert record["order_id"] == "01m8sjpp0sem0t8e1wvbryha1w"
    assert record["refund_fen"] == 13800000000
