"""Workers written in bulk (imports, the benchmark's large tables) are matched exactly like saved ones, and a
match reads the same items however many workers live elsewhere."""

from __future__ import annotations

import json
from typing import Any

from chalice.test import Client

from bench.meter import metered
from bench.scenarios import matching as scenario
from bench.seeding import seeding
from tests.integration.conftest import Api


def _match(client: Client, ctx: dict[str, Any], i: int) -> tuple[int, int, list[str]]:
    endpoint = scenario.endpoints(ctx)[0]
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {endpoint.token}"}
    with metered() as tally:
        reply = client.http.post(endpoint.path, headers=headers, body=json.dumps(endpoint.body(i)).encode())
    assert reply.status_code == 200, reply.body
    return tally.calls, tally.items_read, [m["worker"]["id"] for m in json.loads(reply.body)["items"]]


def test_bulk_written_workers_are_matched_and_far_away_ones_cost_nothing(api: Api, monkeypatch: Any) -> None:
    monkeypatch.setattr(scenario, "NEAR", 400)
    ctx = scenario.seed(400)
    near_only = [_match(api.client, ctx, i) for i in range(2)]
    scenario.store.bulk_put(
        scenario._record(
            n,
            *scenario.OTHER_CITIES[n % 3],
            [("cat_cleaning", "保洁")],
            "2026-01-01T00:00:00+08:00",
            "2026-01-01",
        )
        for n in range(1000, 1600)
    )
    with_others = [_match(api.client, ctx, i) for i in range(2)]

    assert all(len(ids) >= 5 for _, _, ids in near_only)
    assert with_others == near_only  # the same calls, the same items read, the same workers
    assert all(calls <= 16 for calls, _, _ in near_only)


def test_the_bench_seeding_straight_into_moto_writes_what_batch_writes_write(
    api: Api, monkeypatch: Any
) -> None:
    monkeypatch.setattr(scenario, "NEAR", 400)
    with seeding(), metered() as during:
        ctx = scenario.seed(400)
    seeded = [_match(api.client, ctx, i) for i in range(2)]
    with metered() as after:  # through boto3 again once seeding is over
        scenario.store.bulk_put(
            scenario._record(
                n, *scenario.ADDRESS, [("cat_cleaning", "保洁")], "2026-01-01T00:00:00+08:00", "2026-01-01"
            )
            for n in range(2000, 2003)
        )

    assert all(len(ids) >= 5 for _, _, ids in seeded)  # the same items and index entries: workers are matched
    assert all(calls <= 16 for calls, _, _ in seeded)
    assert during.calls < 10  # the 400 workers' batches never went through botocore
    assert after.calls == 1 and scenario.store.get_stats("w0002001") is not None
