"""Geohash cells and the cover of a search circle: no point within the radius may fall outside the cover,
including points just across a cell edge, and the cover stays within its query budget."""

from __future__ import annotations

import math

import pytest
from common import geo


def point_at(lat: float, lng: float, km: float, bearing_deg: float) -> tuple[float, float]:
    """The point ``km`` away on a bearing (spherical earth)."""
    d = km / geo.EARTH_RADIUS_KM
    b = math.radians(bearing_deg)
    p1, l1 = math.radians(lat), math.radians(lng)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), math.degrees(l2)


def test_encoding_matches_the_published_geohash_examples() -> None:
    assert geo.encode(57.64911, 10.40744, 11) == "u4pruydqqvj"
    assert geo.encode(31.2304, 121.4737, 5) == "wtw3s"


def test_a_point_lies_inside_the_bounds_of_its_cell() -> None:
    cell = geo.bounds(geo.encode(31.2304, 121.4737, 6))
    assert cell.lat_min <= 31.2304 < cell.lat_max and cell.lng_min <= 121.4737 < cell.lng_max


def test_haversine_knows_shanghai_to_beijing() -> None:
    assert geo.haversine_km(31.2304, 121.4737, 39.9042, 116.4074) == pytest.approx(1067, abs=5)


@pytest.mark.parametrize("radius_km", [0.3, 2.5, 5.0, 10.0])
def test_every_point_within_the_radius_falls_in_a_covered_cell(radius_km: float) -> None:
    lat, lng = 31.2304, 121.4737
    cells = set(geo.covering_cells(lat, lng, radius_km, 6))
    for bearing in range(0, 360, 5):
        for share in (0.25, 0.7, 0.999):
            p = point_at(lat, lng, radius_km * share, bearing)
            assert geo.encode(*p, 6) in cells


def test_an_address_on_a_cell_corner_covers_all_four_cells_around_it() -> None:
    corner = geo.bounds("wtw3s")  # its south-west corner touches three other cells
    cells = geo.covering_cells(corner.lat_min, corner.lng_min, 0.2, 5)
    assert len(cells) == 4
    for dlat, dlng in ((1e-6, 1e-6), (-1e-6, 1e-6), (1e-6, -1e-6), (-1e-6, -1e-6)):
        assert geo.encode(corner.lat_min + dlat, corner.lng_min + dlng, 5) in cells


def test_a_worker_just_across_a_cell_edge_is_still_covered() -> None:
    edge = geo.bounds("wtw3s")
    address = (edge.lat_min + 0.0001, (edge.lng_min + edge.lng_max) / 2)  # ~11 m inside the south edge
    across = (edge.lat_min - 0.0001, address[1])  # ~11 m across it, in the neighbouring cell
    assert geo.encode(*across, 5) != "wtw3s"
    assert geo.encode(*across, 5) in geo.covering_cells(*address, 0.05, 5)


def test_a_cell_that_only_the_bounding_box_touches_is_left_out() -> None:
    lat, lng = 31.2304, 121.4737
    cells = geo.covering_cells(lat, lng, 5, 6)
    for code in cells:
        assert geo.distance_to_cell_km(lat, lng, geo.bounds(code)) <= 5 * 1.005
    corner = point_at(lat, lng, 5 * math.sqrt(2) * 0.98, 45)  # inside the box, outside the circle
    assert geo.encode(*corner, 6) not in cells


@pytest.mark.parametrize("budget", [1, 4, 6, 12])
def test_ranges_keep_every_covering_cell_within_the_budget(budget: int) -> None:
    lat, lng = 31.2304, 121.4737
    cells = geo.covering_cells(lat, lng, 10, 6)
    ranges = geo.covering_ranges(lat, lng, 10, prefix_len=4, precision=6, max_ranges=budget)
    parents = {c[:4] for c in cells}
    assert len(ranges) == max(budget, len(parents))
    for code in cells:
        assert any(r.prefix == code[:4] and r.first <= code <= r.last for r in ranges)


def test_more_ranges_read_fewer_extra_cells() -> None:
    args = (31.2304, 121.4737, 10)
    few = geo.covering_ranges(*args, prefix_len=4, precision=6, max_ranges=4)
    many = geo.covering_ranges(*args, prefix_len=4, precision=6, max_ranges=12)
    assert sum(r.cell_count() for r in many) < sum(r.cell_count() for r in few)
