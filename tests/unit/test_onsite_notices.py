"""The customer hears of the worker's visit: the departure (出发) and the arrival (到达), in the inbox and as an
order-status subscription message, never by SMS; the worker is not told of their own step."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from functions.notifications.rules import notices_for
from tests.unit.test_notification_rules import order

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_customer_is_told_the_worker_is_on_the_way() -> None:
    detail = order(status="accepted", actor="worker", progress="on_the_way")
    [notice] = notices_for("OrderDeparted", detail, tz=SHANGHAI)
    assert (notice.role, notice.user_id, notice.kind) == ("customer", "cust1", "worker_on_the_way")
    assert notice.title == "服务人员已出发" and "09:00" in notice.body  # the start, in business time
    assert notice.push is not None and notice.push.template == "order_status" and notice.sms is None
    assert notice.push.data["phrase3"]["value"] == "已出发"
    assert notice.data["progress"] == "on_the_way"


def test_the_customer_is_told_the_worker_has_arrived() -> None:
    detail = order(status="accepted", actor="worker", progress="arrived")
    [notice] = notices_for("OrderArrived", detail, tz=SHANGHAI)
    assert (notice.role, notice.user_id, notice.kind) == ("customer", "cust1", "worker_arrived")
    assert "日常保洁" in notice.body and notice.sms is None
    assert notice.push is not None and notice.push.data["phrase3"]["value"] == "已到达"
