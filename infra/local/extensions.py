"""Hook points: where a capability plugs its local-only pieces into the local stack.

List the module in ``EXTENSIONS`` (one line). The stack imports it before the app, so it must not import the app or
product modules at its top (import them inside the hooks). A module may define any of these, all optional:

- ``start(stack)``: before the app is imported. Start a loopback stand-in and point the settings at it with
  ``os.environ`` (payments: the WeChat Pay stand-in; ``stack.on_stop(standin.close)``).
- routes, at import: ``@infra.local.dev_routes.local_route("/v1/dev/...", "POST")`` (payments:
  ``POST /v1/dev/payments/{order_id}/succeed``).
- ``provision(stack)``: after the table, bus, queues, bucket and the Lambda dispatcher exist. Create more resources
  (booking: its state machine, with ``stack.function_arn("payments-refund")`` for task resources) and set the
  settings that name them in ``os.environ``; the stack re-reads the settings afterwards.
- ``seed(ctx)``: demo data after the catalog, the operator and the customers (``infra.local.seed.SeedContext``).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

EXTENSIONS: tuple[str, ...] = (
    "infra.local.notifications_dev",
    "infra.local.payments_dev",
    "infra.local.booking_dev",
    "infra.local.identity_dev",
    "infra.local.analytics_dev",
)


def load(names: tuple[str, ...] = EXTENSIONS) -> list[ModuleType]:
    return [importlib.import_module(name) for name in names]


def call(modules: list[ModuleType], hook: str, *args: Any) -> None:
    """Call ``hook(*args)`` on every module that defines it, in the listed order."""
    for module in modules:
        fn = getattr(module, hook, None)
        if callable(fn):
            fn(*args)
