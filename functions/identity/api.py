"""Identity routes: WeChat and operator login, the customer's profile and addresses."""

from __future__ import annotations

from chalice import Blueprint
from common.api import Call, route
from common.ids import new_id
from common.pagination import Page, PageQuery

from functions.identity import service
from functions.identity.models import (
    Address,
    AddressIn,
    LoginResponse,
    OperatorLoginRequest,
    Profile,
    ProfilePatch,
    TokenResponse,
    WeChatLoginRequest,
)
from functions.identity.wechat import WeChatLoginClient

bp = Blueprint(__name__)


@route(bp, "/v1/auth/wechat", "POST", body=WeChatLoginRequest, response=LoginResponse, auth=None)
def wechat_login(call: Call) -> LoginResponse:
    """Log in from the mini-program with a wx.login code."""
    return service.login_wechat(
        call.body, now=call.now, wechat=WeChatLoginClient.from_settings(), new_id=new_id
    )


@route(bp, "/v1/auth/operator", "POST", body=OperatorLoginRequest, response=TokenResponse, auth=None)
def operator_login(call: Call) -> TokenResponse:
    """Log in to the admin console."""
    return TokenResponse(token=service.login_operator(call.body.username, call.body.password, now=call.now))


@route(bp, "/v1/me", "GET", response=Profile)
def get_me(call: Call) -> Profile:
    """The customer's own profile."""
    return service.get_profile(call.user_id)


@route(bp, "/v1/me", "PATCH", body=ProfilePatch, response=Profile)
def patch_me(call: Call) -> Profile:
    """Change nickname, phone, birthday or region."""
    return service.update_profile(call.user_id, call.body)


@route(bp, "/v1/me/addresses", "POST", body=AddressIn, response=Address, status=201)
def add_address(call: Call) -> Address:
    """Save a service address (coordinates GCJ-02, as the mini-program gives them)."""
    return service.add_address(call.user_id, call.body, new_id=new_id)


@route(bp, "/v1/me/addresses", "GET", query=PageQuery, response=Page[Address])
def list_addresses(call: Call) -> Page[Address]:
    """The customer's addresses."""
    return service.list_addresses(call.user_id, limit=call.query.limit, cursor=call.query.cursor)
