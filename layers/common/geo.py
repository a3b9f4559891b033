"""Distances and geohash cells, for finding workers near an address.

A geohash cell of precision ``p`` is a lat/lng rectangle named by ``p`` base-32 characters; a longer code names a
cell inside the shorter one, and codes that sort next to each other are cells next to each other on the Z-order
curve. So "every worker whose home lies in these cells" is a handful of sort-key ranges over home geohashes.
Coordinates are GCJ-02 as the mini-program gives them; at the scale of a service radius they behave like WGS-84.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088
_BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"
_DECODE = {c: i for i, c in enumerate(_BASE32)}
# Cells are kept when their nearest point is within the radius plus this share of it: the nearest point of a
# lat/lng rectangle is computed on the rectangle's edges as if they were great circles, which is off by far less.
_COVER_SLACK = 0.005


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _bits(precision: int) -> tuple[int, int]:
    """(longitude bits, latitude bits) of a precision: longitude takes the first, odd-numbered bit."""
    total = 5 * precision
    return (total + 1) // 2, total // 2


def _interleave(x: int, y: int, lng_bits: int, lat_bits: int) -> int:
    value = 0
    for i in range(lng_bits + lat_bits):
        source, width = (x, lng_bits) if i % 2 == 0 else (y, lat_bits)
        value = (value << 1) | ((source >> (width - 1 - i // 2)) & 1)
    return value


def _deinterleave(value: int, lng_bits: int, lat_bits: int) -> tuple[int, int]:
    x = y = 0
    total = lng_bits + lat_bits
    for i in range(total):
        bit = (value >> (total - 1 - i)) & 1
        if i % 2 == 0:
            x = (x << 1) | bit
        else:
            y = (y << 1) | bit
    return x, y


def _to_code(value: int, precision: int) -> str:
    return "".join(_BASE32[(value >> (5 * (precision - 1 - i))) & 31] for i in range(precision))


def _from_code(code: str) -> int:
    value = 0
    for char in code:
        value = (value << 5) | _DECODE[char]
    return value


def _cell_xy(lat: float, lng: float, precision: int) -> tuple[int, int]:
    lng_bits, lat_bits = _bits(precision)
    x = int((lng + 180.0) / 360.0 * (1 << lng_bits))
    y = int((lat + 90.0) / 180.0 * (1 << lat_bits))
    return min(max(x, 0), (1 << lng_bits) - 1), min(max(y, 0), (1 << lat_bits) - 1)


def encode(lat: float, lng: float, precision: int = 9) -> str:
    """The geohash of a point (precision 9 ≈ 5 m)."""
    lng_bits, lat_bits = _bits(precision)
    x, y = _cell_xy(lat, lng, precision)
    return _to_code(_interleave(x, y, lng_bits, lat_bits), precision)


@dataclass(frozen=True)
class Bounds:
    lat_min: float
    lat_max: float
    lng_min: float
    lng_max: float


def bounds(code: str) -> Bounds:
    """The rectangle a geohash names."""
    precision = len(code)
    lng_bits, lat_bits = _bits(precision)
    x, y = _deinterleave(_from_code(code), lng_bits, lat_bits)
    w, h = 360.0 / (1 << lng_bits), 180.0 / (1 << lat_bits)
    return Bounds(-90.0 + y * h, -90.0 + (y + 1) * h, -180.0 + x * w, -180.0 + (x + 1) * w)


def distance_to_cell_km(lat: float, lng: float, cell: Bounds) -> float:
    """Distance from a point to the nearest point of a cell (0 inside it)."""
    near_lat = min(max(lat, cell.lat_min), cell.lat_max)
    near_lng = min(max(lng, cell.lng_min), cell.lng_max)
    return haversine_km(lat, lng, near_lat, near_lng)


def covering_cells(lat: float, lng: float, radius_km: float, precision: int) -> list[str]:
    """Every cell of ``precision`` that holds a point within ``radius_km`` of (lat, lng), sorted.

    Cells are enumerated over the circle's bounding box and kept when their nearest point is inside the circle,
    so a point just across a cell edge is never missed. Not for circles that reach a pole or the antimeridian.
    """
    lng_bits, lat_bits = _bits(precision)
    angular = radius_km / EARTH_RADIUS_KM
    d_lat = math.degrees(angular)
    # The widest longitude extent of a spherical cap (exact), not the naive r / cos(lat).
    ratio = math.sin(angular) / max(math.cos(math.radians(lat)), 1e-9)
    d_lng = 180.0 if ratio >= 1 else math.degrees(math.asin(ratio))
    x0, y0 = _cell_xy(lat - d_lat, lng - d_lng, precision)
    x1, y1 = _cell_xy(lat + d_lat, lng + d_lng, precision)
    w, h = 360.0 / (1 << lng_bits), 180.0 / (1 << lat_bits)
    limit = radius_km * (1 + _COVER_SLACK)
    cells: list[str] = []
    for y in range(y0, y1 + 1):
        for x in range(x0, x1 + 1):
            cell = Bounds(-90.0 + y * h, -90.0 + (y + 1) * h, -180.0 + x * w, -180.0 + (x + 1) * w)
            if distance_to_cell_km(lat, lng, cell) <= limit:
                cells.append(_to_code(_interleave(x, y, lng_bits, lat_bits), precision))
    return sorted(cells)


@dataclass(frozen=True)
class CellRange:
    """The cells from ``first`` to ``last`` (same precision, in code order) inside the cell ``prefix``."""

    prefix: str
    first: str
    last: str

    def cell_count(self) -> int:
        return _from_code(self.last[len(self.prefix) :]) - _from_code(self.first[len(self.prefix) :]) + 1


def covering_ranges(
    lat: float, lng: float, radius_km: float, *, prefix_len: int, precision: int, max_ranges: int
) -> list[CellRange]:
    """The covering cells as runs of consecutive codes, grouped by their ``prefix_len`` parent.

    Each range is one sort-key range in one partition (the parent). When there are more than ``max_ranges``
    runs, the two neighbouring runs of a parent with the smallest gap between them are merged (reading the gap's
    cells too), until the budget is met or every parent is down to one range.
    """
    runs: dict[str, list[list[int]]] = {}
    for code in covering_cells(lat, lng, radius_km, precision):
        parent, value = code[:prefix_len], _from_code(code[prefix_len:])
        group = runs.setdefault(parent, [])
        if group and group[-1][1] == value - 1:
            group[-1][1] = value
        else:
            group.append([value, value])
    total = sum(len(g) for g in runs.values())
    while total > max_ranges:
        gaps = [
            (group[i + 1][0] - group[i][1], parent, i)
            for parent, group in runs.items()
            for i in range(len(group) - 1)
        ]
        if not gaps:
            break
        _, parent, i = min(gaps)
        group = runs[parent]
        group[i] = [group[i][0], group[i + 1][1]]
        del group[i + 1]
        total -= 1
    width = precision - prefix_len
    return [
        CellRange(parent, parent + _to_code(lo, width), parent + _to_code(hi, width))
        for parent in sorted(runs)
        for lo, hi in runs[parent]
    ]
