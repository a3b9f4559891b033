"""Order events reach people: the consumer on the notifications queue writes each recipient's inbox item once,
delivers it by WeChat or SMS, and each role reads its own inbox."""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from common import events as domain_events
from common.clock import clock
from common.db import transact
from common.events import SOURCE
from common.settings import get_settings

from functions.notifications import notify
from infra.standins.sms import SmsStandIn
from infra.standins.wechat import WeChatStandIn
from tests.integration.conftest import Api
from tests.integration.identity_helpers import bind_phone

START = datetime.fromisoformat("2026-12-01T09:00:00+08:00")


@pytest.fixture
def stack(api: Api, wechat: WeChatStandIn, sms: SmsStandIn) -> Api:
    """The app with both delivery channels on their stand-ins."""
    return api


def user(
    api: Api, role: str = "customer", phone: str | None = None, sms: SmsStandIn | None = None
) -> dict[str, str]:
    """A fresh customer or worker: id, token and openid (unique per test, the stand-ins live for the session)."""
    name = f"{role[0]}-{secrets.token_hex(5)}"
    reply = api.post("/v1/auth/wechat", {"code": f"dev:{name}", "role": role})
    person = {"id": reply.body["user"]["id"], "token": reply.body["token"], "openid": name}
    if phone:  # bound as a person binds it: an SMS code read from the SMS stand-in
        path = "/v1/me/phone" if role == "customer" else "/v1/worker/phone"
        bind_phone(api, sms, person["token"], phone, path=path)
    return person


def order_event(customer: str, worker: str | None, *, minutes: int = 0, **extra: Any) -> dict[str, Any]:
    return {
        "order_id": f"ord{secrets.token_hex(6)}",
        "status": "pending_acceptance",
        "customer_id": customer,
        "worker_id": worker,
        "service_id": "svc-clean",
        "service_name": "日常保洁",
        "category_id": "cat-clean",
        "start": START.isoformat(),
        "end": (START + timedelta(hours=3)).isoformat(),
        "total_fen": 19900,
        "actor": "customer",
        "note": None,
        "at": (START - timedelta(days=1) + timedelta(minutes=minutes)).isoformat(),
    } | extra


def event_id(detail_type: str, detail: dict[str, Any]) -> str:
    """The id a producer gives an event: here, from its content (the same event written twice has one id)."""
    return hashlib.sha256(f"{detail_type}{json.dumps(detail, sort_keys=True)}".encode()).hexdigest()[:26]


def record(detail_type: str, detail: dict[str, Any], message_id: str | None = None) -> dict[str, Any]:
    """An SQS record carrying an EventBridge event, as the queue hands it to the consumer."""
    detail = {**detail, "event_id": event_id(detail_type, detail)}
    envelope = {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": detail_type,
        "source": SOURCE,
        "account": "123456789012",
        "time": detail.get("at", "2026-11-30T09:00:00+08:00"),
        "region": "us-east-1",
        "resources": [],
        "detail": detail,
    }
    return {
        "messageId": message_id or str(uuid.uuid4()),
        "receiptHandle": "receipt",
        "body": json.dumps(envelope, ensure_ascii=False),
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:jiazheng-local-notifications",
        "awsRegion": "us-east-1",
    }


def consume(api: Api, *records: dict[str, Any]) -> list[str]:
    """Run the queue's consumer on one batch; the message ids it asks SQS to redeliver."""
    reply = api.client.lambda_.invoke("notifications_consumer", {"Records": list(records)})
    return [f["itemIdentifier"] for f in reply.payload["batchItemFailures"]]


def inbox(api: Api, token: str, path: str = "/v1/me/notifications") -> list[dict[str, Any]]:
    reply = api.get(path, token=token)
    assert reply.status == 200, reply.body
    return reply.body["items"]


def subscribe(api: Api, wechat: WeChatStandIn, person: dict[str, str], role: str, kind: str) -> str:
    """The person accepts one prompt for this template: the app reports it, WeChat records it."""
    base = "/v1/me" if role == "customer" else "/v1/worker"
    offered = api.get(f"{base}/subscriptions", token=person["token"]).body["templates"]
    template_id = next(t["template_id"] for t in offered if t["kind"] == kind)
    assert (
        api.post(f"{base}/subscriptions", {"template_ids": [template_id]}, token=person["token"]).status
        == 200
    )
    wechat.grant(person["openid"], template_id)
    return template_id


