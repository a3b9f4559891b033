"""Notifications: who hears of each order move, their inboxes, and delivery by WeChat subscription message
with an SMS fallback.

Other capabilities may call: ``notify`` (put a notice in a customer's, a worker's or the operators' inbox), and
``sms_sender`` (the SMS provider's client, ``SmsSender``, raising ``SmsRefused`` / ``SmsUnavailable``: identity
sends verification codes through it). Order events reach this capability through its queue
(``functions/notifications/tasks.py``).
"""

from typing import TYPE_CHECKING

from common import lazy

if TYPE_CHECKING:
    from functions.notifications.service import notify
    from functions.notifications.sms import SmsRefused, SmsSender, SmsUnavailable

# Each name loads its module on first use (common.lazy.exports): importing the package costs nothing.
__getattr__, __dir__ = lazy.exports(
    __name__,
    {
        "SmsRefused": "functions.notifications.sms",
        "SmsSender": "functions.notifications.sms",
        "SmsUnavailable": "functions.notifications.sms",
        "notify": "functions.notifications.service",
    },
)


def sms_sender() -> "SmsSender":
    """The configured SMS provider (Tencent Cloud SMS; the loopback stand-in locally)."""
    from functions.notifications.sms import TencentSmsClient

    return TencentSmsClient.from_settings()


__all__ = ["SmsRefused", "SmsSender", "SmsUnavailable", "notify", "sms_sender"]
