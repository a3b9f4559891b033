"""The map provider's real client against the Tencent Location Service stand-in over loopback: signed requests
(the stand-in checks every signature), found / not found, our key's limits, the provider out of reach."""

from __future__ import annotations

import socket

import pytest
from common.errors import MapProviderError

from functions.identity.maps import TencentGeocoder
from infra.local.seed import CUSTOMERS
from infra.standins.maps import MapStandIn


@pytest.fixture
def geocoder(maps: MapStandIn) -> TencentGeocoder:
    return TencentGeocoder(maps.url, maps.key, maps.secret_key)


def test_every_seeded_customer_address_geocodes_to_its_seeded_point(geocoder: TencentGeocoder) -> None:
    for customer in CUSTOMERS:
        point = geocoder.geocode(f"{customer.region}{customer.detail}")
        assert point is not None, customer.detail
        assert (point.lat, point.lng) == (customer.lat, customer.lng)
        assert point.reliability >= 7 and point.level >= 9


def test_a_road_and_number_is_a_point_along_the_road_and_a_landmark_is_found(
    geocoder: TencentGeocoder,
) -> None:
    low, high = (
        geocoder.geocode("上海市黄浦区淮海中路 10 号"),
        geocoder.geocode("上海市黄浦区淮海中路 900 号"),
    )
    assert low is not None and high is not None and low != high
    assert abs(low.lat - high.lat) < 0.02 and abs(low.lng - high.lng) < 0.02
    mark = geocoder.geocode("上海市浦东新区东方明珠")
    assert mark is not None and mark.reliability == 9


def test_an_address_the_map_does_not_know_is_none(geocoder: TencentGeocoder) -> None:
    assert geocoder.geocode("上海市不存在路 1 号") is None
    assert geocoder.geocode("北京市朝阳区建国路 1 号") is None
    assert geocoder.geocode("火星基地 7 号") is None


def test_a_district_alone_is_found_with_a_low_reliability(geocoder: TencentGeocoder) -> None:
    vague = geocoder.geocode("上海市徐汇区某小区 3 号楼")
    assert vague is not None and vague.reliability < 7


def test_a_wrong_secret_key_fails_the_stand_ins_signature_check(maps: MapStandIn) -> None:
    forged = TencentGeocoder(maps.url, maps.key, "not-our-secret")
    with pytest.raises(MapProviderError) as refused:
        forged.geocode("上海市徐汇区漕溪北路 88 号")
    assert refused.value.provider_status == 111 and refused.value.code == "MAP_PROVIDER_ERROR"


def test_an_unknown_key_is_refused(maps: MapStandIn) -> None:
    with pytest.raises(MapProviderError) as refused:
        TencentGeocoder(maps.url, "SOMEONE-ELSES-KEY", maps.secret_key).geocode("上海市人民广场")
    assert refused.value.provider_status == 110


def test_our_keys_rate_limit_surfaces_as_a_provider_error(
    maps: MapStandIn, geocoder: TencentGeocoder
) -> None:
    maps.fail_next(120)
    with pytest.raises(MapProviderError) as limited:
        geocoder.geocode("上海市人民广场")
    assert limited.value.provider_status == 120 and "rate limiting" in limited.value.message
    assert geocoder.geocode("上海市人民广场") is not None  # the next second is fine


def test_the_map_out_of_reach_is_a_provider_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    with pytest.raises(MapProviderError) as down:
        TencentGeocoder(dead, "k", "s", timeout=1).geocode("上海市人民广场")
    assert down.value.provider_status == 0
