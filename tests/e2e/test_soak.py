"""A bounded soak in ``make test`` (the full 1,000 orders: ``make soak``): orders through every lifecycle path on
a local stack of its own, over HTTP as the apps call it, then the invariants (tests/soak/checks.py) — every order
at the end of its path, none waiting past its deadline, no slot lock without a live order, the ledger at zero,
coupons and points spent once — and no phone, certificate number, token or openid in the stack's log."""

from __future__ import annotations

import pytest

from tests.soak.__main__ import report, soak
from tests.soak.driver import PATHS

pytestmark = pytest.mark.e2e
ORDERS = len(PATHS)  # every path once, in one wave: a wave leaves three workers free


def test_a_bounded_soak_keeps_every_invariant_and_logs_no_personal_data() -> None:
    figures = soak(ORDERS, workers=ORDERS + 3, threads=6)
    print(report(figures))
    assert figures["paths"] == dict.fromkeys(PATHS, 1)
    assert figures["internal_errors"] == 0  # a 503 is retried as the apps retry it; nothing else in 5xx
    assert figures["invariants"] and all(found == [] for found in figures["invariants"].values()), report(
        figures
    )
