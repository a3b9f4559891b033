"""Reaching a person outside the app: a chain of ``Notifier``s, tried in order (WeChat, then SMS).

A notifier answers True when it delivered, False when it cannot reach this person with this notice (no
subscription quota, no phone, WeChat or the SMS provider refused it for good): the next one is tried. A failure
that a later attempt may overcome (network, provider down) raises ``DeliveryUnavailable``, so the event is
redelivered; the inbox item is already written by then and is not written twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from common.log import logger

from functions.notifications.models import Notice
from functions.notifications.sms import SmsRefused, SmsSender, SmsUnavailable
from functions.notifications.store import Quotas
from functions.notifications.wechat import NoQuota, Refused, SubscribeMessenger, Unavailable

if TYPE_CHECKING:
    from functions.identity import Contact


class DeliveryUnavailable(Exception):
    """A channel failed for now; try the whole delivery again later."""


class Notifier(Protocol):
    channel: str

    def deliver(self, notice: Notice, contact: Contact) -> bool:
        """Deliver the notice to this person on this channel; False if this channel cannot."""
        ...


class WeChatNotifier:
    """Subscription messages, spending one of the user's one-time subscriptions per message."""

    channel = "wechat"

    def __init__(self, client: SubscribeMessenger, quotas: Quotas, templates: Mapping[str, str]) -> None:
        self.client = client
        self.quotas = quotas
        self.templates = templates

    def deliver(self, notice: Notice, contact: Contact) -> bool:
        push = notice.push
        if push is None or not contact.openid:
            return False
        template_id = self.templates.get(push.template)
        if not template_id:
            logger.warning("no template id configured", extra={"template": push.template})
            return False
        if not self.quotas.take(contact.user_id, template_id):
            return False
        try:
            self.client.send(contact.openid, template_id, push.page, push.data)
        except NoQuota:
            # Our count said one was left, WeChat says none (withdrawn in WeChat's settings): believe WeChat.
            self.quotas.clear(contact.user_id, template_id)
            return False
        except Refused as exc:
            # WeChat used nothing of the user's quota on a refused message.
            self.quotas.give_back(contact.user_id, template_id)
            logger.error(
                "WeChat refused a subscription message",
                extra={"errcode": exc.errcode, "template": push.template, "kind": notice.kind},
            )
            return False
        except Unavailable as exc:
            self.quotas.give_back(contact.user_id, template_id)
            raise DeliveryUnavailable(str(exc)) from exc
        return True


class SmsNotifier:
    """Templated SMS to the user's phone, for the notices that carry one."""

    channel = "sms"

    def __init__(self, client: SmsSender, templates: Mapping[str, str]) -> None:
        self.client = client
        self.templates = templates

    def deliver(self, notice: Notice, contact: Contact) -> bool:
        sms = notice.sms
        if sms is None or not contact.phone:
            return False
        template_id = self.templates.get(sms.template)
        if not template_id:
            logger.warning("no SMS template id configured", extra={"template": sms.template})
            return False
        try:
            self.client.send(contact.phone, template_id, sms.params)
        except SmsRefused as exc:
            logger.error(
                "SMS refused", extra={"code": exc.code, "template": sms.template, "kind": notice.kind}
            )
            return False
        except SmsUnavailable as exc:
            raise DeliveryUnavailable(str(exc)) from exc
        return True


def deliver(notice: Notice, contact: Contact | None, notifiers: Sequence[Notifier]) -> str:
    """Try each notifier in turn; the channel that delivered, or "inbox" when none could (the inbox has it)."""
    if contact is None:
        return "inbox"
    for notifier in notifiers:
        if notifier.deliver(notice, contact):
            return notifier.channel
    return "inbox"
