"""Who is told what, for each order event. Pure: no I/O, no clock; the business time zone comes in.

WeChat subscription templates (picked in the mini-program console; their ids are settings keyed by the kind):

| kind              | title        | keywords                                                                          |
| ---               | ---          | ---                                                                               |
| `order_status`    | 订单状态通知 | character_string1 订单编号, thing2 服务项目, phrase3 订单状态, time4 服务时间, thing5 温馨提示 |
| `order_cancelled` | 订单取消通知 | character_string1 订单编号, thing2 服务项目, time3 服务时间, amount4 退款金额, thing5 取消原因 |
| `new_order`       | 新订单提醒   | character_string1 订单编号, thing2 服务项目, time3 服务时间, amount4 订单金额, thing5 备注     |

SMS templates (Tencent Cloud, notification type; ids are settings keyed by the kind):

| kind                     | text                                                             |
| ---                      | ---                                                              |
| `new_order`              | 您有新的{1}订单，服务时间{2}，请尽快打开App确认接单。              |
| `order_accepted`         | 您预约的{1}服务（{2}）已由服务人员接单，请保持电话畅通。            |
| `order_cancelled`        | 您预约的{1}服务（{2}）已取消，退款{3}元将原路退回。                 |
| `order_cancelled_worker` | 您承接的{1}订单（服务时间{2}）已取消，请留意App内通知。             |
| `order_reminder`         | 您预约的{1}服务将于{2}开始，请做好准备。                           |
| `order_reminder_worker`  | 您承接的{1}订单将于{2}开始，请准时上门。                           |

SMS costs money and interrupts, so only what a person must not miss has one: a new order for a worker, an
acceptance, a cancellation, a reminder before the start. The rest reaches the app's inbox and, while the user has subscription quota, WeChat.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo
from typing import Any

from common.events import EXTRA_EVENTS
from common.money import yuan

from functions.notifications import extra_rules, onsite_notices
from functions.notifications.formats import amount_text, fit_data, fit_params, when_full, when_short
from functions.notifications.models import Notice, NotificationRequest, OrderEvent, Push, Sms
from functions.notifications.pages import CUSTOMER_ORDER_PAGE, CUSTOMER_REVIEW_PAGE, WORKER_ORDER_PAGE

# The subscription templates each role's app asks the user to accept (WeChat allows 3 per prompt).
ROLE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "customer": ("order_status", "order_cancelled"),
    "worker": ("new_order", "order_status"),
}


ACTOR_REASON = {
    "customer": "用户取消",
    "worker": "服务人员取消",
    "operator": "客服取消",
    "system": "系统取消",
}


class _Event:
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


def _created(ev: _Event) -> list[Notice]:
    # The customer is in the app, about to pay: the inbox is enough; subscription quota is kept for later moves.
    return [
        Notice(
            role="customer",
            user_id=ev.e.customer_id,
            kind="order_submitted",
            title="订单已提交",
            body=f"您预约的{ev.svc}（{ev.when}）已提交，请尽快完成支付。",
            data=ev.data(total_fen=ev.e.total_fen),
        )
    ]


def _new_order_for_worker(ev: _Event, worker_id: str, title: str) -> Notice:
    return Notice(
        role="worker",
        user_id=worker_id,
        kind="new_order",
        title=title,
        body=f"您有一个新的{ev.svc}订单，服务时间{ev.when}，订单金额¥{yuan(ev.e.total_fen)}，请尽快确认接单。",
        data=ev.data(total_fen=ev.e.total_fen),
        push=ev.new_order_push(),
        sms=ev.sms("new_order"),
    )


def _paid(ev: _Event) -> list[Notice]:
    notices = [
        Notice(
            role="customer",
            user_id=ev.e.customer_id,
            kind="order_paid",
            title="支付成功",
            body=f"您已支付¥{yuan(ev.e.total_fen)}，{ev.svc}（{ev.when}）正在等待服务人员接单。",
            data=ev.data(total_fen=ev.e.total_fen),
        )
    ]
    if ev.e.worker_id:
        notices.append(_new_order_for_worker(ev, ev.e.worker_id, "新订单待接单"))
    else:
        notices.append(
            Notice(
                role="operator",
                user_id=None,
                kind="order_unassigned",
                title="订单待派单",
                body=f"{ev.svc}订单（{ev.when}）已支付，尚未分配服务人员，请尽快派单。",
                data=ev.data(customer_id=ev.e.customer_id),
            )
        )
    return notices


def _accepted(ev: _Event) -> list[Notice]:
    return [
        Notice(
            role="customer",
            user_id=ev.e.customer_id,
            kind="order_accepted",
            title="服务人员已接单",
            body=f"您预约的{ev.svc}（{ev.when}）已由服务人员接单，请保持电话畅通。",
            data=ev.data(worker_id=ev.e.worker_id),
            push=ev.status_push("已接单", "服务人员将按时上门"),
            sms=ev.sms("order_accepted"),
        )
    ]


def _started(ev: _Event) -> list[Notice]:
    return [
        Notice(
            role="customer",
            user_id=ev.e.customer_id,
            kind="order_started",
            title="服务已开始",
            body=f"服务人员已开始您的{ev.svc}服务。",
            data=ev.data(),
            push=ev.status_push("服务中", "服务人员已开始服务"),
        )
    ]


def _completed(ev: _Event) -> list[Notice]:
    notices = [
        Notice(
            role="customer",
            user_id=ev.e.customer_id,
            kind="order_completed",
            title="服务已完成",
            body=f"您的{ev.svc}服务已完成，欢迎对本次服务进行评价。",
            data=ev.data(action="review"),
            push=ev.status_push("已完成", "请为本次服务评价", CUSTOMER_REVIEW_PAGE),
        )
    ]
    if ev.e.worker_id:
        notices.append(
            Notice(
                role="worker",
                user_id=ev.e.worker_id,
                kind="order_completed",
                title="订单已完成",
                body=f"{ev.svc}订单（{ev.when}）已完成，欢迎对客户进行评价。",
                data=ev.data(action="review"),
            )
        )
    return notices


def _worker_knew_of(e: OrderEvent) -> bool:
    """Whether the worker had been told of a now cancelled order. Workers hear of an order once it is paid;
    an unpaid order's cancellation (payment timeout, or the customer changing their mind) refunds nothing,
    while a paid order's refunds something (the largest fee is a share), an operator's cancel concerns a paid
    order, and a free order (total 0) cannot be told apart, so its worker is told."""
    if not e.worker_id or e.actor == "worker":
        return False
    return (e.refund_fen or 0) > 0 or e.actor == "operator" or e.total_fen == 0


def _cancelled(ev: _Event) -> list[Notice]:
    refund = ev.e.refund_fen or 0
    refund_text = f"退款¥{yuan(refund)}将原路退回。" if refund > 0 else ""
    reason = ev.reason()
    customer_push = Push(
        template="order_cancelled",
        page=CUSTOMER_ORDER_PAGE.format(order_id=ev.e.order_id),
        data=fit_data(
            {
                "character_string1": ev.e.order_id,
                "thing2": ev.svc,
                "time3": ev.time,
                "amount4": amount_text(refund),
                "thing5": reason,
            }
        ),
    )
    notices = [
        Notice(
            role="customer",
            user_id=ev.e.customer_id,
            kind="order_cancelled",
            title="订单已取消",
            body=f"您预约的{ev.svc}（{ev.when}）已取消（{reason}）。{refund_text}",
            data=ev.data(refund_fen=refund, reason=reason),
            push=customer_push,
            sms=ev.sms("order_cancelled", yuan(refund)) if refund > 0 else None,
        )
    ]
    if ev.e.worker_id and _worker_knew_of(ev.e):
        notices.append(
            Notice(
                role="worker",
                user_id=ev.e.worker_id,
                kind="order_cancelled",
                title="订单已取消",
                body=f"{ev.svc}订单（{ev.when}）已取消（{reason}），该时段已释放。",
                data=ev.data(reason=reason),
                push=ev.status_push("已取消", reason, WORKER_ORDER_PAGE),
                sms=ev.sms("order_cancelled_worker"),
            )
        )
    return notices


def _declined(ev: _Event) -> list[Notice]:
    return [
        Notice(
            role="operator",
            user_id=None,
            kind="order_declined",
            title="服务人员拒单",
            body=f"{ev.svc}订单（{ev.when}）被服务人员拒绝，请关注派单进度。",
            data=ev.data(worker_id=ev.e.worker_id, reason=ev.e.note),
        )
    ]


def _reassigned(ev: _Event) -> list[Notice]:
    waiting = ev.e.status == "pending_acceptance"
    notices = [
        Notice(
            role="customer",
            user_id=ev.e.customer_id,
            kind="order_reassigned",
            title="已为您更换服务人员",
            body=f"您预约的{ev.svc}（{ev.when}）已更换服务人员" + ("，正在等待接单。" if waiting else "。"),
            data=ev.data(),
            push=ev.status_push("已改派", "已为您更换服务人员"),
        )
    ]
    if ev.e.worker_id:
        notices.append(
            _new_order_for_worker(ev, ev.e.worker_id, "新订单待接单" if waiting else "新订单已指派")
        )
    previous = ev.e.previous_worker_id
    if previous and previous != ev.e.worker_id:
        notices.append(
            Notice(
                role="worker",
                user_id=previous,
                kind="order_reassigned",
                title="订单已改派",
                body=f"{ev.svc}订单（{ev.when}）已改派给其他服务人员，该时段已释放。",
                data=ev.data(),
                push=ev.status_push("已改派", "订单已改派给其他服务人员", WORKER_ORDER_PAGE),
            )
        )
    return notices


def _no_show(ev: _Event) -> list[Notice]:
    return [
        Notice(
            role="operator",
            user_id=None,
            kind="order_no_show",
            title="服务人员未按时到达",
            body=f"{ev.svc}订单（{ev.when}）的服务人员未按时开始服务，请尽快联系客户处理。",
            data=ev.data(worker_id=ev.e.worker_id, customer_id=ev.e.customer_id),
        ),
        Notice(
            role="customer",
            user_id=ev.e.customer_id,
            kind="order_no_show",
            title="服务人员未按时到达",
            body=f"非常抱歉，您预约的{ev.svc}（{ev.when}）服务人员未按时上门，客服将尽快联系您处理。",
            data=ev.data(),
            push=ev.status_push("处理中", "客服将尽快联系您处理"),
        ),
    ]


def _complaint_filed(ev: _Event) -> list[Notice]:
    return [
        Notice(
            role="operator",
            user_id=None,
            kind="complaint_filed",
            title="新投诉待处理",
            body=f"客户对{ev.svc}订单（{ev.when}）提交了投诉，请及时处理。",
            data=ev.data(complaint_id=ev.e.complaint_id, worker_id=ev.e.worker_id),
        )
    ]


def _complaint_resolved(ev: _Event) -> list[Notice]:
    refund = ev.e.refund_fen or 0
    resolution = (ev.e.resolution or "").strip()
    body = f"您对{ev.svc}订单（{ev.when}）的投诉已处理" + (f"：{resolution}" if resolution else "") + "。"
    if refund > 0:
        body += f"退款¥{yuan(refund)}将原路退回。"
    notices = [
        Notice(
            role="customer",
            user_id=ev.e.customer_id,
            kind="complaint_resolved",
            title="投诉已处理",
            body=body,
            data=ev.data(complaint_id=ev.e.complaint_id, refund_fen=refund or None),
            push=ev.status_push("已处理", resolution or "您的投诉已处理"),
        )
    ]
    if ev.e.penalize_worker and ev.e.worker_id:
        notices.append(
            Notice(
                role="worker",
                user_id=ev.e.worker_id,
                kind="complaint_resolved",
                title="投诉处理结果",
                body=f"客户对{ev.svc}订单（{ev.when}）的投诉经核实成立，将影响您的信用分。",
                data=ev.data(complaint_id=ev.e.complaint_id),
            )
        )
    return notices


def _settled(ev: _Event) -> list[Notice]:
    earned = int(ev.e.worker_earning_fen or 0)
    return [
        Notice(
            role="worker",
            user_id=ev.e.worker_id,
            kind="earning_settled",
            title="订单收入已结算",
            body=f"{ev.svc}订单（{ev.when}）已结算，收入¥{yuan(earned)}已计入可提现余额。"
            if earned
            else f"{ev.svc}订单（{ev.when}）已结算，本单无收入（已全额退款）。",
            data=ev.data(earning_fen=earned),
        )
    ]


def _rescheduled(ev: _Event) -> list[Notice]:
    """Issue 13: a move in time tells the other side (the worker of a customer's move, the customer of the
    worker's answer); a move waiting for consent asks the worker."""
    e, extra = ev.e, ev.e.model_extra or {}
    other = str(extra.get("requested_start") or extra.get("previous_start") or e.start.isoformat())
    other_when = when_short(datetime.fromisoformat(other), ev.tz)
    data = ev.data(previous_start=extra.get("previous_start"), requested_start=extra.get("requested_start"))
    if ev.type == "RescheduleRequested":
        title, body, to = (
            "客户申请改期",
            f"{ev.svc}订单（{ev.when}）客户申请改到{other_when}，请在App内同意或拒绝。",
            "worker",
        )
    elif ev.type == "RescheduleRejected":
        title, body, to = (
            "改期未获同意",
            f"您预约的{ev.svc}（{ev.when}）改到{other_when}的申请未获同意，原时间不变。",
            "customer",
        )
    else:
        title, body = "订单已改期", f"{ev.svc}订单已从{other_when}改到{ev.when}。"
        to = "customer" if e.actor == "worker" else "worker"
    user = e.customer_id if to == "customer" else e.worker_id
    page = CUSTOMER_ORDER_PAGE if to == "customer" else WORKER_ORDER_PAGE
    push = ev.status_push("已改期" if ev.type == "OrderRescheduled" else "改期申请", title, page)
    return [
        Notice(role=to, user_id=user, kind="order_rescheduled", title=title, body=body, data=data, push=push)
    ]


def _balance_paid(ev: _Event) -> list[Notice]:
    """Issue 13: an engagement's balance (尾款) paid tells the customer the engagement is fully paid."""
    paid = int((ev.e.model_extra or {}).get("paid_fen") or 0)
    return [
        Notice(
            role="customer",
            user_id=ev.e.customer_id,
            kind="order_balance_paid",
            title="尾款支付成功",
            body=f"您已支付{ev.svc}的尾款¥{yuan(paid)}，服务将于{ev.when}开始。",
            data=ev.data(paid_fen=paid),
        )
    ]


def _extra(ev: _Event) -> list[Notice]:
    """Issue 17: an on-site price difference's moves (extra_rules)."""
    return extra_rules.notices(ev, customer_page=CUSTOMER_ORDER_PAGE, worker_page=WORKER_ORDER_PAGE)


_RULES: dict[str, Callable[[_Event], list[Notice]]] = {
    "OrderCreated": _created,
    "OrderPaid": _paid,
    "OrderAccepted": _accepted,
    "OrderStarted": _started,
    "OrderCompleted": _completed,
    "OrderCancelled": _cancelled,
    "OrderDeclined": _declined,
    "OrderReassigned": _reassigned,
    "OrderWorkerReplaced": _reassigned,  # 换人: the customer, the new worker and the one who leaves are told
    "OrderBalancePaid": _balance_paid,
    "OrderNoShow": _no_show,
    "ComplaintFiled": _complaint_filed,
    "ComplaintResolved": _complaint_resolved,
    "OrderSettled": _settled,
    "OrderRescheduled": _rescheduled,
    "RescheduleRequested": _rescheduled,
    "RescheduleRejected": _rescheduled,
    **dict.fromkeys(EXTRA_EVENTS, _extra),
}
_RULES.update(onsite_notices.RULES)  # issue 17: departure, arrival, confirmation, reminders, exceptions


def notices_for(
    detail_type: str, detail: Mapping[str, Any], *, tz: tzinfo, sms_param_max: int = 20
) -> list[Notice]:
    """Everyone an event concerns, each with what they are told: an order event by the rules below, a
    ``NotificationRequested`` as it asks. An event of another type concerns no one here (empty list); a detail
    missing what the contract promises raises ``pydantic.ValidationError``."""
    if detail_type == "NotificationRequested":
        asked = NotificationRequest.model_validate(detail)
        notice = Notice(
            role=asked.recipient_role,
            user_id=asked.user_id,
            kind=asked.kind,
            title=asked.title,
            body=asked.body,
            data=asked.data,
            push=asked.push,
            sms=asked.sms,
        )
        return [notice] if notice.role == "operator" or notice.user_id else []
    rule = _RULES.get(detail_type)
    if rule is None:
        return []
    event = _Event(detail_type, OrderEvent.model_validate(detail), tz, sms_param_max)
    return [notice for notice in rule(event) if notice.role == "operator" or notice.user_id]
