"""One settings model, read once per cold start from the environment (and, when deployed, secrets)."""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every duration, weight, limit and threshold of the product lives here, not as a literal in code."""

    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False)

    stage: str = "local"
    table_name: str = "jiazheng"
    event_bus_name: str = "jiazheng-events"
    business_tz: str = "Asia/Shanghai"

    # Tokens (DESIGN.md "Security"): HS256, short-lived.
    jwt_secret: SecretStr = SecretStr("change-me-local-only")
    token_ttl_minutes: int = 120

    # WeChat mini-program login (INTEGRATIONS.md).
    wechat_api_base: str = "https://api.weixin.qq.com"
    wechat_appid: str = "wx-local-appid"
    wechat_app_secret: SecretStr = SecretStr("local-app-secret")
    http_timeout_seconds: float = Field(5.0, gt=0)

    # Resources named per stage; the template and the local stack set these.
    media_bucket: str = "jiazheng-media"
    state_machine_arn: str = ""
    public_base_url: str = "http://127.0.0.1:8000"  # where WeChat Pay sends notifications (notify_url)

    # Lists (API.md conventions).
    page_default: int = 20
    page_max: int = 100


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process; cached, so read once per cold start.

    When ``SECRETS_PARAMETER_PREFIX`` is set (deployed functions), the SSM parameters under it override the
    environment (``common.secrets``): secrets live in Parameter Store, never in the template or the repository.
    """
    prefix = os.environ.get("SECRETS_PARAMETER_PREFIX", "")
    if not prefix:
        return Settings()
    from common.secrets import load_parameters  # only deployed functions read SSM

    return Settings(**load_parameters(prefix, Settings.model_fields))
