"""Notifications: who hears of each order move, their inboxes, and delivery by WeChat subscription message
with an SMS fallback.

Other capabilities may call: ``notify`` (put a notice in a customer's, a worker's or the operators' inbox).
Order events reach this capability through its queue (``functions/notifications/tasks.py``).
"""

from functions.notifications.service import notify

__all__ = ["notify"]
