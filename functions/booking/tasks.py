"""The order workflow's Lambda tasks (infra/statemachine/order_lifecycle.asl.json names them ``${fn:<name>}``),
and booking's scheduled job, the payment reconciliation.

Each handler turns the task's input into one call of ``lifecycle``; a domain error surfaces under its class name
for the workflow's Catch (``OrderCancelled`` → compensation); anything else is retried, then lands in the DLQ.
"""

from __future__ import annotations

from typing import Any

from chalice import Rate
from common.clock import clock
from common.lazy import Functions
from common.log import logger
from common.settings import get_settings

from functions import payments
from functions.booking import lifecycle, reconcile

bp = Functions(__name__)


@bp.lambda_function(name="booking-route")
def route(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """``{"order_id", "settings"}`` → ``{"next", "timeout_seconds"}``."""
    logger.append_keys(order_id=event["order_id"])
    return lifecycle.route(event["order_id"], event["settings"], now=clock.now())


@bp.lambda_function(name="booking-arm-wait")
def arm_wait(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """``{"order_id", "stage", "task_token"}``: the token is kept on the order, never shown to a client."""
    logger.append_keys(order_id=event["order_id"])
    return lifecycle.arm_wait(event["order_id"], event["stage"], event["task_token"])


@bp.lambda_function(name="booking-wait-expired")
def wait_expired(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """``{"order_id", "stage"}``: the wait of that stage timed out."""
    logger.append_keys(order_id=event["order_id"])
    return lifecycle.wait_expired(event["order_id"], event["stage"], now=clock.now())


@bp.lambda_function(name="booking-redispatch")
def redispatch(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """``{"order_id", "max_tries"}``: offer the order to the next best match, or cancel it."""
    logger.append_keys(order_id=event["order_id"])
    return lifecycle.redispatch(event["order_id"], int(event["max_tries"]), now=clock.now())


@bp.lambda_function(name="booking-compensate")
def compensate(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """``{"order_id"}`` → ``{"refund_fen", "fee_fen", "reason"}``: slots and discounts given back."""
    logger.append_keys(order_id=event["order_id"])
    return lifecycle.compensate(event["order_id"], now=clock.now())


@bp.lambda_function(name="booking-settlement-check")
def settlement_check(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """``{"order_id"}`` → ``{"hold"}``: an open complaint holds the settlement."""
    return lifecycle.settlement_check(event["order_id"])


@bp.lambda_function(name="booking-accrue-earning")
def accrue_earning(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """``{"order_id"}``: the completed order's earning is credited to the worker as pending."""
    logger.append_keys(order_id=event["order_id"])
    return lifecycle.accrue_earning(event["order_id"], now=clock.now())


@bp.lambda_function(name="booking-settle")
def settle(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """``{"order_id"}``: payments settles the order with booking's figures (worker, commission, fee)."""
    logger.append_keys(order_id=event["order_id"])
    return lifecycle.settle(event["order_id"], now=clock.now())


@bp.schedule(
    Rate(get_settings().payment_reconcile_every_minutes, unit=Rate.MINUTES), name="payment-reconciliation"
)
def payment_reconciliation(event: Any, context: Any = None) -> dict[str, int]:
    """Scheduled: the payment reconciliation (also ``POST /v1/dev/jobs/payment-reconciliation`` locally)."""
    return reconcile.reconcile_pending_payments(now=clock.now(), wechat=payments.client_from_settings())
