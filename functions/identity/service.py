"""Identity use cases: log in with WeChat, a customer's profile and addresses (staff: ``staff.py``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from common.auth import issue_token
from common.clock import iso
from common.errors import NotFound, RuleViolation, Unauthorized
from common.pagination import Page, decode_cursor, encode_cursor
from common.settings import get_settings

from functions import load_extensions
from functions.identity import rules, store
from functions.identity.maps import Geocoder
from functions.identity.models import (
    Address,
    AddressIn,
    Contact,
    LoginResponse,
    Profile,
    ProfilePatch,
    UserSummary,
    WeChatLoginRequest,
)
from functions.identity.staff import ensure_operator  # noqa: F401  (the seed's and tests' name for it)
from functions.identity.wechat import WeChatLogin

MAX_ADDRESSES = 20


def login_wechat(
    req: WeChatLoginRequest, *, now: datetime, wechat: WeChatLogin, new_id: Callable[[], str]
) -> LoginResponse:
    """Exchange a mini-program login code for our token; the first login creates the user."""
    session = wechat.code_to_session(req.code)
    user_id = store.user_id_for_openid(req.role, session.openid)
    is_new = False
    if user_id is None:
        user = store.UserItem(
            *store.user_key(candidate := new_id()),
            id=candidate,
            role=req.role,
            openid=session.openid,
            referral_code=candidate[-8:],
            referred_by=req.referral_code,
            created_at=iso(now),
        )
        is_new = store.create_user(user, now)
        # Lost a race with a concurrent first login of the same openid: that one's user is ours.
        user_id = candidate if is_new else store.user_id_for_openid(req.role, session.openid)
        if user_id is None:
            raise Unauthorized("could not complete the login, try again")
    token = issue_token(user_id, req.role, now=now)
    return LoginResponse(token=token, user=UserSummary(id=user_id, role=req.role, is_new=is_new))


ProfileFlags = Callable[[str], dict[str, bool]]
_profile_flags: list[ProfileFlags] = []


def register_profile_flags(provider: ProfileFlags) -> None:
    """Add a provider of a customer's profile flags (``exclusive_support`` from marketing's tier)."""
    if provider not in _profile_flags:
        _profile_flags.append(provider)


def _profile(user: store.UserItem) -> Profile:
    fields = {k: getattr(user, k) for k in Profile.model_fields if k not in ("birthday", "exclusive_support")}
    flags: dict[str, bool] = {}
    if user.role == "customer":
        load_extensions("identity.profile")
        for provider in _profile_flags:
            flags |= provider(user.id)
    return Profile.model_validate(fields | {"birthday": user.birthday} | flags)


def get_profile(user_id: str) -> Profile:
    user = store.get_user(user_id)
    if user is None:
        raise NotFound("no such user")
    return _profile(user)


def update_profile(user_id: str, patch: ProfilePatch) -> Profile:
    """Change nickname, birthday, region. The phone is bound only by proof (``POST /v1/me/phone``): a PATCH that
    sends the phone already bound (a client echoing the profile back) changes nothing; any other → 422
    ``PHONE_NOT_VERIFIED``, and nothing is written."""
    user = store.get_user(user_id)
    if user is None:
        raise NotFound("no such user")
    if "phone" in patch.model_fields_set and patch.phone != user.phone:
        raise RuleViolation(
            "bind a phone with POST /v1/me/phone (WeChat's phone code or an SMS code)",
            code="PHONE_NOT_VERIFIED",
        )
    changes: dict[str, Any] = {}
    for name in patch.model_fields_set - {"phone"}:
        value = getattr(patch, name)
        changes[name] = value.isoformat() if name == "birthday" and value is not None else value
    store.update_user(user, changes)
    return get_profile(user_id)


def _address(item: store.AddressItem) -> Address:
    return Address.model_validate(item.attribute_values)


def locate(body: AddressIn, geocoder: Geocoder | None) -> tuple[float, float]:
    """The address's point: as given, or geocoded from region + detail (422 ``ADDRESS_NOT_FOUND`` when the map
    provider knows no such address or is unsure, below ``map_min_reliability``); either way inside the service
    area (422 ``OUT_OF_SERVICE_AREA``)."""
    s = get_settings()
    if body.lat is not None and body.lng is not None:
        lat, lng = body.lat, body.lng
    else:
        if geocoder is None:
            raise RuleViolation("send lat and lng with the address", code="ADDRESS_NOT_FOUND")
        point = geocoder.geocode(f"{body.region}{body.detail}")
        if point is None or point.reliability < s.map_min_reliability:
            raise RuleViolation(
                "the map does not know this address; check it or pick the point on the map",
                code="ADDRESS_NOT_FOUND",
            )
        lat, lng = point.lat, point.lng
    if not rules.in_service_area(lat, lng, s.service_area_center, s.service_area_radius_km):
        raise RuleViolation("this address is outside our service area", code="OUT_OF_SERVICE_AREA")
    return lat, lng


def add_address(
    user_id: str, body: AddressIn, *, new_id: Callable[[], str], geocoder: Geocoder | None = None
) -> Address:
    """Save an address, located by ``locate`` (coordinates given or geocoded, in the service area)."""
    lat, lng = locate(body, geocoder)
    address_id = new_id()
    fields = body.model_dump() | {"lat": lat, "lng": lng}
    item = store.AddressItem(f"USER#{user_id}", f"ADDR#{address_id}", id=address_id, **fields)
    if not store.add_address(user_id, item, MAX_ADDRESSES):
        raise RuleViolation(f"at most {MAX_ADDRESSES} addresses", code="TOO_MANY_ADDRESSES")
    return _address(item)


def list_addresses(user_id: str, *, limit: int, cursor: str | None) -> Page[Address]:
    start = decode_cursor(cursor, expect={"PK": store.user_partition(user_id)})
    page = store.list_addresses(user_id, limit, start)
    return Page[Address](items=[_address(i) for i in page.items], next_cursor=encode_cursor(page.last_key))


def get_address(user_id: str, address_id: str) -> Address:
    """One of the user's addresses; NotFound for anyone else's."""
    item = store.get_address(user_id, address_id)
    if item is None:
        raise NotFound("no such address")
    return _address(item)


def contact_for(user_id: str) -> Contact | None:
    """The user's WeChat openid and phone (None when the user is unknown; ``phone`` None when none is bound)."""
    user = store.get_user(user_id)
    if user is None:
        return None
    return Contact(user_id=user.id, role=user.role, openid=user.openid, phone=user.phone)


def nickname_of(user_id: str) -> str | None:
    """A user's nickname (what a review shows of its author), or None."""
    user = store.get_user(user_id)
    return getattr(user, "nickname", None) if user is not None else None


def find_customers(q: str, *, limit: int, cursor: str | None) -> Page[Profile]:
    """For operators (analytics' customer list): customers whose nickname or phone starts with ``q`` (a phone
    prefix needs 3 or more digits), one key-conditioned Query of identity's search index."""
    attr, partition = store.customer_search_partition(q)
    start = decode_cursor(cursor, expect={attr: partition})
    page = store.find_customers(q, limit, start)
    return Page[Profile](items=[_profile(i) for i in page.items], next_cursor=encode_cursor(page.last_key))


def customer_profiles(user_ids: list[str]) -> dict[str, Profile]:
    """Profiles of these users (BatchGetItem); unknown ids are left out."""
    keys = [store.user_key(u) for u in dict.fromkeys(user_ids)]
    return {item.id: _profile(item) for item in store.UserItem.batch_get(keys)} if keys else {}
