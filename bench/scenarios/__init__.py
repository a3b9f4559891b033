"""Bench scenarios, one module per capability; ``SCENARIOS`` lists them in the order they run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SCENARIOS = (
    "foundation",
    "matching",
    "orders",
    "phones",
    "reviews",
    "marketing",
    "analytics",
    "staff",
    "engagements",
    "calendars",
    "onsite",
)


@dataclass
class Endpoint:
    label: str  # "GET /v1/services/{id}"
    method: str
    path: Any  # or a function of the request number, for paths that must differ
    body: Any = None  # or a function of the request number, for bodies that must differ
    token: str | None = None
    expect: int = 200


BodyFactory = Callable[[int], Any]


def progress(label: str, done: int, total: int) -> None:
    """One line of seeding progress, rewritten in place."""
    end = "\n" if done >= total else ""
    print(f"\r  seeding {label}: {done:>7}/{total}", end=end, flush=True)


def operator_token(*, now: Any) -> str:
    """A token of the staff account ``bench`` (every role): the staff check reads the account on each admin
    call, so the account must exist."""
    from common.auth import issue_token

    from functions.identity.staff import ensure_operator

    ensure_operator("bench", "bench-password", now=now)
    return issue_token("op_bench", "operator", now=now, roles=["admin"])
