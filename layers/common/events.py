"""Domain events, written with the change they report and never lost (DESIGN.md "Domain events").

A producer adds its event to the same TransactWriteItems as the state change (``add``): the event is an outbox
item ``OUTBOX#{event_id} / EVENT`` (with a TTL) beside the state it describes, so the change and its event commit
together or not at all. The table's stream carries every new outbox item to the relay (``common.relay``), which
puts it on the bus; EventBridge rules route it to each consumer's SQS queue (infra/topology.py), and every
consumer handles it once through the shared guard (``common.consumers``). Nothing puts events on the bus directly.

An event's id comes from its cause (``common.ids.derived_id``), and its outbox item is written only if new, so a
retried write can never emit a second event.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.transactions import TransactWrite

from common.clock import iso
from common.db import Item
from common.settings import get_settings

SOURCE = "jiazheng"

# The order events booking writes (detail shape: functions/booking/order_events.py).
ORDER_EVENTS = (
    "OrderCreated",
    "OrderPaid",
    "OrderAccepted",
    "OrderStarted",
    "OrderCompleted",
    "OrderCancelled",
    "OrderDeclined",
    "OrderReassigned",
    "OrderNoShow",
    "ComplaintFiled",
    "ComplaintResolved",
    "OrderSettled",
)
# identity: a first login {"user_id", "role", "referral_code", "at"}.
IDENTITY_EVENTS = ("UserRegistered",)
# Anyone who wants a person told: {"recipient_role", "user_id" (None: the operators), "kind", "title", "body",
# "data"}; notifications delivers it (inbox, WeChat subscription message, SMS fallback).
NOTIFICATION_EVENTS = ("NotificationRequested",)
# booking's workflow: a technical failure after retries (no consumer: the queue is the operators' dead-letter list).
WORKFLOW_EVENTS = ("OrderWorkflowFailed",)

DETAIL_TYPES: tuple[str, ...] = ORDER_EVENTS + IDENTITY_EVENTS + NOTIFICATION_EVENTS + WORKFLOW_EVENTS

# reviews (issue 10): ReviewSubmitted {review_id, order_id, side, worker_id, customer_id, category_id, attitude?,
# skill?, quality?, overall?, cooperation?, environment?, at}; ReviewHidden {review_id, worker_id, at};
# CreditChanged {worker_id, score, level, previous_score, delta, at}.
REVIEW_EVENTS = ("ReviewSubmitted", "ReviewHidden", "CreditChanged")
DETAIL_TYPES += REVIEW_EVENTS


# marketing (issue 11): coupons {"coupon_id", "template_id", "customer_id", …}, points {"customer_id", "points",
# "reason", "order_id"?}, tiers {"customer_id", "tier", "previous_tier"}, referral {"referrer_id", "newcomer_id"};
# every detail has "at".
MARKETING_EVENTS = (
    "CouponIssued",
    "CouponUsed",
    "CouponReleased",
    "PointsEarned",
    "PointsSpent",
    "TierChanged",
    "ReferralRewarded",
)
DETAIL_TYPES += MARKETING_EVENTS

OUTBOX_PREFIX = "OUTBOX#"
OUTBOX_SK = "EVENT"


class OutboxItem(Item):
    """An event waiting in the table's stream for the relay; the TTL removes it once it surely went out."""

    event_id = UnicodeAttribute()
    detail_type = UnicodeAttribute()
    detail = JSONAttribute()
    at = UnicodeAttribute()
    expires_at = NumberAttribute()


