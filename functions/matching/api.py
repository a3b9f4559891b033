"""Matching route: a customer asks who can do a service at an address and time."""

from __future__ import annotations

from datetime import timedelta

from chalice import Blueprint
from common.api import Call, route
from common.clock import business_tz
from common.errors import RuleViolation

from functions.catalog import get_service
from functions.identity import get_address
from functions.matching.models import MatchList, MatchRequest
from functions.matching.service import rank_for_service
from functions.workers import SLOT_MINUTES

bp = Blueprint(__name__)


@route(bp, "/v1/matches", "POST", body=MatchRequest, response=MatchList, auth="customer", errors=(404,))
def post_matches(call: Call) -> MatchList:
    """Workers who can do the service at the address for the whole time, best first.

    Only verified workers who are taking orders (接单中), serve the address and are free for the whole time,
    travel buffer included. Each match carries its score and the reasons for it: skill, distance, rating,
    credit and experience, weighted by ``settings.matching_weights``. The start falls on the hour or the half
    hour (422 `BAD_START_TIME`) and lies ahead; an unknown address or service is 404.
    """
    body: MatchRequest = call.body
    start = body.start.astimezone(business_tz())
    if start.minute % SLOT_MINUTES or start.second or start.microsecond:
        raise RuleViolation("bookable start times fall on the hour or the half hour", code="BAD_START_TIME")
    address = get_address(call.user_id, body.address_id)
    service = get_service(body.service_id)
    end = start + timedelta(minutes=body.units * service.duration_minutes)
    matches = rank_for_service(service, start, end, address.lat, address.lng, now=call.now, limit=body.limit)
    return MatchList(items=matches)
