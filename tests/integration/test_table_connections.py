"""Every table model sends through one botocore client: a model's first call costs a request, not a new botocore
session and client (about 120 ms each, for each of ~70 models, on a Lambda's first requests)."""

from __future__ import annotations

from common import db

from functions.catalog.store import CatalogItem
from functions.workers.store import ProfileItem


def test_models_of_two_capabilities_share_the_transactions_botocore_client(aws: None) -> None:
    for model in (CatalogItem, ProfileItem):
        model._connection = None  # as on a cold start
    assert list(CatalogItem.query("CATALOG#none")) == []
    assert list(ProfileItem.query("WORKER#none")) == []
    one = db.connection().client
    assert CatalogItem._get_connection().connection.client is one
    assert ProfileItem._get_connection().connection.client is one
