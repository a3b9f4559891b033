"""An order event as every notification rule reads it: its phrases (service name, start) in the business time
zone, and the pieces its notices share (the inbox data, the order-status card, the SMS parameters). Pure."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from functions.notifications.formats import amount_text, fit_data, fit_params, when_full, when_short
from functions.notifications.models import OrderEvent, Push, Sms
from functions.notifications.pages import CUSTOMER_ORDER_PAGE, WORKER_ORDER_PAGE

ACTOR_REASON = {
    "customer": "用户取消",
    "worker": "服务人员取消",
    "operator": "客服取消",
    "system": "系统取消",
}


class PreparedEvent:
    """An order event with the phrases every rule needs, in the business time zone."""

    def __init__(self, detail_type: str, e: OrderEvent, tz: tzinfo, sms_limit: int) -> None:
        self.type = detail_type
        self.e = e
        self.svc = e.service_name or "家政服务"
        self.when = when_short(e.start, tz)
        self.time = when_full(e.start, tz)
        self.sms_limit = sms_limit
        self.tz = tz

    def data(self, **extra: Any) -> dict[str, Any]:
        """What an inbox item carries for the app to link to (ids, status, amounts); no personal data."""
        base: dict[str, Any] = {
            "event": self.type,
            "order_id": self.e.order_id,
            "status": self.e.status,
            "service_name": self.svc,
            "start": self.e.start.isoformat(),
        }
        return base | {k: v for k, v in extra.items() if v is not None}

    def status_push(self, phrase: str, tip: str, page: str = CUSTOMER_ORDER_PAGE) -> Push:
        fields = {
            "character_string1": self.e.order_id,
            "thing2": self.svc,
            "phrase3": phrase,
            "time4": self.time,
            "thing5": tip,
        }
        return Push(
            template="order_status", page=page.format(order_id=self.e.order_id), data=fit_data(fields)
        )

    def new_order_push(self) -> Push:
        fields = {
            "character_string1": self.e.order_id,
            "thing2": self.svc,
            "time3": self.time,
            "amount4": amount_text(self.e.total_fen),
            "thing5": "请尽快在App内确认接单",
        }
        page = WORKER_ORDER_PAGE.format(order_id=self.e.order_id)
        return Push(template="new_order", page=page, data=fit_data(fields))

    def sms(self, template: str, *params: str) -> Sms:
        return Sms(template=template, params=fit_params([self.svc, self.when, *params], self.sms_limit))

    def reason(self) -> str:
        return (self.e.note or "").strip() or ACTOR_REASON.get(self.e.actor, "订单已取消")
