"""Notifications' items in the one table (docs/access-patterns.md):

- inbox item:       INBOX#{user id} / MSG#{id}        (operators' shared inbox: INBOX#operators)
- read-all mark:    INBOX#{user id} / READMARK        (items written before it count as read)
- template quota:   WXSUB#{user id} / TEMPLATE#{template id}   (one-time subscriptions left, an ADD counter)

An inbox item's id is derived from the event and the recipient, and starts with the event's time, so the
partition reads newest first and a redelivered event lands on the item it already wrote.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from common.db import Item
from common.pagination import StorePage
from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

OPERATORS = "operators"

# Delivery states of an inbox item: "none" (inbox only), "pending" → "sending" (claimed) → a channel
# ("wechat", "sms"), "inbox" (nothing else could reach the person) or "failed" (a provider refused for good).
PENDING, SENDING = "pending", "sending"


class InboxItem(Item):
    id = UnicodeAttribute()
    recipient_role = UnicodeAttribute()
    kind = UnicodeAttribute()
    title = UnicodeAttribute()
    body = UnicodeAttribute()
    data = JSONAttribute()
    created_at = UnicodeAttribute()  # when it happened (the event's time), ISO in business time
    written_at = UnicodeAttribute()  # when it reached the inbox (UTC stamp; compared with the read-all mark)
    read_at = UnicodeAttribute(null=True)
    delivery = UnicodeAttribute()
    claim_until = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(null=True)  # TTL


class ReadMarkItem(Item):
    read_before = UnicodeAttribute()  # a UTC stamp like ``written_at``


class QuotaItem(Item):
    template_id = UnicodeAttribute()
    quota = NumberAttribute(default=0)


def stamp(instant: datetime) -> str:
    """A UTC timestamp that sorts as text (microseconds, fixed width)."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def inbox_pk(owner: str) -> str:
    return f"INBOX#{owner}"


def put_new(item: InboxItem) -> bool:
    """Write an inbox item unless it exists (same event, same recipient); True if this call wrote it."""
    try:
        item.save(condition=InboxItem.PK.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def get(owner: str, notification_id: str) -> InboxItem | None:
    try:
        return InboxItem.get(inbox_pk(owner), f"MSG#{notification_id}")
    except DoesNotExist:
        return None


def list_inbox(owner: str, limit: int, start: dict[str, Any] | None) -> StorePage[InboxItem]:
    """Newest first: one Query on the owner's partition."""
    result = InboxItem.query(
        inbox_pk(owner),
        InboxItem.SK.startswith("MSG#"),
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=start,
    )
    return StorePage.of(result)


def read_mark(owner: str) -> str | None:
    try:
        return ReadMarkItem.get(inbox_pk(owner), "READMARK").read_before
    except DoesNotExist:
        return None


def set_read_mark(owner: str, before: str) -> None:
    """Everything written up to ``before`` counts as read (one write, however long the inbox)."""
    ReadMarkItem(inbox_pk(owner), "READMARK", read_before=before).save()


def mark_read(owner: str, notification_id: str, at: str) -> InboxItem | None:
    """Mark one item read (the first time counts); None if the owner has no such item."""
    item = InboxItem(inbox_pk(owner), f"MSG#{notification_id}")
    try:
        item.update(
            actions=[InboxItem.read_at.set(InboxItem.read_at | at)],
            condition=InboxItem.PK.exists(),
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise
    return item


def claim_delivery(item: InboxItem, now: datetime, until: datetime) -> bool:
    """Take the right to deliver this item: it is pending, or a claim on it lapsed (its holder died midway).
    Two consumers handling the same event concurrently cannot both send."""
    try:
        item.update(
            actions=[InboxItem.delivery.set(SENDING), InboxItem.claim_until.set(stamp(until))],
            condition=(InboxItem.delivery == PENDING)
            | ((InboxItem.delivery == SENDING) & (InboxItem.claim_until < stamp(now))),
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def finish_delivery(item: InboxItem, outcome: str) -> None:
    item.update(actions=[InboxItem.delivery.set(outcome), InboxItem.claim_until.remove()])


def release_delivery(item: InboxItem) -> None:
    """Give the claim back after a failure that a later attempt may overcome."""
    item.update(actions=[InboxItem.delivery.set(PENDING), InboxItem.claim_until.remove()])


class Quotas:
    """One-time subscription quota per user and template: +1 per accepted prompt, -1 per message sent."""

    @staticmethod
    def _key(user_id: str, template_id: str) -> QuotaItem:
        return QuotaItem(f"WXSUB#{user_id}", f"TEMPLATE#{template_id}", template_id=template_id)

    def add(self, user_id: str, template_id: str, count: int = 1) -> int:
        """Count accepted prompts; the new number left."""
        item = self._key(user_id, template_id)
        item.update(actions=[QuotaItem.quota.add(count), QuotaItem.template_id.set(template_id)])
        return int(item.quota)

    def take(self, user_id: str, template_id: str) -> bool:
        """Use one send, if any is left (a conditional decrement: two sends cannot spend the same one)."""
        try:
            self._key(user_id, template_id).update(
                actions=[QuotaItem.quota.add(-1)], condition=QuotaItem.quota > 0
            )
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def give_back(self, user_id: str, template_id: str) -> None:
        """Return a send that did not happen."""
        self._key(user_id, template_id).update(actions=[QuotaItem.quota.add(1)])

    def clear(self, user_id: str, template_id: str) -> None:
        """WeChat says none is left (the user withdrew, or our count drifted): believe it."""
        self._key(user_id, template_id).update(actions=[QuotaItem.quota.set(0)])

    def remaining(self, user_id: str) -> dict[str, int]:
        """Template id → sends left, for every template the user ever accepted (one Query, a few items)."""
        return {
            q.template_id: int(q.quota or 0)
            for q in QuotaItem.query(f"WXSUB#{user_id}", QuotaItem.SK.startswith("TEMPLATE#"))
        }
