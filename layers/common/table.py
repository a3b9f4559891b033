"""The one table: its definition lives here and only here.

The local stack, the tests and the deployable template all build the table from ``TABLE_DEFINITION``
(CloudFormation ``AWS::DynamoDB::Table`` properties); ``create_table_kwargs`` turns it into boto3's shape.
The overloaded indexes GSI1..GSI4 are declared once below for the PynamoDB models. What each key holds is
in docs/access-patterns.md.
"""

from __future__ import annotations

import copy
from typing import Any

from pynamodb.attributes import UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

INDEX_NAMES = ("GSI1", "GSI2", "GSI3", "GSI4")


def _key_attrs() -> list[dict[str, str]]:
    names = ["PK", "SK"] + [f"{i}{part}" for i in INDEX_NAMES for part in ("PK", "SK")]
    return [{"AttributeName": n, "AttributeType": "S"} for n in names]


TABLE_DEFINITION: dict[str, Any] = {
    "BillingMode": "PAY_PER_REQUEST",
    "AttributeDefinitions": _key_attrs(),
    "KeySchema": [
        {"AttributeName": "PK", "KeyType": "HASH"},
        {"AttributeName": "SK", "KeyType": "RANGE"},
    ],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": name,
            "KeySchema": [
                {"AttributeName": f"{name}PK", "KeyType": "HASH"},
                {"AttributeName": f"{name}SK", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        }
        for name in INDEX_NAMES
    ],
    "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
    "TimeToLiveSpecification": {"AttributeName": "expires_at", "Enabled": True},
    "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
    "SSESpecification": {"SSEEnabled": True},
}


def create_table_kwargs(table_name: str) -> dict[str, Any]:
    """``TABLE_DEFINITION`` in the shape of boto3's ``create_table``."""
    spec = copy.deepcopy(TABLE_DEFINITION)
    spec.pop("TimeToLiveSpecification")
    spec.pop("PointInTimeRecoverySpecification")
    spec.pop("SSESpecification")
    spec["StreamSpecification"] = {"StreamEnabled": True, **spec["StreamSpecification"]}
    return {"TableName": table_name, **spec}


def create_table(client: Any, table_name: str) -> None:
    """Create the table (and its TTL) with a boto3 DynamoDB client; used by the local stack and tests."""
    client.create_table(**create_table_kwargs(table_name))
    ttl = TABLE_DEFINITION["TimeToLiveSpecification"]
    client.update_time_to_live(TableName=table_name, TimeToLiveSpecification=ttl)


class GSI1(GlobalSecondaryIndex):
    class Meta:
        index_name = "GSI1"
        projection = AllProjection()

    GSI1PK = UnicodeAttribute(hash_key=True)
    GSI1SK = UnicodeAttribute(range_key=True)


class GSI2(GlobalSecondaryIndex):
    class Meta:
        index_name = "GSI2"
        projection = AllProjection()

    GSI2PK = UnicodeAttribute(hash_key=True)
    GSI2SK = UnicodeAttribute(range_key=True)


class GSI3(GlobalSecondaryIndex):
    class Meta:
        index_name = "GSI3"
        projection = AllProjection()

    GSI3PK = UnicodeAttribute(hash_key=True)
    GSI3SK = UnicodeAttribute(range_key=True)


class GSI4(GlobalSecondaryIndex):
    class Meta:
        index_name = "GSI4"
        projection = AllProjection()

    GSI4PK = UnicodeAttribute(hash_key=True)
    GSI4SK = UnicodeAttribute(range_key=True)
