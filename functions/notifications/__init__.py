"""Notifications: who hears of each order move, their inboxes, and delivery by WeChat subscription message
with an SMS fallback."""