@dataclass(frozen=True)
class DomainEvent:
    """One event as a consumer sees it: its id (from its cause), its type and its detail."""

    id: str
    type: str
    detail: dict[str, Any]

    def bus_detail(self) -> str:
        """The EventBridge ``Detail``: the detail with the event id, so consumers can tell a repeat."""
        return json.dumps({**self.detail, "event_id": self.id}, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_bus(cls, detail_type: str, detail: dict[str, Any]) -> DomainEvent:
        """An event as the bus delivered it (``detail`` carries ``event_id``)."""
        body = dict(detail)
        event_id = body.pop("event_id", None)
        if not isinstance(event_id, str) or not event_id:
            raise ValueError(f"a {detail_type} event without an event_id")
        return cls(event_id, detail_type, body)


def outbox_item(detail_type: str, detail: dict[str, Any], *, event_id: str, now: datetime) -> OutboxItem:
    if detail_type not in DETAIL_TYPES:
        raise ValueError(f"unknown event type {detail_type!r}: add it to common.events.DETAIL_TYPES")
    expires = now + timedelta(days=get_settings().outbox_ttl_days)
    return OutboxItem(
        f"{OUTBOX_PREFIX}{event_id}",
        OUTBOX_SK,
        event_id=event_id,
        detail_type=detail_type,
        detail=detail,
        at=iso(now),
        expires_at=int(expires.timestamp()),
    )


def add(tx: TransactWrite, detail_type: str, detail: dict[str, Any], *, event_id: str, now: datetime) -> None:
    """Write the event with the change in ``tx``: it reaches the bus if and only if ``tx`` commits. The same
    ``event_id`` twice makes the transaction fail (a cause emits its event once)."""
    item = outbox_item(detail_type, detail, event_id=event_id, now=now)
    tx.save(item, condition=OutboxItem.PK.does_not_exist())


def queue_name(name: str, stage: str) -> str:
    """The physical name of an event queue in a stage (the consumers' ``on_sqs_message`` name it at import)."""
    return f"jiazheng-{stage}-{name}"


def unwrap_sqs_record(body: str) -> DomainEvent:
    """An SQS message body carrying an EventBridge event → the domain event."""
    envelope = json.loads(body)
    return DomainEvent.from_bus(envelope["detail-type"], envelope["detail"])


# engagements (issue 13): an engagement's balance (尾款) paid {order fields…, "paid_fen"}; a worker replaced (换人)
# {order fields…, "worker_id", "previous_worker_id", "days_served", "reason"}.
ENGAGEMENT_EVENTS = ("OrderBalancePaid", "OrderWorkerReplaced")
DETAIL_TYPES += ENGAGEMENT_EVENTS

# --- rescheduling and recurring plans (issue 13) ---
# Order events of a move in time (the order detail, plus "previous_start", or "requested_start"): a move at once
# or after the worker's consent (OrderRescheduled), a move waiting for the worker (RescheduleRequested), and the
# worker's refusal (RescheduleRejected). Recurring plans tell customers through NotificationRequested.
RESCHEDULE_EVENTS = ("OrderRescheduled", "RescheduleRequested", "RescheduleRejected")
ORDER_EVENTS += RESCHEDULE_EVENTS
DETAIL_TYPES += RESCHEDULE_EVENTS

# --- on-site service (issue 17) ---
# Order events of the visit (the order detail plus "progress"): the worker set out (出发, "on_the_way") or checked
# in at the door (到达, "arrived"), the customer is told (functions/notifications/onsite_notices.py); the
# customer's (or the automatic) confirmation of a completed order ("confirmed"). Notices only: a reminder before
# the start {order fields…, "reminder": "reminder_24h", "lead_hours"} and an exception raised for operators
# {order fields…, "exception_id", "kind", "reason", "since"}.
ONSITE_EVENTS = ("OrderDeparted", "OrderArrived", "OrderConfirmed")
ORDER_EVENTS += ONSITE_EVENTS
ONSITE_NOTICE_EVENTS = ("OrderReminder", "OrderExceptionRaised")
DETAIL_TYPES += ONSITE_EVENTS + ONSITE_NOTICE_EVENTS
# --- on-site price differences 补差价 (issue 17) ---
# Order events of a difference (the order detail, plus "extra_id", "amount_fen", "reason"): a worker proposes it,
# the customer approves (then pays) or rejects it, its payment arrives, it is refunded (the order cancelled).
EXTRA_EVENTS = ("ExtraProposed", "ExtraApproved", "ExtraRejected", "ExtraPaid", "ExtraRefunded")
ORDER_EVENTS += EXTRA_EVENTS
DETAIL_TYPES += EXTRA_EVENTS
