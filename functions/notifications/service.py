"""Notification use cases: an order event → inbox items → delivery; the inbox; subscription quota.

Exactly-once where people would notice: one inbox item per (event, recipient), whatever SQS redelivers, by a
conditional put on an id derived from both. At-least-once for delivery: an item is claimed before sending and
marked with the channel after, so a redelivered event sends only what did not go out yet; only a consumer that
dies between sending and marking (its claim then lapses) can cause a second message.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from common.clock import business_tz, iso
from common.errors import NotFound, RuleViolation
from common.ids import derived_id, new_id
from common.log import logger
from common.pagination import Page, decode_cursor, encode_cursor
from common.settings import get_settings

from functions.notifications import rules, store
from functions.notifications.delivery import DeliveryUnavailable, Notifier, deliver
from functions.notifications.models import Notice, Notification, Subscriptions, TemplateQuota

if TYPE_CHECKING:  # identity loads only when a contact is looked up
    from functions.identity import Contact

    Contacts = Callable[[str], Contact | None]


def event_key(detail_type: str, detail: Mapping[str, Any]) -> str:
    """What identifies an event: its type and content. A producer that publishes the same move twice (a retried
    put_events gets a new envelope id) still gives the same key, so nobody hears of it twice."""
    canonical = json.dumps(detail, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{detail_type}\n{canonical}".encode()).hexdigest()


def inbox_owner(role: str, user_id: str | None) -> str:
    """Whose partition an item goes to: the user's own, or the operators' shared one."""
    if user_id is None:
        if role != "operator":
            raise ValueError("only operators share an inbox")
        return store.OPERATORS
    return user_id


def _inbox_item(notice: Notice, notification_id: str, created: datetime, now: datetime) -> store.InboxItem:
    owner = inbox_owner(notice.role, notice.user_id)
    ttl = now + timedelta(days=get_settings().notify_inbox_days)
    return store.InboxItem(
        store.inbox_pk(owner),
        f"MSG#{notification_id}",
        id=notification_id,
        recipient_role=notice.role,
        kind=notice.kind,
        title=notice.title,
        body=notice.body,
        data=notice.data,
        created_at=iso(created),
        written_at=store.stamp(now),
        delivery=store.PENDING if notice.delivers else "none",
        expires_at=int(ttl.timestamp()),
    )


def _deliver_item(
    item: store.InboxItem, notice: Notice, *, now: datetime, notifiers: Sequence[Notifier], contacts: Contacts
) -> None:
    until = now + timedelta(seconds=get_settings().notify_delivery_claim_seconds)
    if not store.claim_delivery(item, now, until):
        current = store.get(inbox_owner(notice.role, notice.user_id), item.id)
        if current is not None and current.delivery == store.SENDING:
            # Another consumer holds the same event right now: come back once it finished or its claim lapsed.
            raise DeliveryUnavailable("delivery in progress elsewhere")
        return  # delivered (or given up) before: a redelivered event sends nothing twice
    try:
        assert notice.user_id is not None  # notice.delivers
        channel = deliver(notice, contacts(notice.user_id), notifiers)
    except Exception:
        store.release_delivery(item)
        raise
    store.finish_delivery(item, channel)
    logger.info(
        "notification delivered", extra={"kind": notice.kind, "role": notice.role, "channel": channel}
    )


def handle_event(
    detail_type: str,
    detail: Mapping[str, Any],
    *,
    now: datetime,
    notifiers: Sequence[Notifier],
    contacts: Contacts,
) -> list[str]:
    """Apply the rules to one event: write each recipient's inbox item (once) and deliver it (WeChat,
    else SMS). Returns the ids of the inbox items. Raises ``DeliveryUnavailable`` after doing everything it
    could when some delivery must be tried again; every inbox item is written by then."""
    notices = rules.notices_for(
        detail_type, detail, tz=business_tz(), sms_param_max=get_settings().sms_param_max_chars
    )
    if not notices:
        return []
    key = event_key(detail_type, detail)
    happened = datetime.fromisoformat(str(detail["at"]))
    if happened.tzinfo is None:  # the contract says ISO with offset; a bare time is taken as business time
        happened = happened.replace(tzinfo=business_tz())
    ids, retry = [], []
    for notice in notices:
        notification_id = derived_id(happened, f"{key}|{notice.role}|{notice.user_id or ''}|{notice.kind}")
        item = _inbox_item(notice, notification_id, happened, now)
        store.put_new(item)
        ids.append(notification_id)
        if not notice.delivers:
            continue
        try:
            _deliver_item(item, notice, now=now, notifiers=notifiers, contacts=contacts)
        except DeliveryUnavailable as exc:
            retry.append(f"{notice.kind}/{notice.role}: {exc}")
    order_id = detail.get("order_id")
    if retry:
        logger.warning(
            "delivery to retry", extra={"order_id": order_id, "event": detail_type, "failed": retry}
        )
        raise DeliveryUnavailable("; ".join(retry))
    logger.info("event notified", extra={"order_id": order_id, "event": detail_type, "notices": len(ids)})
    return ids


def notify(
    recipient_role: str,
    user_id: str | None,
    kind: str,
    title: str,
    body: str,
    data: dict[str, Any],
    *,
    now: datetime,
    dedupe_key: str | None = None,
) -> None:
    """Put a notice in a person's inbox (``user_id`` None with role ``operator``: the operators' shared
    inbox). Inbox only: nothing is sent outside the app. With ``dedupe_key``, calling again with the same key
    and ``now`` adds nothing."""
    if recipient_role not in ("customer", "worker", "operator"):
        raise ValueError(f"unknown recipient role {recipient_role!r}")
    notice = Notice(role=recipient_role, user_id=user_id, kind=kind, title=title, body=body, data=data)  # type: ignore[arg-type]
    key = f"{dedupe_key}|{recipient_role}|{user_id or ''}" if dedupe_key else None
    notification_id = derived_id(now, key) if key else new_id(now)
    store.put_new(_inbox_item(notice, notification_id, now, now))


def _notification(item: store.InboxItem, mark: str | None) -> Notification:
    read = item.read_at is not None or (mark is not None and item.written_at <= mark)
    return Notification(
        id=item.id,
        kind=item.kind,
        title=item.title,
        body=item.body,
        data=item.data or {},
        created_at=item.created_at,
        read=read,
    )


def list_inbox(owner: str, *, limit: int, cursor: str | None) -> Page[Notification]:
    """The owner's notifications, newest first."""
    start = decode_cursor(cursor, expect={"PK": store.inbox_pk(owner)})
    page = store.list_inbox(owner, limit, start)
    mark = store.read_mark(owner) if page.items else None
    return Page[Notification](
        items=[_notification(i, mark) for i in page.items], next_cursor=encode_cursor(page.last_key)
    )