# The route from the bus


def test_an_event_written_with_its_change_reaches_the_inbox_through_the_notifications_queue(
    stack: Api, events: Any
) -> None:
    customer = user(stack)
    detail = order_event(customer["id"], "w1", status="pending_payment")

    transact(lambda tx: domain_events.add(tx, "OrderCreated", detail, event_id="e-1", now=clock.now()))
    handed = events.deliver(only={"notifications_consumer"})

    assert handed == {"notifications_consumer": 1}
    [item] = inbox(stack, customer["token"])
    assert item["kind"] == "order_submitted" and item["title"] == "订单已提交"
    assert events.messages_waiting("notifications") == 0


# Who gets what, once


def test_a_paid_order_reaches_the_worker_by_wechat_and_the_customer_in_the_app(
    stack: Api, wechat: WeChatStandIn
) -> None:
    customer, worker = user(stack), user(stack, "worker")
    template_id = subscribe(stack, wechat, worker, "worker", "new_order")
    event = order_event(customer["id"], worker["id"])

    assert consume(stack, record("OrderPaid", event)) == []

    [for_worker] = inbox(stack, worker["token"], "/v1/worker/notifications")
    assert for_worker["kind"] == "new_order" and for_worker["title"] == "新订单待接单"
    assert for_worker["data"]["order_id"] == event["order_id"] and for_worker["read"] is False
    assert for_worker["created_at"] == event["at"]
    [for_customer] = inbox(stack, customer["token"])
    assert for_customer["title"] == "支付成功" and "¥199.00" in for_customer["body"]
    [message] = wechat.sent_to(worker["openid"])
    assert message["template_id"] == template_id
    assert message["data"]["character_string1"]["value"] == event["order_id"]
    assert wechat.sent_to(customer["openid"]) == []  # no quota spent on what the customer just did


def test_a_redelivered_event_adds_no_inbox_item_and_sends_nothing_twice(
    stack: Api, wechat: WeChatStandIn
) -> None:
    customer, worker = user(stack), user(stack, "worker")
    subscribe(stack, wechat, worker, "worker", "new_order")
    wechat.grant(worker["openid"], get_settings().wechat_subscribe_templates["new_order"])  # quota to spare
    event = order_event(customer["id"], worker["id"])

    assert consume(stack, record("OrderPaid", event, "m-1")) == []
    assert consume(stack, record("OrderPaid", event, "m-1")) == []  # SQS redelivers the same message
    assert consume(stack, record("OrderPaid", dict(event), "m-2")) == []  # the producer published it twice

    assert len(inbox(stack, worker["token"], "/v1/worker/notifications")) == 1
    assert len(inbox(stack, customer["token"])) == 1
    assert len(wechat.sent_to(worker["openid"])) == 1


def test_without_wechat_quota_the_customer_hears_of_acceptance_by_sms(stack: Api, sms: SmsStandIn) -> None:
    customer = user(stack, phone="13700001111", sms=sms)
    event = order_event(customer["id"], "w1", status="accepted", actor="worker")

    assert consume(stack, record("OrderAccepted", event)) == []

    [text] = [
        m
        for m in sms.sent_to("+8613700001111")
        if m.template_id == get_settings().sms_templates["order_accepted"]
    ]
    assert text.params == ["日常保洁", "12月1日 09:00"]
    [item] = inbox(stack, customer["token"])
    assert item["title"] == "服务人员已接单"


def test_a_failed_sms_keeps_the_inbox_item_and_the_retry_sends_it_once(stack: Api, sms: SmsStandIn) -> None:
    customer = user(stack, phone="13700002222", sms=sms)
    event = order_event(customer["id"], "w1", status="accepted", actor="worker")
    sms.fail_next("InternalError.Timeout")

    assert consume(stack, record("OrderAccepted", event, "m-acc")) == ["m-acc"]
    assert len(inbox(stack, customer["token"])) == 1  # the inbox has it already
    accepted = get_settings().sms_templates["order_accepted"]
    assert [m for m in sms.sent_to("+8613700002222") if m.template_id == accepted] == []

    assert consume(stack, record("OrderAccepted", event, "m-acc")) == []  # SQS redelivers it
    assert len(inbox(stack, customer["token"])) == 1
    assert len([m for m in sms.sent_to("+8613700002222") if m.template_id == accepted]) == 1


