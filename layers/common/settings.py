"""One settings model, read once per cold start from the environment (and, when deployed, secrets)."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any, Literal

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
        "order_reminder": "1000005",
        "order_reminder_worker": "1000006",
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
    # --- analytics (issue 12) ---
    # Daily counters (DESIGN.md "Statistics and analytics"): every order touches a day's counters, so they are
    # spread over this many shards and read by summing them. Only ever raise it: readers sum shards 0..n-1.
    analytics_stats_shards: int = Field(4, ge=1, le=32)
    analytics_max_range_days: int = Field(366, ge=1)  # longest from..to of a dashboard, series or export
    analytics_on_time_grace_minutes: int = Field(10, ge=0)  # a start this late after `start` is still on time
    analytics_active_guard_days: int = Field(
        3, ge=1
    )  # a user's "active today" guard item lives this long (TTL)
    # needs_training: a worker's average skill score (1-5) in a category lags that category's average by at least
    # this much, over at least the given number of reviews of the worker in it.
    analytics_training_lag: float = Field(0.5, gt=0)
    analytics_training_min_reviews: int = Field(3, ge=1)
    # Demand forecast: weekday factors over the trailing fit weeks, the level over the last level weeks, a damped
    # trend, holidays as factors; the back-test holds out the last weeks. Workers needed = orders × service hours
    # ÷ hours a worker works a day (the fitted hours per order, or the default before there is any).
    analytics_forecast_fit_weeks: int = Field(8, ge=2, le=52)
    analytics_forecast_level_weeks: int = Field(2, ge=1, le=12)
    analytics_forecast_trend: bool = True
    analytics_forecast_backtest_weeks: int = Field(2, ge=1, le=12)
    analytics_forecast_default_days: int = Field(14, ge=1)
    analytics_forecast_max_days: int = Field(60, ge=1)
    analytics_worker_hours_per_day: float = Field(8.0, gt=0)
    analytics_default_service_hours: float = Field(2.0, gt=0)
    # Chinese public holidays (法定节假日) and the days around them, as (first day, last day, demand factor, name):
    # household services drop while workers are home for the Spring Festival and rise before it (年前大扫除).
    analytics_holidays: list[tuple[str, str, float, str]] = [
        ("2026-01-01", "2026-01-03", 0.8, "元旦"),
        ("2026-02-07", "2026-02-14", 1.4, "春节前大扫除"),
        ("2026-02-15", "2026-02-23", 0.4, "春节"),
        ("2026-04-04", "2026-04-06", 0.85, "清明节"),
        ("2026-05-01", "2026-05-05", 0.8, "劳动节"),
        ("2026-06-19", "2026-06-21", 0.85, "端午节"),
        ("2026-09-25", "2026-09-27", 0.85, "中秋节"),
        ("2026-10-01", "2026-10-07", 0.7, "国庆节"),
        ("2027-01-01", "2027-01-03", 0.8, "元旦"),
        ("2027-01-29", "2027-02-05", 1.4, "春节前大扫除"),
        ("2027-02-06", "2027-02-14", 0.4, "春节"),
    ]
    analytics_export_max_rows: int = Field(
        10000, ge=1
    )  # a CSV export stops here, with a note in its last row

    # --- reviews (issue 10) ---
    # Two-way reviews (DESIGN.md "Reviews and credit"): the window runs from the order's completion.
    review_window_days: int = Field(15, ge=1)
    review_text_max_chars: int = Field(500, ge=1)
    review_media_max: int = Field(9, ge=0)
    # Credit (信用分 0-1000): a worker below this is ``restricted`` (never matched, not bookable); the other
    # levels' minimums are ``credit_levels``; a new worker starts at ``credit_start_score``.
    credit_restricted_below: int = Field(250, ge=0, le=1000)
    credit_window_months: int = Field(12, ge=1, le=36)  # only what happened in these months counts
    credit_half_life_months: float = Field(3.0, gt=0)  # a month this old weighs half as much as this month
    # Reviews: average overall 5 → +max, 3 → 0, 1 → -max, at full weight once this many (decayed) reviews.
    credit_review_max_points: int = 200
    credit_review_full_count: int = Field(10, ge=1)
    # Completion rate = completed / (completed + worker cancellations + no-shows): at the target 0, at 100 %
    # +max, below the target falling as steeply, never below -3 × max; full weight from this many orders.
    credit_completion_max_points: int = 100
    credit_completion_target: float = Field(0.9, gt=0, lt=1)
    credit_completion_full_count: int = Field(10, ge=1)
    credit_cancel_points: int = -15  # each cancellation by the worker (a decline counts)
    credit_late_cancel_points: int = -40  # ... within this many hours of the start
    credit_late_cancel_hours: int = Field(24, ge=0)
    credit_no_show_points: int = -60  # each no-show the workflow saw
    credit_complaint_points: int = -50  # each complaint resolved with penalize_worker
    credit_violation_points: dict[str, int] = {
        "no_show": -60,
        "late": -20,
        "misconduct": -100,
        "fraud": -300,
        "other": -30,
    }
    credit_tenure_points_per_month: int = 5  # months since the first order, capped
    credit_tenure_max_points: int = 60
    # Effects by level (API.md "effects"); a level missing from a map takes the platform default.
    credit_price_percent: dict[str, int] = {"outstanding": 110, "excellent": 105, "poor": 95}
    credit_commission_percent: dict[str, int] = {"outstanding": 15}  # else platform_commission_percent
    credit_max_concurrent_orders: dict[str, int] = {"fair": 5, "poor": 2, "restricted": 0}
    credit_dirty_shards: int = Field(4, ge=1, le=64)  # partitions of the dirty index (only ever raise it)
    credit_history_page: int = Field(20, ge=1, le=100)  # history entries shown with the credit view

    # --- marketing (issue 11) ---
    # Points (积分): 1 point per yuan of settled spend; 100 points pay 1 yuan; at most a share of the total.
    points_per_yuan: int = Field(1, ge=0)  # earned per whole yuan of settled spend (paid less refunded)
    points_per_yuan_redeemed: int = Field(100, ge=1)  # points that pay one yuan at checkout
    points_max_percent: int = Field(50, ge=0, le=100)  # points pay at most this % of what is left to pay
    signin_points: int = Field(5, ge=0)  # a daily sign-in (签到)
    signin_streak_bonus: int = Field(1, ge=0)  # extra points per consecutive day beyond the first
    signin_streak_bonus_cap: int = Field(10, ge=0)  # the streak bonus stops growing here
    share_points: int = Field(10, ge=0)  # a share, once per target (service or worker) a day
    share_daily_cap: int = Field(3, ge=0)  # shares a day that earn points
    referral_reward_points: int = Field(
        500, ge=0
    )  # to both referrer and newcomer, after the first completed order
    # Membership tiers (普通/银卡/金卡/钻石) by settled spend over a rolling window, lowest first.
    tier_window_days: int = Field(365, ge=1)
    membership_tiers: list[dict[str, Any]] = [
        {
            "tier": "regular",
            "min_spend_fen": 0,
            "discount_percent": 0,
            "priority_booking_days": 0,
            "extra_candidates": 0,
            "exclusive_support": False,
            "birthday_coupon_fen": 0,
        },
        {
            "tier": "silver",
            "min_spend_fen": 200000,
            "discount_percent": 2,
            "priority_booking_days": 7,
            "extra_candidates": 1,
            "exclusive_support": False,
            "birthday_coupon_fen": 1000,
        },
        {
            "tier": "gold",
            "min_spend_fen": 500000,
            "discount_percent": 5,
            "priority_booking_days": 14,
            "extra_candidates": 2,
            "exclusive_support": True,
            "birthday_coupon_fen": 2000,
        },
        {
            "tier": "diamond",
            "min_spend_fen": 1000000,
            "discount_percent": 8,
            "priority_booking_days": 30,
            "extra_candidates": 3,
            "exclusive_support": True,
            "birthday_coupon_fen": 5000,
        },
    ]
    birthday_coupon_valid_days: int = Field(30, ge=1)
    coupon_reminder_days: int = Field(1, ge=0)  # the reminder goes out this many days before a coupon expires
    coupon_issue_max: int = Field(100000, ge=1)  # customers one issue request may reach
    share_pages: dict[str, str] = {"service": "/pages/service/detail", "worker": "/pages/worker/detail"}

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
    # --- faults (issue 15) ---
    # Every AWS client retries transient failures (throttling, 5xx, connection errors) in botocore's standard
    # mode this many attempts in all, with jittered exponential backoff (common.aws.client_config).
    aws_max_attempts: int = Field(4, ge=1, le=10)
    aws_connect_timeout_seconds: float = Field(10.0, gt=0)
    aws_read_timeout_seconds: float = Field(60.0, gt=0)
    # What a client is told to wait before sending a request again that met a transient AWS failure (503).
    service_unavailable_retry_after_seconds: int = Field(1, ge=1)

    # --- engagements (issue 13) ---
    engagement_max_days: int = Field(120, ge=1, le=120)  # whole days one engagement (月嫂, 育儿嫂 …) may hold
    engagement_deposit_percent: int = Field(20, ge=1, le=100)  # 定金: this share of the total, the rest 尾款
    engagement_balance_due_hours: int = Field(
        24, ge=0
    )  # the balance (尾款) is due this long before the first day
    engagement_free_replacements: int = Field(1, ge=0)  # 换人 a customer may ask for per order, free

    # --- booking: rescheduling and recurring plans (issue 13) ---
    # A customer's move of an accepted order happens at once while both starts are more than this far ahead;
    # closer, it waits for the worker's consent (API.md "Long engagements, recurring plans, rescheduling").
    reschedule_free_hours: int = Field(24, ge=0)
    # Recurring plans: each occurrence becomes an ordinary order this many days ahead (the rolling horizon; at
    # most the booking horizon), by the plan-occurrences job, which runs every plan_job_every_minutes.
    plan_horizon_days: int = Field(7, ge=1, le=30)
    plan_job_every_minutes: int = Field(60, ge=5, le=1440)
    plan_due_shards: int = Field(4, ge=1, le=32)  # partitions of the due index (only ever raise it)
    plan_upcoming_shown: int = Field(4, ge=1, le=20)  # occurrences a plan shows ahead
    plan_max_occurrences: int = Field(
        104, ge=1
    )  # a count (or an end date) at most this many occurrences away
    plans_per_customer: int = Field(10, ge=1)  # plans a customer may have active or paused
    # The public-holiday ranges of ``analytics_holidays`` (by name) on which no plan occurrence is booked: the
    # Spring Festival, when workers are home (the occurrence is skipped, not moved).
    plan_skip_holidays: tuple[str, ...] = ("春节",)
    # A plan's visit is paid like any order, but the customer has until this long before its start (not the
    # ordinary payment_timeout_seconds: the job books visits days ahead); unpaid then, it is cancelled.
    plan_pay_before_start_hours: int = Field(24, ge=1, le=168)

    # --- on-site service: confirmation, reminders, the exception queue (issue 17) ---
    # A completed order the customer has not confirmed is confirmed by the system after this (its workflow's
    # wait; the dispute window and settlement run from the confirmation).
    auto_confirm_seconds: int = Field(86400, ge=1)
    # Reminders to the customer and the worker, this many hours before each start (each sent once).
    reminder_lead_hours: tuple[int, ...] = (24, 2)
    # The operators' exception queue: not started this long after the start; in service this long past the end;
    # completed and not confirmed after this (before the automatic confirmation); no arrival by the start.
    exception_late_start_minutes: int = Field(15, ge=0)
    exception_overtime_grace_minutes: int = Field(30, ge=0)
    exception_unconfirmed_hours: int = Field(12, ge=1)
    # An approved price difference (补差价) still unpaid this long after its approval.
    exception_unpaid_extra_minutes: int = Field(30, ge=1)
    # The order-watches job reads the sparse due index (reminders and exceptions coming due) this often.
    watch_job_every_minutes: int = Field(5, ge=1, le=60)
    watch_due_shards: int = Field(4, ge=1, le=32)  # partitions of the due index (only ever raise it)
    # --- on-site service (issue 17): arrival, photos, checklist ---
    # The arrival check-in (到达打卡) is refused farther than this from the order's address (great-circle).
    onsite_arrival_max_distance_m: int = Field(500, ge=10, le=50000)
    # Whether `start` needs the arrival check-in when the service does not say (its `requires_arrival` null).
    onsite_arrival_required_default: bool = False
    onsite_photos_max_per_stage: int = Field(9, ge=1, le=30)  # before- or after-photos one order keeps
    # --- on-site price differences 补差价 (issue 17) ---
    # What a worker may ask for on site, once the service started: at most extra_max_items lines of at most
    # extra_max_amount_fen in all per difference, and at most extra_max_per_order differences per order (each is
    # its own WeChat Pay trade, ``{order}-x{n}``). An approved difference's prepay is valid this long
    # (extra_pay_minutes: the reconciliation asks WeChat Pay about it then; approving again renews it).
    extra_max_amount_fen: int = Field(100_000, ge=1)
    extra_max_items: int = Field(10, ge=1, le=50)
    extra_max_per_order: int = Field(5, ge=1, le=99)
    extra_pay_minutes: int = Field(120, ge=5, le=1440)


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
