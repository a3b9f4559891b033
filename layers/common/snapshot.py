"""Lambda SnapStart (the API function, a stage setting: docs/deploy.md): what makes a restored snapshot safe.

A snapshot freezes the process after init; every restore of it starts from the same memory. So after a restore:
- ``random`` is seeded afresh (restores would otherwise draw the same sequence; ``secrets`` and ``uuid4`` read
  ``os.urandom`` and need nothing);
- every cached connection is dropped, so the first call opens new ones instead of writing into sockets that
  died with the snapshot: boto3's default session, and each module's clients and HTTP sessions, which register
  how to drop themselves with ``on_restore`` where they are made.
Before the snapshot, ``install(before=...)`` lets the app load everything it would otherwise load lazily, so
no restored function pays for a first import.

``snapshot_restore_python`` exists only in Lambda's Python 3.12+ runtimes: elsewhere ``install`` does nothing
and ``restored()`` can be called directly (tests).
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable

_hooks: list[Callable[[], object]] = []


def on_restore(hook: Callable[[], object]) -> Callable[[], object]:
    """Run ``hook`` after each restore (e.g. ``on_restore(_client.cache_clear)``, ``on_restore(_http.close)``)."""
    _hooks.append(hook)
    return hook


def restored() -> None:
    """What runs after a restore: fresh random seeds, no connection kept from the snapshot."""
    random.seed()
    boto3 = sys.modules.get("boto3")
    if boto3 is not None:
        boto3.DEFAULT_SESSION = None
    for hook in _hooks:
        hook()


def install(before: Callable[[], object] | None = None) -> bool:
    """Register the hooks with the SnapStart runtime; whether it is there."""
    try:
        from snapshot_restore_python import (  # type: ignore[import-not-found]
            register_after_restore,
            register_before_snapshot,
        )
    except ImportError:
        return False
    if before is not None:
        register_before_snapshot(before)
    register_after_restore(restored)
    return True
