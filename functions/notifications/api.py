"""Notification routes: each role's inbox (read, mark read) and the mini-program's subscription opt-ins.

The inbox a route reads is the caller's own (the token's subject), or the operators' shared one; there is no
way to name another user's inbox, so another user's notifications are never visible.
"""

from __future__ import annotations

from chalice import Blueprint
from common.api import Call, route
from common.pagination import Page, PageQuery

from functions.notifications import service, store
from functions.notifications.models import (
    AdminInboxQuery,
    InboxScope,
    Notification,
    Subscriptions,
    SubscriptionsIn,
)

bp = Blueprint(__name__)
quotas = store.Quotas()


def _admin_owner(call: Call, scope: str = "team") -> str:
    return store.OPERATORS if scope == "team" else call.user_id


# Customers


@route(bp, "/v1/me/notifications", "GET", query=PageQuery, response=Page[Notification])
def my_notifications(call: Call) -> Page[Notification]:
    """The customer's notifications, newest first.

    What the customer hears of their orders, each marked read or not, kept ``settings.notify_inbox_days``
    days. Paginated with `limit` and `cursor`.
    """
    return service.list_inbox(call.user_id, limit=call.query.limit, cursor=call.query.cursor)


@route(bp, "/v1/me/notifications/{notification_id}/read", "POST", response=Notification)
def my_notification_read(call: Call, notification_id: str) -> Notification:
    """Mark one notification read.

    Only one of the caller's own (404 otherwise); marking it again changes nothing.
    """
    return service.mark_read(call.user_id, notification_id, now=call.now)


@route(bp, "/v1/me/notifications/read-all", "POST", status=204)
def my_notifications_read_all(call: Call) -> None:
    """Mark every notification so far read.

    Everything in the caller's inbox up to now counts as read; later ones arrive unread.
    """
    service.read_all(call.user_id, now=call.now)


@route(bp, "/v1/me/subscriptions", "GET", response=Subscriptions)
def my_subscriptions(call: Call) -> Subscriptions:
    """The subscription-message templates to offer the customer, and what is left of each.

    The template ids to pass to `wx.requestSubscribeMessage`, each with the messages it still allows (WeChat
    allows one message per acceptance); without one, the customer is told by SMS where possible.
    """
    return service.subscriptions("customer", call.user_id, quotas)


@route(bp, "/v1/me/subscriptions", "POST", body=SubscriptionsIn, response=Subscriptions)
def my_subscriptions_accepted(call: Call) -> Subscriptions:
    """Report the templates the customer accepted in one prompt.

    Send the ids `wx.requestSubscribeMessage` reported accepted; each allows one more message. An id this app
    does not ask for is 422 `UNKNOWN_TEMPLATE`.
    """
    return service.add_subscriptions("customer", call.user_id, call.body.template_ids, quotas)


# Workers


@route(bp, "/v1/worker/notifications", "GET", query=PageQuery, response=Page[Notification])
def worker_notifications(call: Call) -> Page[Notification]:
    """The worker's notifications, newest first.

    New orders offered, cancellations and the like, each marked read or not, kept
    ``settings.notify_inbox_days`` days. Paginated with `limit` and `cursor`.
    """
    return service.list_inbox(call.user_id, limit=call.query.limit, cursor=call.query.cursor)


@route(bp, "/v1/worker/notifications/{notification_id}/read", "POST", response=Notification)
def worker_notification_read(call: Call, notification_id: str) -> Notification:
    """Mark one notification read.

    Only one of the caller's own (404 otherwise); marking it again changes nothing.
    """
    return service.mark_read(call.user_id, notification_id, now=call.now)


@route(bp, "/v1/worker/notifications/read-all", "POST", status=204)
def worker_notifications_read_all(call: Call) -> None:
    """Mark every notification so far read.

    Everything in the caller's inbox up to now counts as read; later ones arrive unread.
    """
    service.read_all(call.user_id, now=call.now)


@route(bp, "/v1/worker/subscriptions", "GET", response=Subscriptions)
def worker_subscriptions(call: Call) -> Subscriptions:
    """The subscription-message templates to offer the worker, and what is left of each.

    The template ids to pass to `wx.requestSubscribeMessage`, each with the messages it still allows (WeChat
    allows one message per acceptance); without one, the worker is told by SMS where possible.
    """
    return service.subscriptions("worker", call.user_id, quotas)


@route(bp, "/v1/worker/subscriptions", "POST", body=SubscriptionsIn, response=Subscriptions)
def worker_subscriptions_accepted(call: Call) -> Subscriptions:
    """Report the templates the worker accepted in one prompt.

    Send the ids `wx.requestSubscribeMessage` reported accepted; each allows one more message. An id this app
    does not ask for is 422 `UNKNOWN_TEMPLATE`.
    """
    return service.add_subscriptions("worker", call.user_id, call.body.template_ids, quotas)


# Operators: one shared team inbox (a notice there is for whoever picks it up; read by one, read for all),
# and each operator's own for notices addressed to them (?scope=mine).


@route(bp, "/v1/admin/notifications", "GET", query=AdminInboxQuery, response=Page[Notification])
def operator_notifications(call: Call) -> Page[Notification]:
    """The operators' notifications, newest first.

    No-shows, complaints, orders to dispatch: by default the team's shared inbox (`scope=team`), or the
    notices addressed to the caller (`scope=mine`). Paginated with `limit` and `cursor`.
    """
    owner = _admin_owner(call, call.query.scope)
    return service.list_inbox(owner, limit=call.query.limit, cursor=call.query.cursor)


@route(bp, "/v1/admin/notifications/{notification_id}/read", "POST", query=InboxScope, response=Notification)
def operator_notification_read(call: Call, notification_id: str) -> Notification:
    """Mark one notification read.

    In the shared inbox (`scope=team`, the default) it is then read for the whole team; `scope=mine` marks one
    of the caller's own.
    """
    return service.mark_read(_admin_owner(call, call.query.scope), notification_id, now=call.now)


@route(bp, "/v1/admin/notifications/read-all", "POST", query=InboxScope, status=204)
def operator_notifications_read_all(call: Call) -> None:
    """Mark every notification so far read.

    In the shared inbox (`scope=team`, the default) for the whole team, or in the caller's own (`scope=mine`).
    """
    service.read_all(_admin_owner(call, call.query.scope), now=call.now)
