"""Tokens live on the business clock, which the local stack may move ahead of the wall clock."""

from datetime import UTC, datetime, timedelta

import pytest
from common.auth import issue_token, verify_token
from common.errors import Unauthorized


def test_a_token_issued_while_the_business_clock_is_ahead_verifies() -> None:
    tomorrow = datetime.now(UTC) + timedelta(days=1)

    token = issue_token("u1", "customer", now=tomorrow)

    assert verify_token(token, now=tomorrow + timedelta(minutes=5)).user_id == "u1"


def test_a_token_expires_by_the_business_clock() -> None:
    now = datetime.now(UTC)
    token = issue_token("u1", "customer", now=now)

    with pytest.raises(Unauthorized) as refused:
        verify_token(token, now=now + timedelta(days=1))

    assert refused.value.code == "TOKEN_EXPIRED"
