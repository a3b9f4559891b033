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
from datetime import tzinfo
from typing import Any

from common.events import EXTRA_EVENTS
from common.money import yuan

from functions.notifications import after_notices, extra_rules, onsite_notices
from functions.notifications.formats import amount_text, fit_data
from functions.notifications.models import Notice, NotificationRequest, OrderEvent, Push
from functions.notifications.pages import CUSTOMER_ORDER_PAGE, CUSTOMER_REVIEW_PAGE, WORKER_ORDER_PAGE
from functions.notifications.prepared import PreparedEvent

# The subscription templates each role's app asks the user to accept (WeChat allows 3 per prompt).
ROLE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "customer": ("order_status", "order_cancelled"),
    "worker": ("new_order", "order_status"),
}


def _created(ev: PreparedEvent) -> list[Notice]:
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


def _new_order_for_worker(ev: PreparedEvent, worker_id: str, title: str) -> Notice:
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


def _paid(ev: PreparedEvent) -> list[Notice]:
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


def _accepted(ev: PreparedEvent) -> list[Notice]:
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


def _started(ev: PreparedEvent) -> list[Notice]:
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


def _completed(ev: PreparedEvent) -> list[Notice]:
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


def _cancelled(ev: PreparedEvent) -> list[Notice]:
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


def _declined(ev: PreparedEvent) -> list[Notice]:
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


def _reassigned(ev: PreparedEvent) -> list[Notice]:
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


def _no_show(ev: PreparedEvent) -> list[Notice]:
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


_RULES: dict[str, Callable[[PreparedEvent], list[Notice]]] = {
    "OrderCreated": _created,
    "OrderPaid": _paid,
    "OrderAccepted": _accepted,
    "OrderStarted": _started,
    "OrderCompleted": _completed,
    "OrderCancelled": _cancelled,
    "OrderDeclined": _declined,
    "OrderReassigned": _reassigned,
    "OrderWorkerReplaced": _reassigned,  # 换人: the customer, the new worker and the one who leaves are told
    "OrderNoShow": _no_show,
    **dict.fromkeys(EXTRA_EVENTS, extra_rules.notices),
    **onsite_notices.RULES,  # departure, arrival, confirmation, reminders, exceptions
    **after_notices.RULES,  # complaints, settlement, moves in time, an engagement's balance
}


def notices_for(
    detail_type: str, detail: Mapping[str, Any], *, tz: tzinfo, sms_param_max: int = 20
) -> list[Notice]:
    """Everyone an event concerns, each with what they are told: an order event by the rules above, a
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
    event = PreparedEvent(detail_type, OrderEvent.model_validate(detail), tz, sms_param_max)
    return [notice for notice in rule(event) if notice.role == "operator" or notice.user_id]
