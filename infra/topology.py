"""How domain events travel: EventBridge rules → SQS queues → the app's consumers.

One declaration read by the local stack (which creates the bus, queues and rules in moto and polls the queues)
and by the deployable template (rules, queues with DLQs and redrive, event source mappings). The consumers are
the Chalice app's ``on_sqs_message`` handlers, registered by each capability's ``tasks.py`` on the queue named here.
Scheduled jobs are the app's ``schedule`` handlers; the state machine's tasks are its ``lambda_function``s.
"""

from __future__ import annotations

from dataclasses import dataclass

from common.events import (
    ENGAGEMENT_EVENTS,
    IDENTITY_EVENTS,
    MARKETING_EVENTS,
    NOTIFICATION_EVENTS,
    ONSITE_NOTICE_EVENTS,
    ORDER_EVENTS,
    REVIEW_EVENTS,
    SOURCE,
    WORKFLOW_EVENTS,
    queue_name,
)


@dataclass(frozen=True)
class EventQueue:
    """An SQS queue fed by one EventBridge rule that matches these detail types from our source."""

    name: str
    detail_types: tuple[str, ...]

    def event_pattern(self) -> dict[str, list[str]]:
        return {"source": [SOURCE], "detail-type": list(self.detail_types)}


# Each capability that consumes events adds its queue here, e.g.
#   EventQueue("analytics-events", ("OrderCreated", "OrderPaid", "OrderCompleted", "OrderCancelled")),
EVENT_QUEUES: tuple[EventQueue, ...] = ()


__all__ = ["EVENT_QUEUES", "EventQueue", "queue_name"]


# notifications: every order move tells the customer, the worker or the operators (functions/notifications).
EVENT_QUEUES += (
    EventQueue(
        "notifications", ORDER_EVENTS + ENGAGEMENT_EVENTS + NOTIFICATION_EVENTS + ONSITE_NOTICE_EVENTS
    ),
)


# booking: the order workflow's technical failures (after retries), for operators to see (no consumer: the queue is
# the dead-letter list; its depth alarms). Detail: {"order_id", "execution", "error": {"Error", "Cause"}}.
EVENT_QUEUES += (EventQueue("order-lifecycle-failures", WORKFLOW_EVENTS),)


# reviews: order events count into the workers' credit inputs and mark them dirty (functions/reviews/tasks.py).
EVENT_QUEUES += (
    EventQueue(
        "reviews",
        (
            "OrderAccepted",
            "OrderCompleted",
            "OrderCancelled",
            "OrderDeclined",
            "OrderNoShow",
            "ComplaintResolved",
        ),
    ),
)


# marketing: points, coupons given back or consumed, tiers and referral rewards from order events and first logins
# (functions/marketing/reactions.py; exactly once by consume_atomic).
EVENT_QUEUES += (
    EventQueue(
        "marketing",
        (
            "UserRegistered",
            "OrderPaid",
            "OrderCancelled",
            "ComplaintResolved",
            "OrderCompleted",
            "OrderSettled",
        ),
    ),
)


# analytics: daily counters from order, identity, marketing and reviews events, each counted once
# (functions/analytics/rules.py; the consumer is functions/analytics/tasks.py).
ANALYTICS_EVENTS = (
    ORDER_EVENTS + IDENTITY_EVENTS + MARKETING_EVENTS + REVIEW_EVENTS
)  # analytics.rules counts these
EVENT_QUEUES += (EventQueue("analytics", ANALYTICS_EVENTS),)


# booking: every move of an order brings its watches (reminders, exceptions) in the sparse due index in line with
# what it needs now (functions/booking/watch_tasks.py); the order-watches job fires what comes due.
EVENT_QUEUES += (
    EventQueue(
        "booking-watches",
        (
            "OrderAccepted",
            "OrderStarted",
            "OrderCompleted",
            "OrderConfirmed",
            "OrderCancelled",
            "OrderDeclined",
            "OrderReassigned",
            "OrderNoShow",
            "OrderRescheduled",
            "OrderWorkerReplaced",
        ),
    ),
)
