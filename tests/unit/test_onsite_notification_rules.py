"""Who hears of a confirmation, a reminder before the start and an exception raised for operators (issue 17)."""

from __future__ import annotations

from tests.unit.test_notification_rules import only, told, who


def test_the_worker_hears_of_the_customers_confirmation_and_both_of_the_systems() -> None:
    by_customer = told("OrderConfirmed", status="completed", actor="customer", progress="confirmed")
    assert who(by_customer) == {("worker", "work1", "order_confirmed")}
    by_system = told("OrderConfirmed", status="completed", actor="system", progress="confirmed")
    assert who(by_system) == {
        ("worker", "work1", "order_confirmed"),
        ("customer", "cust1", "order_confirmed"),
    }


def test_a_reminder_reaches_the_customer_and_the_worker_with_an_sms_fallback() -> None:
    notices = told("OrderReminder", status="accepted", actor="system", reminder="reminder_2h", lead_hours=2)
    assert who(notices) == {("customer", "cust1", "order_reminder"), ("worker", "work1", "order_reminder")}
    customer, worker = only(notices, "customer"), only(notices, "worker")
    assert customer.sms is not None and customer.sms.template == "order_reminder"
    assert worker.sms is not None and worker.sms.template == "order_reminder_worker"
    assert customer.push is not None and customer.push.template == "order_status"
    assert customer.data["reminder"] == "reminder_2h"
    assert customer.body == "您预约的日常保洁将于12月1日 09:00开始，请做好准备。"


def test_an_exception_lands_in_the_operators_inbox_with_its_kind() -> None:
    notices = told(
        "OrderExceptionRaised",
        status="accepted",
        actor="system",
        exception_id="o1.late_start",
        kind="late_start",
        reason="服务人员超时未开始服务",
    )
    assert who(notices) == {("operator", None, "order_exception")}
    notice = only(notices, "operator")
    assert notice.data["exception_id"] == "o1.late_start" and notice.data["exception_kind"] == "late_start"
    assert "服务人员超时未开始服务" in notice.body