def test_one_bad_record_does_not_hold_up_the_rest_of_the_batch(stack: Api) -> None:
    customer = user(stack)
    good = record("OrderStarted", order_event(customer["id"], "w1", status="in_service"), "m-good")
    unreadable = record("OrderStarted", {}, "m-bad") | {"body": "not json"}
    incomplete = record("OrderStarted", {"order_id": "o1", "at": "2026-11-30T09:00:00+08:00"}, "m-incomplete")

    assert consume(stack, unreadable, good, incomplete) == ["m-bad", "m-incomplete"]
    [item] = inbox(stack, customer["token"])
    assert item["title"] == "服务已开始"


def test_a_cancellation_tells_both_sides_and_the_refund_in_yuan(stack: Api) -> None:
    customer, worker = user(stack), user(stack, "worker")
    event = order_event(customer["id"], worker["id"], status="cancelled", refund_fen=19900, note="临时有事")

    assert consume(stack, record("OrderCancelled", event)) == []

    [for_customer] = inbox(stack, customer["token"])
    assert "退款¥199.00将原路退回" in for_customer["body"] and for_customer["data"]["refund_fen"] == 19900
    [for_worker] = inbox(stack, worker["token"], "/v1/worker/notifications")
    assert for_worker["title"] == "订单已取消" and "退款" not in for_worker["body"]


# The operators


def test_no_shows_and_complaints_land_in_the_operators_shared_inbox(stack: Api, operator_token: str) -> None:
    customer = user(stack)
    no_show = order_event(customer["id"], "w1", status="accepted", actor="system")
    complaint = order_event(customer["id"], "w1", minutes=5, status="completed", complaint_id="cmp-1")

    assert consume(stack, record("OrderNoShow", no_show), record("ComplaintFiled", complaint)) == []

    items = inbox(stack, operator_token, "/v1/admin/notifications")
    assert [i["kind"] for i in items] == ["complaint_filed", "order_no_show"]  # newest first
    assert items[0]["data"]["complaint_id"] == "cmp-1"
    assert inbox(stack, operator_token, "/v1/admin/notifications?scope=mine") == []


def test_notify_puts_a_notice_in_an_inbox_once_per_dedupe_key(stack: Api, operator_token: str) -> None:
    customer = user(stack)
    now = clock.now()
    for _ in range(2):
        notify(
            "customer",
            customer["id"],
            "coupon_issued",
            "优惠券到账",
            "您获得一张满100减20优惠券。",
            {},
            now=now,
            dedupe_key="coupon:c1",
        )
    notify(
        "operator", None, "settlement_failed", "结算失败", "3笔订单结算失败，请处理。", {"count": 3}, now=now
    )

    [item] = inbox(stack, customer["token"])
    assert item["kind"] == "coupon_issued" and item["title"] == "优惠券到账"
    [ops] = inbox(stack, operator_token, "/v1/admin/notifications")
    assert ops["data"] == {"count": 3}


# Reading the inbox


def test_nobody_sees_another_persons_inbox_and_each_inbox_needs_its_role(
    stack: Api, operator_token: str
) -> None:
    alice, bob, worker = user(stack), user(stack), user(stack, "worker")
    consume(stack, record("OrderStarted", order_event(alice["id"], worker["id"], status="in_service")))
    [alices] = inbox(stack, alice["token"])

    assert inbox(stack, bob["token"]) == []
    assert stack.post(f"/v1/me/notifications/{alices['id']}/read", token=bob["token"]).status == 404
    assert stack.get("/v1/me/notifications").status == 401
    assert stack.get("/v1/worker/notifications", token=alice["token"]).status == 403
    assert stack.get("/v1/admin/notifications", token=alice["token"]).status == 403
    assert stack.get("/v1/me/notifications", token=worker["token"]).status == 403
    assert stack.get("/v1/me/notifications", token=operator_token).status == 403


