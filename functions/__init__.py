"""Capabilities: one folder each (DESIGN.md). A capability's ``__init__`` lists what others may call.

The composition root: ``EXTENSIONS`` says which modules of other capabilities plug into an extension point of a
capability, so that they are imported whenever that point is used — in the API function, in a task, in a test —
even though each capability loads lazily (``common.lazy``) and nothing else would import them. An extension
module registers itself on import (e.g. ``booking.register_discount_step(...)``). Keep this list short and the
modules in it light: they load with the capability they extend.
"""

from __future__ import annotations

import importlib

EXTENSIONS: dict[str, tuple[str, ...]] = {
    # booking's quote pipeline (functions.booking.pricing): discount steps (marketing: member, coupon, points),
    # price steps (reviews: the credit price line) and commission rules (reviews: the best level's commission).
    "booking.quote": ("functions.marketing.extensions", "functions.reviews.extensions"),
    # booking's priority booking (functions.booking.policy): marketing's tiers lengthen the horizon.
    "booking.priority": ("functions.marketing.extensions",),
    # the worker's view of an order (functions.booking.views): reviews' customer rating.
    "booking.worker_view": ("functions.reviews.extensions",),
    # a customer's profile (functions.identity.service): marketing's exclusive support flag.
    "identity.profile": ("functions.marketing.extensions",),
}

_loaded: set[str] = set()


def load_extensions(point: str) -> None:
    """Import the modules extending ``point`` (once; an extension registers itself when imported)."""
    if point in _loaded:
        return
    for module in EXTENSIONS.get(point, ()):
        importlib.import_module(module)
    _loaded.add(point)
