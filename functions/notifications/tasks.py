"""The consumer of events that tell people things: EventBridge → the ``notifications`` SQS queue → this handler.

Order events and ``NotificationRequested`` go through the shared guard (``common.consumers.consume``): an event
already handled is skipped; one whose handling fails (a detail missing what the contract promises, or a delivery
to retry) is reported in ``batchItemFailures``, so SQS redelivers only it and, after the queue's
``maxReceiveCount``, parks it in the DLQ. Redelivery is safe: inbox items are written once per event and
recipient, and only undelivered ones are sent again.
"""

from __future__ import annotations

from typing import Any

from chalice.app import SQSEvent
from common.clock import clock
from common.consumers import consume
from common.events import DomainEvent, queue_name
from common.lazy import Functions
from common.log import logger
from common.settings import get_settings
from pydantic import ValidationError

from functions import identity
from functions.notifications import service, store
from functions.notifications.delivery import Notifier, SmsNotifier, WeChatNotifier
from functions.notifications.sms import TencentSmsClient
from functions.notifications.wechat import SubscribeMessageClient

QUEUE = "notifications"

bp = Functions(__name__)


def notifiers() -> list[Notifier]:
    """WeChat first (free, in the app's own card), then SMS."""
    s = get_settings()
    return [
        WeChatNotifier(SubscribeMessageClient.from_settings(), store.Quotas(), s.wechat_subscribe_templates),
        SmsNotifier(TencentSmsClient.from_settings(), s.sms_templates),
    ]


def notify(event: DomainEvent, chain: list[Notifier]) -> None:
    """One event → inbox items and deliveries (``service.handle_event``)."""
    try:
        service.handle_event(
            event.type, event.detail, now=clock.now(), notifiers=chain, contacts=identity.contact_for
        )
    except ValidationError as exc:
        # Where and why, never the values: a note written by a customer may hold anything.
        problems = [(".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors(include_input=False)]
        logger.error("event without what the contract promises", extra={"problems": problems})
        raise


@bp.on_sqs_message(
    queue=queue_name(QUEUE, get_settings().stage), batch_size=10, name="notifications_consumer"
)
def notifications_consumer(event: SQSEvent) -> dict[str, Any]:
    """Order events and notification requests → inbox items and WeChat/SMS messages."""
    chain = notifiers()
    return consume(event, consumer=QUEUE, handle=lambda e: notify(e, chain))
