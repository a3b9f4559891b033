"""Notifications: who hears of each order move, their inboxes, and delivery by WeChat subscription message
with an SMS fallback.

Other capabilities may call: ``notify`` (put a notice in a customer's, a worker's or the operators' inbox).
Order events reach this capability through its queue (``functions/notifications/tasks.py``).
"""

from typing import TYPE_CHECKING

from common.lazy import exports

if TYPE_CHECKING:
    from functions.notifications.service import notify

# Each name loads its module on first use (common.lazy.exports): importing the package costs nothing.
__getattr__, __dir__ = exports(
    __name__,
    {
        "notify": "functions.notifications.service",
    },
)

__all__ = ["notify"]
