"""The map provider (INTEGRATIONS.md "Maps"): Tencent Location Service's WebService geocoder, signed requests.

``Geocoder`` is the interface; ``TencentGeocoder`` the real client (``base_url`` is apis.map.qq.com when deployed,
the loopback stand-in in the local stack and tests). Coordinates are GCJ-02, like the mini-program's.

Signature (key with a secret key, "签名校验"): ``sig = md5(path + "?" + query + secret_key)`` where ``query`` is
every parameter but ``sig``, sorted by name, joined ``k=v&…`` with the values NOT url-encoded; the request then
carries the same parameters url-encoded, plus ``sig``.
"""

from __future__ import annotations

import hashlib
from typing import Any, Protocol
from urllib.parse import quote

import requests
from common.errors import MapProviderError
from common.settings import get_settings
from pydantic import BaseModel

_http = requests.Session()

GEOCODER_PATH = "/ws/geocoder/v1/"
NO_RESULT = 347
# Our key's limits (120: per second, 121: per day) and refusals of our key or signature (110 unauthorised source,
# 111 bad signature, 112 IP not allowed, 113 not enabled, 311 bad key): none is the customer's fault.
RATE_LIMITS = frozenset({120, 121})


class GeoPoint(BaseModel):
    lat: float
    lng: float
    reliability: int
    level: int


class Geocoder(Protocol):
    def geocode(self, address: str) -> GeoPoint | None:
        """The point of an address; None when the provider knows no such address. Raises ``MapProviderError``."""
        ...


def signature(path: str, params: dict[str, str], secret_key: str) -> str:
    """Tencent's request signature over the un-encoded, sorted parameters (``sig`` itself excluded)."""
    query = "&".join(f"{k}={params[k]}" for k in sorted(params) if k != "sig")
    return hashlib.md5(
        f"{path}?{query}{secret_key}".encode()
    ).hexdigest()  # md5: the provider's scheme, not ours


class TencentGeocoder:
    def __init__(self, base_url: str, key: str, secret_key: str, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.key = key
        self.secret_key = secret_key
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> TencentGeocoder:
        s = get_settings()
        return cls(s.map_api_base, s.map_key, s.map_secret_key.get_secret_value(), s.http_timeout_seconds)

    def signed_query(self, path: str, params: dict[str, str]) -> str:
        """The query string to send: the parameters url-encoded, with ``sig`` over their un-encoded values."""
        params = {**params, "key": self.key}
        params["sig"] = signature(path, params, self.secret_key)
        return "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())

    def geocode(self, address: str) -> GeoPoint | None:
        url = f"{self.base_url}{GEOCODER_PATH}?{self.signed_query(GEOCODER_PATH, {'address': address})}"
        try:
            resp = _http.get(url, timeout=self.timeout)
            resp.raise_for_status()
            data: Any = resp.json()
        except (requests.RequestException, ValueError):
            # Not chained: the URL in a requests error carries our key.
            raise MapProviderError("the map service is unavailable") from None
        status = data.get("status") if isinstance(data, dict) else None
        if status == NO_RESULT:
            return None
        if status != 0:
            kind = "is rate limiting us" if status in RATE_LIMITS else "refused the request"
            raise MapProviderError(
                f"the map service {kind} (status {status})", provider_status=int(status or 0)
            )
        try:
            result = data["result"]
            location = result["location"]
            return GeoPoint(
                lat=float(location["lat"]),
                lng=float(location["lng"]),
                reliability=int(result.get("reliability") or 0),
                level=int(result.get("level") or 0),
            )
        except (KeyError, TypeError, ValueError):
            raise MapProviderError("the map service answered something unexpected") from None
