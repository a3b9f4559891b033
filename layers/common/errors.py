"""Domain errors, defined once. Each carries the contract's HTTP status and code (API.md "Errors");
its class name is the error name Step Functions' Retry/Catch match on."""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    status: ClassVar[int] = 400
    code: ClassVar[str] = "BAD_REQUEST"
    default_message: ClassVar[str] = "bad request"

    def __init__(self, message: str | None = None, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        if code:
            self.code = code  # type: ignore[misc]
        self.details = details

    def to_body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


class MalformedRequest(DomainError):
    status, code, default_message = 400, "MALFORMED_REQUEST", "the request body is not valid JSON"


class ValidationFailed(DomainError):
    status, code, default_message = 422, "VALIDATION_FAILED", "the request does not match the schema"


class Unauthorized(DomainError):
    status, code, default_message = 401, "UNAUTHORIZED", "a valid bearer token is required"


class Forbidden(DomainError):
    status, code, default_message = 403, "FORBIDDEN", "this role may not do that"


class NotFound(DomainError):
    status, code, default_message = 404, "NOT_FOUND", "not found"


class Conflict(DomainError):
    status, code, default_message = 409, "CONFLICT", "conflicts with the current state"


class InvalidTransition(Conflict):
    code, default_message = "INVALID_TRANSITION", "the order is not in a state that allows this"


class SlotTaken(Conflict):
    code, default_message = "SLOT_TAKEN", "the worker is already booked for part of that time"


class RuleViolation(DomainError):
    """Valid input that breaks a business rule (minimum notice, limits, ...)."""

    status, code, default_message = 422, "RULE_VIOLATION", "the request breaks a business rule"


class RateLimited(DomainError):
    status, code, default_message = 429, "RATE_LIMITED", "too many requests"


class UpstreamError(DomainError):
    """An external system (WeChat, WeChat Pay) refused or failed."""

    status, code, default_message = 502, "UPSTREAM_ERROR", "an external service failed"


class WorkerUnavailable(RuleViolation):
    """The chosen worker cannot take this booking (not verified, resting, no such skill, day off, ...)."""

    code, default_message = "WORKER_UNAVAILABLE", "the worker cannot take this booking"


class InvalidNotification(DomainError):
    """A WeChat Pay notification that failed verification (signature, serial, timestamp window, decryption,
    or WeChat's sign-test probe): nothing in it is believed and nothing changes."""

    status, code, default_message = 401, "INVALID_NOTIFICATION", "the notification could not be verified"


class WeChatPayError(UpstreamError):
    """WeChat Pay answered an API call with an error (``provider_code`` is its code, e.g. ``ORDER_NOT_EXIST``),
    answered something we could not verify, or could not be reached (``provider_status`` 0)."""

    code, default_message = "PAYMENT_PROVIDER_ERROR", "WeChat Pay failed, try again"

    def __init__(
        self, message: str | None = None, *, provider_code: str = "", provider_status: int = 0
    ) -> None:
        super().__init__(message)
        self.provider_code = provider_code
        self.provider_status = provider_status

    @property
    def retryable(self) -> bool:
        """Worth retrying with the same request (same out_trade_no / out_refund_no): network, 5xx, rate limit."""
        return self.provider_status == 0 or self.provider_status >= 500 or self.provider_status == 429


class OrderCancelled(Conflict):
    """The order was cancelled; in the order workflow, the error its Catch routes to compensation."""

    code, default_message = "ORDER_CANCELLED", "the order was cancelled"


class NoWorkerAvailable(Conflict):
    code, default_message = "NO_WORKER_AVAILABLE", "no worker is free for that time"


class IdempotencyKeyReused(DomainError):
    """The same Idempotency-Key was sent with a different request."""

    status, code, default_message = (
        422,
        "IDEMPOTENCY_KEY_REUSED",
        "this Idempotency-Key was used for another request",
    )


class IdempotencyInProgress(Conflict):
    code, default_message = (
        "IDEMPOTENCY_IN_PROGRESS",
        "a request with this Idempotency-Key is still in progress",
    )


# --- identity: phone numbers, SMS codes, maps (issue 14) ---


class RetryLater(RateLimited):
    """Rate limited, with the seconds after which a retry may succeed (the ``Retry-After`` header)."""

    def __init__(self, message: str | None = None, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = max(int(retry_after), 1)

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class MapProviderError(UpstreamError):
    """The map provider refused or failed; ``provider_status`` is its status code (0: unreachable)."""

    code, default_message = "MAP_PROVIDER_ERROR", "the map service failed, try again"

    def __init__(self, message: str | None = None, *, provider_status: int = 0) -> None:
        super().__init__(message)
        self.provider_status = provider_status


# --- reviews (issue 10) ---
class AlreadyReviewed(Conflict):
    code, default_message = "ALREADY_REVIEWED", "this order has already been reviewed by this side"


class ReviewWindowClosed(RuleViolation):
    code, default_message = "REVIEW_WINDOW_CLOSED", "the time to review this order is over"


# --- marketing (issue 11) ---


class CouponNotApplicable(RuleViolation):
    code, default_message = "COUPON_NOT_APPLICABLE", "this coupon does not apply to this booking"


class CouponUsed(Conflict):
    code, default_message = "COUPON_USED", "this coupon is already used"


class CouponExpired(RuleViolation):
    code, default_message = "COUPON_EXPIRED", "this coupon has expired"


class CouponLimit(Conflict):
    code, default_message = "COUPON_LIMIT", "you already hold as many of these coupons as one customer may"


class OutOfStock(Conflict):
    code, default_message = "OUT_OF_STOCK", "none left"


class InsufficientPoints(RuleViolation):
    code, default_message = "INSUFFICIENT_POINTS", "not enough points"


class PointsLimit(RuleViolation):
    code, default_message = "POINTS_LIMIT", "points may pay at most part of the total"


class AlreadySignedIn(Conflict):
    code, default_message = "ALREADY_SIGNED_IN", "already signed in today"


# --- analytics (issue 12) ---


class UnknownMetric(ValidationFailed):
    code, default_message = "UNKNOWN_METRIC", "no such metric"


class BadDateRange(ValidationFailed):
    """A reversed range (``from`` after ``to``) or one longer than the setting allows."""

    code, default_message = "BAD_DATE_RANGE", "the date range is reversed or too long"


# --- staff and audit (issue 16) ---


class UsernameTaken(Conflict):
    code, default_message = "USERNAME_TAKEN", "a staff account with this username exists"


class ProtectedAccount(RuleViolation):
    """The seeded ``admin`` keeps every role and stays enabled; nobody disables or demotes themselves."""

    code, default_message = "PROTECTED_ACCOUNT", "this change would lock the account out of administration"


class TokenRevoked(Unauthorized):
    code, default_message = "TOKEN_REVOKED", "this token no longer works: log in again"


class AccountDisabled(Unauthorized):
    code, default_message = "ACCOUNT_DISABLED", "this staff account is disabled"


# --- faults (issue 15) ---


class ServiceUnavailable(DomainError):
    """AWS answered with a transient failure (throttling, a 5xx, a transaction conflict) after the SDK's own
    retries: nothing was written, and the same request may be sent again after ``Retry-After``
    (``common.aws.transient``)."""

    status, code, default_message = 503, "SERVICE_UNAVAILABLE", "the service is busy; try again shortly"


# --- engagements (issue 13) ---


class EngagementTooLong(RuleViolation):
    code, default_message = "ENGAGEMENT_TOO_LONG", "one engagement holds at most the setting's number of days"


class ReplacementLimit(RuleViolation):
    code, default_message = "REPLACEMENT_LIMIT", "this order has had all the free replacements it may have"


class NotAnEngagement(RuleViolation):
    code, default_message = "NOT_AN_ENGAGEMENT", "only an order of a service priced per day has this"


class NothingDue(Conflict):
    code, default_message = "NOTHING_DUE", "no payment of this order is due"


# --- booking: rescheduling and recurring plans (issue 13) ---


class NoRescheduleRequest(Conflict):
    code, default_message = "NO_RESCHEDULE_REQUEST", "no move of this order is waiting for an answer"


class NotAnOccurrence(RuleViolation):
    code, default_message = "NOT_AN_OCCURRENCE", "the plan has no visit on that date"


class TooManyPlans(RuleViolation):
    code, default_message = "TOO_MANY_PLANS", "you already have as many plans as one customer may"
