"""One settings model, read once per cold start from the environment (and, when deployed, secrets)."""

from __future__ import annotations

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

    # WeChat Pay API v3 (INTEGRATIONS.md). Keys come from secrets (environment when deployed), never the repository.
    # PEMs may be given with literal "\\n" for newlines (one-line environment variables).
    wechatpay_api_base: str = "https://api.mch.weixin.qq.com"
    wechatpay_mchid: str = ""
    wechatpay_appid: str = ""  # the mini-program's appid; empty = wechat_appid
    wechatpay_merchant_serial: str = ""  # serial number of the merchant API certificate
    wechatpay_merchant_private_key: SecretStr = SecretStr("")  # PEM (PKCS#8 or PKCS#1)
    wechatpay_apiv3_key: SecretStr = SecretStr("")  # 32 bytes, decrypts notifications
    wechatpay_platform_public_key_id: str = ""  # "PUB_KEY_ID_…": the only serial notifications may name
    wechatpay_platform_public_key: str = ""  # PEM of the WeChat Pay public key
    wechatpay_notify_base: str = ""  # empty = public_base_url
    # Notifications and answers whose timestamp is further off than this are refused (replay window).
    wechatpay_timestamp_window_seconds: int = Field(300, gt=0)

    # Money (DESIGN.md "Money"): commission snapshotted on each order at creation; withdrawals; hot-account shards.
    platform_commission_percent: int = Field(20, ge=0, le=100)
    withdrawal_min_fen: int = Field(10000, ge=1)
    ledger_shards: int = Field(8, ge=1, le=64)  # only ever raise it: readers sum shards 0..n-1


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process; cached, so read once per cold start."""
    return Settings()
