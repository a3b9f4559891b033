"""Interviews (面试) before an engagement: the customer asks to meet a worker (by video or in person), the worker
accepts or declines, both are told (``NotificationRequested``). An interview holds no days of the worker's
calendar. Nothing here is called by other capabilities."""
