"""Who hears of each order move, and what WeChat and the SMS provider will accept."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from common.events import ORDER_EVENTS
from pydantic import ValidationError

from functions.notifications.formats import amount_text, fit_params, fit_value, when_full
from functions.notifications.models import Notice
from functions.notifications.rules import (
    ROLE_TEMPLATES,
    notices_for,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def order(**overrides: Any) -> dict[str, Any]:
    detail = {
        "order_id": "01kb0000000000000000000000",
        "status": "pending_acceptance",
        "customer_id": "cust1",
        "worker_id": "work1",
        "service_id": "svc1",
        "service_name": "日常保洁",
        "category_id": "cat1",
        "start": "2026-12-01T09:00:00+08:00",
        "end": "2026-12-01T12:00:00+08:00",
        "total_fen": 19900,
        "actor": "customer",
        "note": None,
        "at": "2026-11-30T20:15:00+08:00",
    }
    return detail | overrides


def told(detail_type: str, **overrides: Any) -> list[Notice]:
    return notices_for(detail_type, order(**overrides), tz=SHANGHAI)


def who(notices: list[Notice]) -> set[tuple[str, str | None, str]]:
    return {(n.role, n.user_id, n.kind) for n in notices}


def only(notices: list[Notice], role: str) -> Notice:
    [notice] = [n for n in notices if n.role == role]
    return notice


# Who is told


def test_a_paid_order_tells_the_worker_of_a_new_order_and_the_customer_of_the_payment() -> None:
    notices = told("OrderPaid")
    assert who(notices) == {("worker", "work1", "new_order"), ("customer", "cust1", "order_paid")}
    worker = only(notices, "worker")
    assert worker.title == "新订单待接单"
    assert "日常保洁" in worker.body and "12月1日 09:00" in worker.body and "¥199.00" in worker.body
    assert worker.push is not None and worker.push.template == "new_order"
    assert worker.sms is not None and worker.sms.template == "new_order"
    customer = only(notices, "customer")
    assert customer.title == "支付成功" and "¥199.00" in customer.body
    # The customer just paid in the app: no subscription quota is spent on telling them so.
    assert customer.push is None and customer.sms is None


def test_a_paid_order_without_a_worker_goes_to_the_operators_to_dispatch() -> None:
    notices = told("OrderPaid", worker_id=None)
    assert who(notices) == {("customer", "cust1", "order_paid"), ("operator", None, "order_unassigned")}


def test_an_accepted_order_tells_the_customer_with_sms_as_fallback() -> None:
    notices = told("OrderAccepted", status="accepted", actor="worker")
    assert who(notices) == {("customer", "cust1", "order_accepted")}
    notice = notices[0]
    assert notice.title == "服务人员已接单"
    assert notice.push is not None and notice.push.data["phrase3"] == {"value": "已接单"}
    assert notice.sms is not None and notice.sms.params == ["日常保洁", "12月1日 09:00"]


def test_start_and_completion_tell_the_customer_and_completion_asks_both_sides_for_a_review() -> None:
    started = told("OrderStarted", status="in_service", actor="worker")
    assert who(started) == {("customer", "cust1", "order_started")}
    completed = told("OrderCompleted", status="completed", actor="worker")
    assert who(completed) == {
        ("customer", "cust1", "order_completed"),
        ("worker", "work1", "order_completed"),
    }
    customer = only(completed, "customer")
    assert "评价" in customer.body and customer.data["action"] == "review"
    assert customer.push is not None and customer.push.page.startswith("pages/orders/review")
    assert only(completed, "worker").data["action"] == "review"


def test_a_cancellation_tells_customer_and_worker_with_the_refund_in_yuan() -> None:
    notices = told("OrderCancelled", status="cancelled", refund_fen=15920, note="临时有事")
    assert who(notices) == {("customer", "cust1", "order_cancelled"), ("worker", "work1", "order_cancelled")}
    customer = only(notices, "customer")
    assert "退款¥159.20将原路退回" in customer.body and "临时有事" in customer.body
    assert customer.data["refund_fen"] == 15920
    assert customer.push is not None and customer.push.data["amount4"] == {"value": "¥159.20"}
    assert customer.sms is not None and customer.sms.params[-1] == "159.20"
    worker = only(notices, "worker")
    assert "退款" not in worker.body  # the customer's money is not the worker's business
    assert worker.sms is not None and worker.sms.template == "order_cancelled_worker"


def test_an_unpaid_order_that_lapses_is_not_news_to_the_worker() -> None:
    notices = told("OrderCancelled", status="cancelled", refund_fen=0, actor="system")
    assert who(notices) == {("customer", "cust1", "order_cancelled")}
    customer = notices[0]
    assert "退款" not in customer.body and customer.sms is None  # nothing was paid: no SMS


def test_an_operator_cancellation_without_refund_still_tells_the_worker() -> None:
    notices = told("OrderCancelled", status="cancelled", refund_fen=0, actor="operator")
    assert ("worker", "work1", "order_cancelled") in who(notices)


def test_a_reassignment_tells_the_customer_the_new_worker_and_the_previous_one() -> None:
    notices = told("OrderReassigned", worker_id="work2", previous_worker_id="work1", actor="operator")
    assert who(notices) == {
        ("customer", "cust1", "order_reassigned"),
        ("worker", "work2", "new_order"),
        ("worker", "work1", "order_reassigned"),
    }


def test_a_no_show_and_a_complaint_go_to_the_operators() -> None:
    no_show = told("OrderNoShow", status="accepted", actor="system")
    assert ("operator", None, "order_no_show") in who(no_show)
    assert ("customer", "cust1", "order_no_show") in who(no_show)
    complaint = told("ComplaintFiled", status="completed", complaint_id="cmp1")
    assert who(complaint) == {("operator", None, "complaint_filed")}
    assert complaint[0].data["complaint_id"] == "cmp1"


def test_a_decline_goes_to_the_operators_only() -> None:
    assert who(told("OrderDeclined", actor="worker")) == {("operator", None, "order_declined")}


def test_a_resolved_complaint_tells_the_customer_and_a_penalized_worker() -> None:
    upheld = told("ComplaintResolved", penalize_worker=True, refund_fen=5000, resolution="已安排返工")
    assert who(upheld) == {
        ("customer", "cust1", "complaint_resolved"),
        ("worker", "work1", "complaint_resolved"),
    }
    assert "已安排返工" in only(upheld, "customer").body and "¥50.00" in only(upheld, "customer").body
    dismissed = told("ComplaintResolved", penalize_worker=False)
    assert who(dismissed) == {("customer", "cust1", "complaint_resolved")}


def test_every_order_event_tells_someone_and_operators_never_get_push_or_sms() -> None:
    for detail_type in ORDER_EVENTS:
        notices = told(detail_type)
        assert notices, detail_type
        for notice in notices:
            assert notice.title and notice.body
            if notice.role == "operator":
                assert not notice.delivers


def test_events_of_other_types_concern_no_one() -> None:
    assert told("WorkerVerified") == []


def test_a_detail_missing_what_the_contract_promises_is_refused() -> None:
    with pytest.raises(ValidationError):
        notices_for("OrderPaid", {"order_id": "o1"}, tz=SHANGHAI)


def test_every_push_uses_a_template_its_recipient_is_asked_to_accept() -> None:
    for detail_type in ORDER_EVENTS:
        for notice in told(detail_type, refund_fen=100, penalize_worker=True, previous_worker_id="w0"):
            if notice.push is not None:
                assert notice.push.template in ROLE_TEMPLATES[notice.role], (detail_type, notice.kind)


# What WeChat accepts


def test_thing_values_are_cut_to_twenty_characters_with_an_ellipsis() -> None:
    long_name = "深度保洁（含厨房油烟机、卫生间除垢、全屋玻璃擦拭）"
    fitted = fit_value("thing2", long_name)
    assert len(fitted) == 20 and fitted.endswith("…") and fitted.startswith("深度保洁")
    assert fit_value("thing2", "日常保洁") == "日常保洁"


def test_phrase_values_keep_at_most_five_chinese_characters_and_nothing_else() -> None:
    assert fit_value("phrase3", "已接单") == "已接单"
    assert fit_value("phrase3", "服务人员已接单了") == "服务人员已"
    assert fit_value("phrase3", "OK已完成!") == "已完成"


def test_character_strings_are_ascii_without_spaces_and_at_most_32_long() -> None:
    assert fit_value("character_string1", "订单 ab-12 " + "x" * 40) == ("ab-12" + "x" * 40)[:32]


def test_line_breaks_never_reach_a_value() -> None:
    assert fit_value("thing5", "第一行\n第二行") == "第一行 第二行"


def test_amount_and_time_are_in_the_formats_wechat_documents() -> None:
    assert amount_text(12345) == "¥123.45"
    assert amount_text(5) == "¥0.05"
    from datetime import datetime

    start = datetime.fromisoformat("2026-12-01T01:00:00+00:00")
    assert when_full(start, SHANGHAI) == "2026年12月1日 09:00"


def test_every_push_value_fits_its_keyword_limit() -> None:
    long = order(service_name="超长的服务名称" * 5, note="原因" * 30, resolution="处理结果" * 10)
    for detail_type in ORDER_EVENTS:
        for notice in notices_for(
            detail_type, long | {"refund_fen": 100, "penalize_worker": True}, tz=SHANGHAI
        ):
            if notice.push is None:
                continue
            for key, entry in notice.push.data.items():
                value = entry["value"]
                assert value, (detail_type, key)
                if key.startswith("thing"):
                    assert len(value) <= 20
                if key.startswith("phrase"):
                    assert len(value) <= 5


def test_sms_parameters_are_cut_to_the_providers_variable_limit() -> None:
    assert fit_params(["一二三四五六七八九十一二", "短"], 10) == ["一二三四五六七八九…", "短"]
