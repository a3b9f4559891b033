"""Deployed settings: secrets come from SSM Parameter Store under the stage's prefix, read once per cold start."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from common.secrets import field_name, load_parameters
from common.settings import get_settings
from moto import mock_aws


@pytest.fixture
def ssm() -> Iterator[object]:
    with mock_aws():
        yield boto3.client("ssm")


@pytest.fixture
def deployed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SECRETS_PARAMETER_PREFIX", "/jiazheng/prod")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_parameter_names_map_to_settings_fields() -> None:
    assert field_name("/jiazheng/prod/jwt-secret") == "jwt_secret"
    assert field_name("/jiazheng/prod/WECHAT_APP_SECRET") == "wechat_app_secret"


def test_deployed_settings_take_secrets_from_the_stage_prefix(ssm, deployed) -> None:
    ssm.put_parameter(
        Name="/jiazheng/prod/jwt-secret", Value="prod-signing-key-" + "x" * 32, Type="SecureString"
    )
    ssm.put_parameter(Name="/jiazheng/prod/wechat-app-secret", Value="prod-wx-secret", Type="SecureString")
    ssm.put_parameter(Name="/jiazheng/prod/wechat-appid", Value="wx-prod", Type="String")
    ssm.put_parameter(Name="/jiazheng/dev/jwt-secret", Value="dev-key", Type="SecureString")

    settings = get_settings()

    assert settings.jwt_secret.get_secret_value() == "prod-signing-key-" + "x" * 32
    assert settings.wechat_app_secret.get_secret_value() == "prod-wx-secret"
    assert settings.wechat_appid == "wx-prod"


def test_settings_are_read_once_per_cold_start(ssm, deployed) -> None:
    ssm.put_parameter(Name="/jiazheng/prod/jwt-secret", Value="first-key", Type="SecureString")
    assert get_settings().jwt_secret.get_secret_value() == "first-key"

    ssm.put_parameter(
        Name="/jiazheng/prod/jwt-secret", Value="rotated-key", Type="SecureString", Overwrite=True
    )

    assert get_settings().jwt_secret.get_secret_value() == "first-key"


def test_parameters_that_name_no_setting_are_ignored(ssm) -> None:
    for i in range(12):  # more than one page of GetParametersByPath
        ssm.put_parameter(Name=f"/jiazheng/prod/unrelated-{i}", Value="x", Type="String")
    ssm.put_parameter(Name="/jiazheng/prod/token-ttl-minutes", Value="30", Type="String")

    values = load_parameters("/jiazheng/prod/", ["token_ttl_minutes", "jwt_secret"])

    assert values == {"token_ttl_minutes": "30"}


def test_without_a_prefix_settings_come_from_the_environment_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRETS_PARAMETER_PREFIX", raising=False)
    get_settings.cache_clear()
    try:
        assert get_settings().jwt_secret.get_secret_value() == "test-secret-0123456789abcdef0123456789"
    finally:
        get_settings.cache_clear()