def mark_read(owner: str, notification_id: str, *, now: datetime) -> Notification:
    """Mark one of the owner's notifications read; NotFound for anyone else's."""
    item = store.mark_read(owner, notification_id, iso(now))
    if item is None:
        raise NotFound("no such notification")
    return _notification(item, None)


def read_all(owner: str, *, now: datetime) -> None:
    """Everything in the owner's inbox so far counts as read."""
    store.set_read_mark(owner, store.stamp(now))


def _templates_for(role: str) -> dict[str, str]:
    """Template kind → id, for the templates this role's app asks the user to accept."""
    configured = get_settings().wechat_subscribe_templates
    return {kind: configured[kind] for kind in rules.ROLE_TEMPLATES.get(role, ()) if configured.get(kind)}


def subscriptions(role: str, user_id: str, quotas: store.Quotas) -> Subscriptions:
    """The templates to ask this user to accept, with the sends left on each."""
    remaining = quotas.remaining(user_id)
    return Subscriptions(
        templates=[
            TemplateQuota(kind=kind, template_id=tid, remaining=remaining.get(tid, 0))
            for kind, tid in _templates_for(role).items()
        ]
    )


def add_subscriptions(
    role: str, user_id: str, template_ids: list[str], quotas: store.Quotas
) -> Subscriptions:
    """Record one accepted prompt: +1 send for each template the user accepted in it."""
    known = set(_templates_for(role).values())
    unknown = [t for t in template_ids if t not in known]
    if unknown:
        raise RuleViolation(
            "not a template this app asks for", code="UNKNOWN_TEMPLATE", details={"template_ids": unknown}
        )
    for template_id in dict.fromkeys(template_ids):  # one prompt counts a template once
        quotas.add(user_id, template_id)
    return subscriptions(role, user_id, quotas)
