"""SnapStart: after a restore, nothing the snapshot froze is reused — random state, AWS and HTTP connections."""

from __future__ import annotations

import random

import boto3
from common import snapshot


def test_two_restores_of_the_same_snapshot_draw_different_random_numbers() -> None:
    draws = []
    for _ in range(2):
        random.seed(1234)  # the state frozen in the snapshot, identical in every restore
        snapshot.restored()
        draws.append([random.random() for _ in range(4)])
    assert draws[0] != draws[1]


def test_a_restore_drops_boto3s_default_session_and_every_registered_connection() -> None:
    boto3.setup_default_session(region_name="us-east-1")
    dropped: list[str] = []
    hook = snapshot.on_restore(lambda: dropped.append("client"))
    try:
        snapshot.restored()
    finally:
        snapshot._hooks.remove(hook)
    assert boto3.DEFAULT_SESSION is None
    assert dropped == ["client"]


def test_a_restore_makes_every_table_model_connect_afresh() -> None:
    from common import db

    from functions.catalog.store import CatalogItem

    CatalogItem._connection = object()  # as if it had connected before the snapshot
    db.connection()
    snapshot.restored()
    assert CatalogItem._connection is None
    assert db.connection.cache_info().currsize == 0


def test_outside_lambdas_snapstart_runtime_installing_the_hooks_does_nothing() -> None:
    assert snapshot.install(before=lambda: None) is False
