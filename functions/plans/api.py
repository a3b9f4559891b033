"""Recurring plans' routes (周期服务): a customer's own plans; each visit becomes an ordinary order, paid per visit."""

from __future__ import annotations

from chalice import Blueprint
from common.api import Call, route
from common.idempotency import idempotent
from common.ids import new_id
from common.pagination import Page, PageQuery

from functions.plans import service
from functions.plans.models import Plan, PlanRequest, SkipRequest

bp = Blueprint(__name__)


@route(
    bp, "/v1/plans", "POST", body=PlanRequest, response=Plan, status=201, auth="customer", errors=(404, 422)
)
def create_plan(call: Call) -> Plan:
    """Start a recurring plan: one service at one address every `every_weeks` weeks on `weekday` at `time`.

    Optionally with one worker (`worker_id`); for `count` visits or up to `until` (not both), or until
    cancelled. The first visit is the first such day at least ``settings.booking_min_notice_minutes`` minutes
    ahead. Each visit becomes an ordinary order (paid like any order) ``settings.plan_horizon_days`` days ahead,
    by the plan-occurrences job; when the plan's worker is not free then, the best match is booked and the
    customer told. No visit is booked on the holidays named by ``settings.plan_skip_holidays``. Honours
    `Idempotency-Key`.
    """
    return idempotent(
        call, "plans", Plan, lambda: service.create_plan(call.user_id, call.body, now=call.now, new_id=new_id)
    )


@route(bp, "/v1/plans", "GET", query=PageQuery, response=Page[Plan], auth="customer")
def list_plans(call: Call) -> Page[Plan]:
    """The customer's plans, newest first, each with its upcoming visits.

    Paginated with `limit` and `cursor`.
    """
    return service.list_plans(call.user_id, limit=call.query.limit, cursor=call.query.cursor, now=call.now)


@route(bp, "/v1/plans/{plan_id}", "GET", response=Plan, auth="customer")
def get_plan(call: Call, plan_id: str) -> Plan:
    """One of the customer's plans with its upcoming visits (each with its order once booked).

    Another customer's plan is 404, like an unknown one.
    """
    return service.get_plan(call.user_id, plan_id, now=call.now)


@route(
    bp,
    "/v1/plans/{plan_id}/skip",
    "POST",
    body=SkipRequest,
    response=Plan,
    auth="customer",
    errors=(409, 422),
)
def skip_visit(call: Call, plan_id: str) -> Plan:
    """Skip one visit of the plan (`date`).

    Nothing is booked that day; a visit already booked is cancelled with a full refund. 422 `NOT_AN_OCCURRENCE`
    for a date the plan does not visit, 409 while that visit is being booked (try again) or after its service
    started.
    """
    return service.skip(call.user_id, plan_id, call.body.date, now=call.now)


@route(bp, "/v1/plans/{plan_id}/pause", "POST", response=Plan, auth="customer", errors=(409,))
def pause_plan(call: Call, plan_id: str) -> Plan:
    """Pause the plan.

    No new visit is booked while it is paused; those already booked stay (skip them, or cancel the plan). 409
    for a cancelled or ended plan.
    """
    return service.pause(call.user_id, plan_id, now=call.now)


@route(bp, "/v1/plans/{plan_id}/resume", "POST", response=Plan, auth="customer", errors=(409,))
def resume_plan(call: Call, plan_id: str) -> Plan:
    """Resume a paused plan.

    Visits are booked again from the next one at least ``settings.booking_min_notice_minutes`` minutes ahead; the
    paused weeks are not made up. 409 for a cancelled or ended plan.
    """
    return service.resume(call.user_id, plan_id, now=call.now)


@route(bp, "/v1/plans/{plan_id}/cancel", "POST", response=Plan, auth="customer", errors=(409,))
def cancel_plan(call: Call, plan_id: str) -> Plan:
    """Cancel the plan.

    No more visits are booked, and each booked visit still ahead is cancelled with a full refund.
    """
    return service.cancel(call.user_id, plan_id, now=call.now)
