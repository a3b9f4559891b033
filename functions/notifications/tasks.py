"""The consumer of order events: EventBridge → the ``notifications`` SQS queue → this handler.

Each record is one EventBridge event. A record that fails (unreadable, a detail missing what the contract
promises, or a delivery to retry) is reported in ``batchItemFailures``, so SQS redelivers only it (the event
source mapping sets ``FunctionResponseTypes: [ReportBatchItemFailures]``) and, after the queue's
``maxReceiveCount``, parks it in the DLQ. Redelivery is safe: inbox items are written once per event and
recipient, and only undelivered ones are sent again. The others in the batch are done.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from chalice.app import SQSEvent
from common.clock import clock
from common.events import queue_name, unwrap_sqs_record
from common.log import logger
from common.settings import get_settings
from pydantic import ValidationError

from functions import identity
from functions.notifications import service, store
from functions.notifications.delivery import Notifier, SmsNotifier, WeChatNotifier
from functions.notifications.sms import TencentSmsClient
from functions.notifications.wechat import SubscribeMessageClient

QUEUE = "notifications"

bp = Blueprint(__name__)


def notifiers() -> list[Notifier]:
    """WeChat first (free, in the app's own card), then SMS."""
    s = get_settings()
    return [
        WeChatNotifier(SubscribeMessageClient.from_settings(), store.Quotas(), s.wechat_subscribe_templates),
        SmsNotifier(TencentSmsClient.from_settings(), s.sms_templates),
    ]


def handle_records(records: list[dict[str, Any]]) -> dict[str, list[dict[str, str]]]:
    """Handle a batch of SQS records; the ids of those to redeliver, in Lambda's partial-batch shape."""
    chain = notifiers()
    failures = []
    for record in records:
        message_id = record.get("messageId", "")
        try:
            detail_type, detail = unwrap_sqs_record(record["body"])
            service.handle_event(
                detail_type, detail, now=clock.now(), notifiers=chain, contacts=identity.contact_for
            )
        except ValidationError as exc:
            # Where and why, never the values: a note written by a customer may hold anything.
            problems = [(".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors(include_input=False)]
            logger.error(
                "order event without what the contract promises",
                extra={"message_id": message_id, "problems": problems},
            )
            failures.append({"itemIdentifier": message_id})
        except Exception:
            logger.exception("notification event failed", extra={"message_id": message_id})
            failures.append({"itemIdentifier": message_id})
    return {"batchItemFailures": failures}


@bp.on_sqs_message(
    queue=queue_name(QUEUE, get_settings().stage), batch_size=10, name="notifications_consumer"
)
def notifications_consumer(event: SQSEvent) -> dict[str, list[dict[str, str]]]:
    """Order events → inbox items and WeChat/SMS messages."""
    return handle_records([record.to_dict() for record in event])
