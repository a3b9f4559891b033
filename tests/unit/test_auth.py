"""Tokens and operator passwords."""

from datetime import timedelta

import pytest
from common.auth import bearer_principal, hash_password, issue_token, verify_password, verify_token
from common.clock import clock
from common.errors import Unauthorized


def test_a_token_carries_user_and_role_until_it_expires() -> None:
    now = clock.now()
    token = issue_token("u1", "worker", now=now)
    principal = verify_token(token, now=now + timedelta(minutes=5))
    assert (principal.user_id, principal.role) == ("u1", "worker")
    with pytest.raises(Unauthorized) as expired:
        verify_token(token, now=now + timedelta(days=1))
    assert expired.value.code == "TOKEN_EXPIRED"


def test_a_token_signed_with_another_key_is_refused() -> None:
    import jwt

    forged = jwt.encode(
        {"sub": "u1", "role": "operator", "exp": 4102444800},
        "guessed-secret-of-thirty-two-bytes!!",
        algorithm="HS256",
    )
    with pytest.raises(Unauthorized):
        verify_token(forged, now=clock.now())


def test_an_unsigned_token_is_refused() -> None:
    import jwt

    unsigned = jwt.encode({"sub": "u1", "role": "operator", "exp": 4102444800}, None, algorithm="none")
    with pytest.raises(Unauthorized):
        verify_token(unsigned, now=clock.now())


@pytest.mark.parametrize("header", [None, "", "Basic abc", "Bearer ", "Bearer not.a.jwt"])
def test_missing_or_malformed_authorization_is_unauthorized(header: str | None) -> None:
    with pytest.raises(Unauthorized):
        bearer_principal(header, now=clock.now())


def test_passwords_are_salted_slow_hashes() -> None:
    first, second = hash_password("s3cret"), hash_password("s3cret")
    assert first != second and first.startswith("scrypt$")
    assert "s3cret" not in first
    assert verify_password("s3cret", first) and verify_password("s3cret", second)
    assert not verify_password("S3cret", first)
    assert not verify_password("s3cret", "garbage")
