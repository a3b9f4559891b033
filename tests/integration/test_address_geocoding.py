"""Addresses without coordinates are geocoded by the map provider (its stand-in over loopback); an address the map
does not know is 422 ADDRESS_NOT_FOUND; no point beyond the service area is kept, given or geocoded."""

from __future__ import annotations

from typing import Any

import pytest

from infra.standins.maps import MapStandIn
from tests.integration.conftest import Api

ADDRESS = {"contact_name": "王小美", "phone": "13800138001", "region": "上海市 徐汇区"}


@pytest.fixture
def app(api: Api, maps: MapStandIn) -> Api:
    return api


def add(api: Api, token: str, **fields: Any) -> Any:
    return api.post("/v1/me/addresses", {**ADDRESS, **fields}, token=token)


def saved(api: Api, token: str) -> list[dict]:
    return api.get("/v1/me/addresses", token=token).body["items"]


def test_an_address_without_coordinates_gets_the_maps_point(app: Api) -> None:
    token = app.login("geo-amy")
    reply = add(app, token, detail="漕溪北路 88 号 5 号楼 1201 室")
    assert reply.status == 201, reply.body
    assert (reply.body["lat"], reply.body["lng"]) == (31.1935, 121.4372)
    assert saved(app, token) == [reply.body]


def test_given_coordinates_are_kept_as_they_come(app: Api, maps: MapStandIn) -> None:
    before = sum(maps.calls.values())
    reply = add(app, app.login("geo-bo"), detail="漕溪北路 88 号", lat=31.19351, lng=121.43722)
    assert reply.status == 201 and (reply.body["lat"], reply.body["lng"]) == (31.19351, 121.43722)
    assert sum(maps.calls.values()) == before  # the map was not asked


def test_an_address_the_map_does_not_know_is_422_and_nothing_is_saved(app: Api) -> None:
    token = app.login("geo-cy")
    for detail in ("不存在路 1 号", "某某小区 3 号楼"):  # unknown; known only to the district (unreliable)
        reply = add(
            app, token, region="上海市" if detail.startswith("不") else "上海市 徐汇区", detail=detail
        )
        assert reply.status == 422 and reply.body["error"]["code"] == "ADDRESS_NOT_FOUND", detail
    assert saved(app, token) == []


def test_a_geocoded_point_outside_the_service_area_is_refused(app: Api) -> None:
    token = app.login("geo-di")
    reply = add(app, token, region="江苏省苏州市姑苏区", detail="观前街 100 号")
    assert reply.status == 422 and reply.body["error"]["code"] == "OUT_OF_SERVICE_AREA"
    assert saved(app, token) == []


def test_given_coordinates_outside_the_service_area_are_refused(app: Api) -> None:
    token = app.login("geo-ed")
    reply = add(app, token, detail="建国路 1 号", lat=39.9087, lng=116.3975)  # 北京
    assert reply.status == 422 and reply.body["error"]["code"] == "OUT_OF_SERVICE_AREA"
    assert saved(app, token) == []


def test_one_coordinate_alone_is_malformed(app: Api) -> None:
    reply = add(app, app.login("geo-fu"), detail="漕溪北路 88 号", lat=31.19)
    assert reply.status == 422 and reply.body["error"]["code"] == "VALIDATION_FAILED"


def test_the_map_failing_is_a_502_not_a_missing_address(app: Api, maps: MapStandIn) -> None:
    token = app.login("geo-gao")
    maps.fail_next(121)  # our key's daily quota
    reply = add(app, token, detail="漕溪北路 88 号")
    assert reply.status == 502 and reply.body["error"]["code"] == "MAP_PROVIDER_ERROR"
    assert saved(app, token) == []