def test_the_inbox_pages_newest_first_and_refuses_a_cursor_into_another_inbox(stack: Api) -> None:
    alice, bob = user(stack), user(stack)
    for minute in range(5):
        detail = order_event(alice["id"], "w1", minutes=minute, status="in_service")
        consume(
            stack,
            record("OrderStarted", detail),
            record("OrderStarted", order_event(bob["id"], "w1", minutes=minute)),
        )

    first = stack.get("/v1/me/notifications?limit=2", token=alice["token"]).body
    second = stack.get(
        f"/v1/me/notifications?limit=2&cursor={first['next_cursor']}", token=alice["token"]
    ).body
    third = stack.get(
        f"/v1/me/notifications?limit=2&cursor={second['next_cursor']}", token=alice["token"]
    ).body
    times = [i["created_at"] for i in first["items"] + second["items"] + third["items"]]
    assert len(times) == 5 and times == sorted(times, reverse=True)

    stolen = stack.get(f"/v1/me/notifications?limit=2&cursor={first['next_cursor']}", token=bob["token"])
    assert stolen.status == 400 and stolen.body["error"]["code"] == "INVALID_CURSOR"
    assert stack.get("/v1/me/notifications?limit=101", token=alice["token"]).status == 422


def test_reading_one_then_all_and_a_later_notice_is_unread(stack: Api) -> None:
    customer = user(stack)
    for minute in range(3):
        consume(stack, record("OrderStarted", order_event(customer["id"], "w1", minutes=minute)))
    newest = inbox(stack, customer["token"])[0]

    marked = stack.post(f"/v1/me/notifications/{newest['id']}/read", token=customer["token"])
    assert marked.status == 200 and marked.body["read"] is True
    assert [i["read"] for i in inbox(stack, customer["token"])] == [True, False, False]

    assert stack.post("/v1/me/notifications/read-all", token=customer["token"]).status == 204
    assert all(i["read"] for i in inbox(stack, customer["token"]))

    consume(
        stack, record("OrderCompleted", order_event(customer["id"], "w1", minutes=10, status="completed"))
    )
    items = inbox(stack, customer["token"])
    assert items[0]["kind"] == "order_completed" and items[0]["read"] is False
    assert stack.post("/v1/me/notifications/nope/read", token=customer["token"]).status == 404


# Subscriptions


def test_the_app_learns_which_templates_to_offer_and_each_accepted_prompt_adds_one_send(stack: Api) -> None:
    customer, worker = user(stack), user(stack, "worker")
    offered = stack.get("/v1/me/subscriptions", token=customer["token"]).body["templates"]
    assert {t["kind"] for t in offered} == {"order_status", "order_cancelled"}
    assert all(t["remaining"] == 0 for t in offered)
    ids = [t["template_id"] for t in offered]

    stack.post("/v1/me/subscriptions", {"template_ids": ids}, token=customer["token"])
    again = stack.post("/v1/me/subscriptions", {"template_ids": ids[:1] * 2}, token=customer["token"])
    assert again.status == 200
    remaining = {t["kind"]: t["remaining"] for t in again.body["templates"]}
    assert remaining == {"order_status": 2, "order_cancelled": 1}  # a template counts once per prompt

    worker_kinds = {
        t["kind"] for t in stack.get("/v1/worker/subscriptions", token=worker["token"]).body["templates"]
    }
    assert worker_kinds == {"new_order", "order_status"}


def test_a_template_the_app_does_not_offer_or_too_many_at_once_is_refused(stack: Api) -> None:
    customer = user(stack)
    unknown = stack.post("/v1/me/subscriptions", {"template_ids": ["someone-elses"]}, token=customer["token"])
    assert unknown.status == 422 and unknown.body["error"]["code"] == "UNKNOWN_TEMPLATE"
    too_many = stack.post(
        "/v1/me/subscriptions", {"template_ids": ["a", "b", "c", "d"]}, token=customer["token"]
    )
    assert too_many.status == 422
    new_order = get_settings().wechat_subscribe_templates["new_order"]  # a worker's template
    assert (
        stack.post("/v1/me/subscriptions", {"template_ids": [new_order]}, token=customer["token"]).status
        == 422
    )


def test_the_inbox_and_subscription_routes_are_in_the_openapi_document(stack: Api) -> None:
    paths = stack.get("/v1/openapi.json").body["paths"]
    for role in ("me", "worker", "admin"):
        assert "get" in paths[f"/v1/{role}/notifications"]
        assert "post" in paths[f"/v1/{role}/notifications/{{notification_id}}/read"]
    assert {"get", "post"} <= set(paths["/v1/me/subscriptions"]) and {"get", "post"} <= set(
        paths["/v1/worker/subscriptions"]
    )
