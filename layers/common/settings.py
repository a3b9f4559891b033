"""One settings model, read once per cold start from the environment (and, when deployed, secrets)."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Literal

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

    # Workers (家政人员): availability, slot locks, onboarding.
    travel_buffer_minutes: int = Field(30, ge=0, le=240)  # kept free after each booking of the same worker
    worker_max_active_orders: int = Field(10, ge=1)  # concurrent-order limit (accepted, not finished)
    worker_default_hours: tuple[str, str] = ("08:00", "18:00")  # weekly template of a new profile, every day
    worker_min_age: int = 18
    slot_lock_ttl_days: int = 3  # a lock item lives this long after its booking ends (DynamoDB TTL)
    max_slots_per_booking: int = Field(
        90, ge=1, le=95
    )  # 30-minute locks one booking may hold (one transaction)
    media_upload_expiry_seconds: int = Field(900, ge=60, le=3600)  # presigned S3 PUT
    media_base_url: str = ""  # where uploaded media is read (a CDN); empty: the bucket's own URL
    credit_start_score: int = 600
    # (minimum score, level) from the top; a score gets the first level whose minimum it reaches.
    credit_levels: list[tuple[int, str]] = [
        (850, "outstanding"),
        (700, "excellent"),
        (600, "good"),
        (400, "fair"),
        (0, "poor"),
    ]

    # Matching (DESIGN.md "Matching"): weights of the score's parts, radii, read budget.
    matching_weights: dict[str, float] = {
        "skill": 0.25,
        "distance": 0.3,
        "rating": 0.2,
        "credit": 0.15,
        "experience": 0.1,
    }
    matching_skill_fit: dict[str, float] = {"service": 1.0, "category": 0.8, "sibling": 0.6, "parent": 0.6}
    matching_default_radius_km: float = Field(5.0, gt=0)  # a worker's service radius unless they set one
    matching_max_radius_km: float = Field(
        10.0, gt=0
    )  # the largest radius a worker may set; the search circle
    matching_experience_cap_years: int = Field(10, ge=1)  # this many years or more scores full marks
    matching_rating_prior: tuple[float, int] = (4.0, 5)  # (mean, weight): few reviews pull towards the mean
    matching_max_queries: int = Field(6, ge=1)  # index range queries per match
    matching_max_batch_gets: int = Field(6, ge=1)  # slot-lock checks per match (one BatchGetItem each)
    # Notifications (INTEGRATIONS.md "Subscription messages", "SMS"). Template ids come from the mini-program's
    # console (订阅消息 → 我的模板), keyed by our template kinds; each template's keyword layout is documented in
    # functions/notifications/rules.py. The SMS provider is Tencent Cloud SMS (API 3.0, TC3-HMAC-SHA256).
    miniprogram_state: Literal["developer", "trial", "formal"] = "formal"  # which build a message card opens
    wechat_subscribe_templates: dict[str, str] = {
        "order_status": "local-tpl-order-status",
        "order_cancelled": "local-tpl-order-cancelled",
        "new_order": "local-tpl-new-order",
    }
    sms_api_base: str = "https://sms.tencentcloudapi.com"
    sms_region: str = "ap-guangzhou"
    sms_secret_id: str = "local-sms-secret-id"
    sms_secret_key: SecretStr = SecretStr("local-sms-secret-key")
    sms_sdk_app_id: str = "1400000000"
    sms_sign_name: str = "家政服务"
    sms_templates: dict[str, str] = {
        "new_order": "1000001",
        "order_accepted": "1000002",
        "order_cancelled": "1000003",
        "order_cancelled_worker": "1000004",
    }
    sms_param_max_chars: int = Field(20, gt=0)  # a template variable's length limit (notification templates)
    notify_inbox_days: int = Field(180, gt=0)  # inbox items expire (TTL) after this many days
    notify_delivery_claim_seconds: int = Field(300, gt=0)  # a delivery attempt holds its claim this long
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
    # Reconciliation: every few minutes ask WeChat Pay about unpaid orders whose deadline is this close (or past).
    payment_reconcile_every_minutes: int = Field(5, ge=1, le=60)
    payment_reconcile_within_minutes: int = Field(5, ge=1)

    # Booking (DESIGN.md "Order lifecycle"): time rules of a booking.
    booking_min_notice_minutes: int = 120  # a booking starts at least this long after it is made
    booking_horizon_days: int = 30  # and at most this far ahead
    booking_max_minutes: int = 1440  # one order holds at most a day (its slot locks fit one transaction)
    start_early_minutes: int = 60  # a worker may start from this long before the scheduled start
    cancel_fee_window_minutes: int = 120  # a customer's cancellation this close to the start pays a fee
    cancel_fee_percent: int = 20  # of the amount paid, to the worker
    dispatch_candidates: int = 5  # matches tried, best first, when the customer lets us choose
    idempotency_ttl_seconds: int = 86400  # how long an Idempotency-Key's first response is replayed
    idempotency_in_progress_seconds: int = 30  # a request that died mid-way frees its key after this

    # The order-lifecycle workflow: every duration goes into the execution input, so the local stack and tests
    # can run it fast (DESIGN.md "The local stack and the tests").
    payment_timeout_seconds: int = 900  # 15 min to pay
    acceptance_timeout_seconds: int = 1800  # 30 min for the worker to accept
    start_grace_seconds: int = 1800  # a worker not started by start + grace is a no-show
    completion_grace_seconds: int = 14400  # an order not completed by end + grace is completed by the system
    workflow_wait_cap_seconds: int = 0  # caps the start/completion waits (0: none); the local stack sets it
    dispute_window_seconds: int = 259200  # 72 h between completion and settlement
    # While a complaint is open, settlement is looked at again after this.
    dispute_recheck_seconds: int = 86400
    max_dispatch_tries: int = 3  # workers offered an order (the first included) before it is cancelled
    max_open_complaints: int = 3  # open complaints one order may have at a time

    # Domain events and the shared mechanisms (layers/common: events, relay, consumers, db, pagination).
    outbox_ttl_days: int = 7  # an outbox item outlives the stream's 24 h retention, then the TTL removes it
    seen_ttl_days: int = 21  # a consumer remembers an event past SQS's longest retention (14 days)
    transaction_conflict_retries: int = (
        3  # a transaction cancelled only by conflicts is tried again this often
    )
    page_max: int = 100  # the largest ?limit= of any list (API.md conventions)

    # --- identity: phone numbers, SMS codes, maps (issue 14) ---
    # SMS verification codes (短信验证码, INTEGRATIONS.md "Phone numbers"): kept as an HMAC under this secret.
    sms_code_secret: SecretStr = SecretStr("change-me-local-sms-code-secret")
    sms_verification_template: str = "1000005"  # Tencent Cloud SMS template: {1} the code, {2} minutes valid
    sms_code_ttl_seconds: int = Field(300, ge=60, le=1800)  # a code is valid this long
    sms_code_max_tries: int = Field(5, ge=1, le=10)  # wrong guesses a code survives
    sms_code_resend_seconds: int = Field(60, ge=10, le=600)  # between two codes to one phone
    sms_code_daily_per_phone: int = Field(10, ge=1)  # codes sent to one phone a (business) day
    sms_code_daily_per_ip: int = Field(30, ge=1)  # codes asked for by one client IP a day
    # Tencent Location Service WebService API (腾讯位置服务): the geocoder, signed with the key's secret key.
    map_api_base: str = "https://apis.map.qq.com"
    map_key: str = "local-map-key"
    map_secret_key: SecretStr = SecretStr("local-map-secret-key")
    map_referer: str = "jiazheng"  # the app name on route links (Tencent's URI API asks for one)
    map_min_reliability: int = Field(7, ge=1, le=10)  # Tencent: >= 7 is a dependable result
    # The service area: addresses farther than the radius from the centre (GCJ-02) are refused, given or geocoded.
    service_area_center: tuple[float, float] = (31.2304, 121.4737)  # 上海 人民广场
    service_area_radius_km: float = Field(60.0, gt=0)
    # The worker sees the customer's exact address and phone from acceptance until this long after completion.
    worker_contact_hours_after_completion: int = Field(24, ge=0, le=24 * 30)

    # --- hardening (issue 15) ---
    # Abuse limits (API.md "Rate limits", common.ratelimit.RATE_LIMITS names these): (requests, window seconds).
    # Per-IP limits are generous: many phones share one carrier NAT address.
    rate_limits_enabled: bool = True
    rate_limits: dict[str, tuple[int, int]] = {
        "login_ip": (120, 60),
        "login_account": (10, 60),
        "sms_code_ip": (20, 3600),
        "sms_code_phone": (5, 3600),
        "pay_ip": (120, 60),
        "pay_account": (20, 60),
        "sign_in_ip": (120, 60),
        "sign_in_account": (5, 60),
        "shares_ip": (120, 60),
        "shares_account": (20, 3600),
    }
    operator_lockout_failures: int = Field(5, ge=1)  # failed logins of one username within the window lock it
    operator_lockout_window_seconds: int = Field(900, ge=1)
    operator_lockout_seconds: int = Field(900, ge=1)
    # The API Gateway stage's throttle (the template): steady requests per second and burst.
    api_throttle_rate: int = Field(200, ge=1)
    api_throttle_burst: int = Field(400, ge=1)


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
