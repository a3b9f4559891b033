"""Pure rules of phone numbers, SMS codes, the service area, the map signature and the worker's masked view."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from urllib.parse import parse_qs

from functions.booking.worker_view import mask_name, mask_phone, route_link
from functions.identity import rules
from functions.identity.maps import TencentGeocoder, signature

T = datetime.fromisoformat("2026-12-01T23:59:00+08:00")


def test_only_mainland_mobile_numbers_are_phones() -> None:
    assert rules.mainland_phone("13812345678") == "13812345678"
    assert rules.mainland_phone("+86 138-1234-5678") == "13812345678"
    assert rules.mainland_phone("8613812345678") == "13812345678"
    for bad in ("1381234567", "138123456789", "23812345678", "021-55512345", "+85261234567", "abc"):
        assert rules.mainland_phone(bad) is None, bad


def test_a_code_has_six_digits_leading_zeros_kept() -> None:
    assert rules.new_code(lambda n: 42) == "000042"
    assert rules.new_code(lambda n: n - 1) == "999999"


def test_the_stored_hash_depends_on_secret_phone_and_user_and_hides_the_code() -> None:
    h = rules.code_hash("s", "13812345678", "u1", "123456")
    assert "123456" not in h and len(h) == 64
    assert h != rules.code_hash("t", "13812345678", "u1", "123456")
    assert h != rules.code_hash("s", "13812345679", "u1", "123456")
    assert h != rules.code_hash("s", "13812345678", "u2", "123456")
    assert rules.code_matches("s", "13812345678", "u1", "123456", h)
    assert not rules.code_matches("s", "13812345678", "u1", "123457", h)


def test_the_resend_wait_counts_down_to_zero() -> None:
    assert rules.resend_wait_seconds(None, T, 60) == 0
    assert rules.resend_wait_seconds(T, T + timedelta(seconds=45), 60) == 15
    assert rules.resend_wait_seconds(T, T + timedelta(seconds=59.5), 60) == 1
    assert rules.resend_wait_seconds(T, T + timedelta(seconds=60), 60) == 0


def test_daily_caps_reopen_at_the_business_midnight() -> None:
    assert rules.seconds_until_next_day(T) == 60
    assert rules.seconds_until_next_day(T.replace(hour=0, minute=0)) == 86400


def test_the_service_area_is_a_circle_around_its_centre() -> None:
    center = (31.2304, 121.4737)
    assert rules.in_service_area(31.1935, 121.4372, center, 60)  # 徐汇
    assert not rules.in_service_area(31.3116, 120.6240, center, 60)  # 苏州, ~80 km
    assert not rules.in_service_area(39.9087, 116.3975, center, 60)  # 北京


def test_the_map_signature_is_md5_over_the_sorted_unencoded_query_and_the_secret_key() -> None:
    params = {"key": "K-1", "address": "上海市徐汇区漕溪北路88号"}
    expected = hashlib.md5(
        "/ws/geocoder/v1/?address=上海市徐汇区漕溪北路88号&key=K-1SECRET".encode()
    ).hexdigest()
    assert signature("/ws/geocoder/v1/", params, "SECRET") == expected
    assert signature("/ws/geocoder/v1/", {**params, "sig": "ignored"}, "SECRET") == expected
    sent = parse_qs(
        TencentGeocoder("http://x", "K-1", "SECRET").signed_query(
            "/ws/geocoder/v1/", {"address": params["address"]}
        )
    )
    assert sent == {"address": [params["address"]], "key": ["K-1"], "sig": [expected]}


def test_masks_keep_the_ends_of_a_phone_and_the_surname() -> None:
    assert mask_phone("13800138001") == "138****8001"
    assert mask_phone("110") == "****"
    assert mask_name("王小美") == "王**" and mask_name("李") == "李*"


def test_the_route_link_is_tencents_route_plan_uri() -> None:
    assert route_link(31.19, 121.43, "上海市 漕溪北路", "jz app") == (
        "https://apis.map.qq.com/uri/v1/routeplan?type=drive&to=%E4%B8%8A%E6%B5%B7%E5%B8%82%20"
        "%E6%BC%95%E6%BA%AA%E5%8C%97%E8%B7%AF&tocoord=31.19,121.43&referer=jz%20app"
    )
