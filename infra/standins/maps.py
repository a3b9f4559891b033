"""Tencent Location Service stand-in (腾讯位置服务 WebService API): the geocoder ``GET /ws/geocoder/v1/`` as the
service answers it — HTTP 200 with ``{"status", "message", "request_id", "result"}``; ``status`` 0 is success,
347 no result, 310 bad parameters, 311 bad key, 110 unknown key, 111 bad signature, 120/121 our key's per-second and
per-day limits (``fail_next(status)`` makes the next request answer one of those).

Every request's ``sig`` is checked from what arrived, independently of the client's code: md5 over the path, ``?``,
the parameters except ``sig`` sorted by name as ``k=v&…`` with their decoded values, and the secret key.

It knows Shanghai (GCJ-02, like Tencent's answers): the seeded customers' addresses exactly, a few dozen roads
(``<road> <number>号`` gives a point along the road, reliability 8, level 9; the road alone reliability 6, level 7),
landmarks (reliability 9, level 10), districts (reliability 3, level 4), and two places outside the service area
(Suzhou, Hangzhou). Anything else is 347.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

from infra.standins.loopback import LoopbackServer, Reply, Request

PATHS = ("/ws/geocoder/v1/", "/ws/geocoder/v1")


@dataclass(frozen=True)
class Place:
    name: str
    lat: float
    lng: float
    district: str
    city: str = "上海市"
    province: str = "上海市"


# The seeded customers' addresses (infra/local/seed.py CUSTOMERS; a unit test keeps the two in step).
SEEDED: dict[tuple[str, int], tuple[float, float]] = {
    ("漕溪北路", 88): (31.1935, 121.4372),
    ("世纪大道", 1500): (31.2286, 121.5272),
    ("南京西路", 1266): (31.2263, 121.4530),
}

ROADS = [
    Place("漕溪北路", 31.1930, 121.4368, "徐汇区"),
    Place("世纪大道", 31.2330, 121.5170, "浦东新区"),
    Place("南京西路", 31.2290, 121.4580, "静安区"),
    Place("天钥桥路", 31.1880, 121.4380, "徐汇区"),
    Place("淮海中路", 31.2186, 121.4605, "黄浦区"),
    Place("南京东路", 31.2376, 121.4802, "黄浦区"),
    Place("四川北路", 31.2555, 121.4838, "虹口区"),
    Place("衡山路", 31.2047, 121.4447, "徐汇区"),
    Place("肇嘉浜路", 31.1985, 121.4490, "徐汇区"),
    Place("武康路", 31.2058, 121.4387, "徐汇区"),
    Place("龙华中路", 31.1900, 121.4520, "徐汇区"),
    Place("陆家嘴环路", 31.2392, 121.5025, "浦东新区"),
    Place("张杨路", 31.2307, 121.5250, "浦东新区"),
    Place("上南路", 31.1700, 121.4980, "浦东新区"),
    Place("锦绣路", 31.1990, 121.5520, "浦东新区"),
    Place("张江路", 31.2050, 121.5900, "浦东新区"),
    Place("延安西路", 31.2128, 121.4190, "长宁区"),
    Place("长宁路", 31.2205, 121.4180, "长宁区"),
    Place("虹桥路", 31.1965, 121.4100, "长宁区"),
    Place("愚园路", 31.2235, 121.4340, "长宁区"),
    Place("古北路", 31.2030, 121.4000, "长宁区"),
    Place("复兴中路", 31.2148, 121.4665, "黄浦区"),
    Place("西藏中路", 31.2352, 121.4770, "黄浦区"),
    Place("四平路", 31.2710, 121.5050, "杨浦区"),
    Place("控江路", 31.2720, 121.5240, "杨浦区"),
    Place("曲阳路", 31.2790, 121.4880, "虹口区"),
    Place("共和新路", 31.2800, 121.4580, "静安区"),
    Place("真北路", 31.2360, 121.3870, "普陀区"),
    Place("曹杨路", 31.2400, 121.4100, "普陀区"),
    Place("莘松路", 31.1120, 121.3850, "闵行区"),
    Place("七莘路", 31.1450, 121.3570, "闵行区"),
    Place("观前街", 31.3116, 120.6240, "姑苏区", "苏州市", "江苏省"),
]

LANDMARKS = [
    Place("人民广场", 31.2304, 121.4737, "黄浦区"),
    Place("外滩", 31.2400, 121.4900, "黄浦区"),
    Place("豫园", 31.2272, 121.4921, "黄浦区"),
    Place("新天地", 31.2195, 121.4750, "黄浦区"),
    Place("东方明珠", 31.2397, 121.4998, "浦东新区"),
    Place("上海火车站", 31.2495, 121.4560, "静安区"),
    Place("静安寺", 31.2235, 121.4455, "静安区"),
    Place("徐家汇", 31.1950, 121.4370, "徐汇区"),
    Place("五角场", 31.2994, 121.5146, "杨浦区"),
    Place("中山公园", 31.2230, 121.4170, "长宁区"),
    Place("虹桥火车站", 31.1946, 121.3204, "闵行区"),
    Place("西湖", 30.2470, 120.1490, "西湖区", "杭州市", "浙江省"),
]

DISTRICTS = [
    Place("黄浦区", 31.2317, 121.4846, "黄浦区"),
    Place("徐汇区", 31.1885, 121.4365, "徐汇区"),
    Place("长宁区", 31.2204, 121.4243, "长宁区"),
    Place("静安区", 31.2290, 121.4480, "静安区"),
    Place("普陀区", 31.2497, 121.3958, "普陀区"),
    Place("虹口区", 31.2646, 121.5050, "虹口区"),
    Place("杨浦区", 31.2595, 121.5260, "杨浦区"),
    Place("浦东新区", 31.2210, 121.5440, "浦东新区"),
    Place("闵行区", 31.1130, 121.3820, "闵行区"),
]

# Metres along a road per house number, as degrees: numbers run roughly east-north-east.
_STEP = (0.000004, 0.000009)


def signature(path: str, params: dict[str, str], secret_key: str) -> str:
    query = "&".join(f"{k}={params[k]}" for k in sorted(params) if k != "sig")
    return hashlib.md5(f"{path}?{query}{secret_key}".encode()).hexdigest()


class MapStandIn:
    def __init__(self, key: str, secret_key: str) -> None:
        self.key = key
        self.secret_key = secret_key
        self.calls: Counter[str] = Counter()
        self._fail_next: list[int] = []
        self._lock = threading.Lock()
        self.server = LoopbackServer(self.handle)

    @property
    def url(self) -> str:
        return self.server.url

    def close(self) -> None:
        self.server.close()

    def fail_next(self, status: int) -> None:
        with self._lock:
            self._fail_next.append(status)

    def handle(self, req: Request) -> Reply:
        with self._lock:
            self.calls[req.path] += 1
        if req.method != "GET" or req.path not in PATHS:
            return _reply(
                404, "请求的接口不存在"
            )  # not a status Tencent documents; a wrong path here is our bug
        q = req.query
        if not q.get("key"):
            return _reply(311, "key格式错误")
        if q["key"] != self.key:
            return _reply(110, "请求来源未被授权")
        sig = q.get("sig", "")
        if not hmac.compare_digest(sig, signature(req.path, q, self.secret_key)):
            return _reply(111, "签名验证失败")
        with self._lock:
            failure = self._fail_next.pop(0) if self._fail_next else None
        if failure is not None:
            return _reply(
                failure,
                {120: "此key每秒请求量已达到上限", 121: "此key每日调用量已达到上限"}.get(failure, "error"),
            )
        address = q.get("address", "")
        if not address:
            return _reply(310, "请求参数信息有误")
        found = geocode(address)
        if found is None:
            return _reply(347, "查询无结果")
        return _reply(0, "Success", found)


def _result(
    place: Place, lat: float, lng: float, reliability: int, level: int, number: str = ""
) -> dict[str, Any]:
    return {
        "title": place.name + (f"{number}号" if number else ""),
        "location": {"lat": round(lat, 6), "lng": round(lng, 6)},
        "ad_info": {"adcode": "310000" if place.city == "上海市" else "320500"},
        "address_components": {
            "province": place.province,
            "city": place.city,
            "district": place.district,
            "street": "" if place in DISTRICTS else place.name,
            "street_number": f"{place.name}{number}号" if number else "",
        },
        "similarity": 0.8,
        "deviation": 1000,
        "reliability": reliability,
        "level": level,
    }


def geocode(address: str) -> dict[str, Any] | None:
    """The answer's ``result`` for an address, or None (347). Most precise first: a seeded address, a road with a
    number, a landmark, a road alone, a district."""
    text = re.sub(r"\s+", "", address)
    other_city = next((p.city for p in ROADS + LANDMARKS if p.city != "上海市" and p.city[:2] in text), None)
    city = other_city or "上海市"
    if "上海" not in text and other_city is None and re.search(r"[\u4e00-\u9fff]{2}市", text):
        return None  # a city we know nothing of
    roads = [p for p in ROADS if p.city == city]
    for road in roads:
        if m := re.search(re.escape(road.name) + r"(\d+)号", text):
            number = int(m.group(1))
            lat, lng = SEEDED.get((road.name, number)) or (
                road.lat + _STEP[0] * number,
                road.lng + _STEP[1] * number,
            )
            return _result(road, lat, lng, 8, 9, m.group(1))
    for mark in (p for p in LANDMARKS if p.city == city):
        if mark.name in text:
            return _result(mark, mark.lat, mark.lng, 9, 10)
    for road in roads:
        if road.name in text:
            return _result(road, road.lat, road.lng, 6, 7)
    for district in DISTRICTS if city == "上海市" else []:
        if district.name in text:
            return _result(district, district.lat, district.lng, 3, 4)
    return None


def _reply(status: int, message: str, result: dict[str, Any] | None = None) -> Reply:
    body: dict[str, Any] = {"status": status, "message": message, "request_id": secrets.token_hex(16)}
    if result is not None:
        body["result"] = result
    # Tencent answers errors with HTTP 200 and a status.
    return Reply(200, json.dumps(body, ensure_ascii=False).encode())
