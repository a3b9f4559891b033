"""Notifications: who hears of each order move, their inboxes, and delivery by WeChat subscription message
with an SMS fallback.

Other capabilities may call: ``notify`` (put a notice in a customer's, a worker's or the operators' inbox), and
``sms_sender`` (the SMS provider's client, ``SmsSender``, raising ``SmsRefused`` / ``SmsUnavailable``: identity
sends verification codes through it). Order events reach this capability through its queue
(``functions/notifications/tasks.py``).
"""

from functions.notifications.service import notify
from functions.notifications.sms import SmsRefused, SmsSender, SmsUnavailable, TencentSmsClient


def sms_sender() -> SmsSender:
    """The configured SMS provider (Tencent Cloud SMS; the loopback stand-in locally)."""
    return TencentSmsClient.from_settings()


__all__ = ["SmsRefused", "SmsSender", "SmsUnavailable", "notify", "sms_sender"]
