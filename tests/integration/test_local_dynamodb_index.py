"""The local DynamoDB's index (infra/local/indexed_dynamodb.py) answers as moto's own engine does.

Each comparison asks the same boto3 question twice on the same data, once served by the index and once inside
``moto_engine()`` (moto 5.2.5's own Query and TransactWriteItems), and compares every page: items, counts and
LastEvaluatedKey. The table has GSIs projected ALL, KEYS_ONLY and INCLUDE, one with a number sort key, all sparse.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

from infra.local.indexed_dynamodb import install, moto_engine

install()  # as the local stack and conftest do; idempotent

TABLE = "index-check"
GSIS = {
    "ByStatus": ("status", "S", "created", "S", {"ProjectionType": "ALL"}),
    "ByScore": ("team", "S", "score", "N", {"ProjectionType": "KEYS_ONLY"}),
    "ByCity": ("city", "S", "created", "S", {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["name"]}),
}
PARTITIONS = [f"P#{n}" for n in range(6)]
PREFIXES = ["ORDER#", "SLOT#", "USER#", "ORDER#2026-"]


@contextmanager
def fresh_table() -> Iterator[Any]:
    """A new mock account with the table; yields a DynamoDB client."""
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        attrs = {("PK", "S"), ("SK", "S")} | {
            (a, t) for h, ht, r, rt, _ in GSIS.values() for a, t in ((h, ht), (r, rt))
        }
        client.create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, t in sorted(attrs)],
            KeySchema=[
                {"AttributeName": "PK", "KeyType": "HASH"},
                {"AttributeName": "SK", "KeyType": "RANGE"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": name,
                    "KeySchema": [
                        {"AttributeName": h, "KeyType": "HASH"},
                        {"AttributeName": r, "KeyType": "RANGE"},
                    ],
                    "Projection": projection,
                }
                for name, (h, _, r, _, projection) in GSIS.items()
            ],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        yield client


@pytest.fixture
def ddb() -> Iterator[Any]:
    with fresh_table() as client:
        yield client


def _random_item(rng: random.Random, n: int) -> dict[str, Any]:
    item: dict[str, Any] = {
        "PK": {"S": rng.choice(PARTITIONS)},
        "SK": {"S": f"{rng.choice(PREFIXES)}{rng.randrange(40):03d}#{n}"},
        "name": {"S": f"name{n}"},
        "payload": {"M": {"n": {"N": str(n)}, "tags": {"L": [{"S": "a"}, {"S": "b"}]}}},
    }
    if rng.random() < 0.7:  # sparse: some items are in no GSI, some in one or two
        item["status"] = {"S": rng.choice(["open", "done", "void"])}
        item["created"] = {"S": f"2026-12-{rng.randrange(1, 29):02d}T{rng.randrange(24):02d}:00"}
    if rng.random() < 0.5:
        item["team"] = {"S": rng.choice(["red", "blue"])}
        item["score"] = {"N": str(rng.choice([-5, 0, 1, 2.5, 10, 100, rng.randrange(1000)]))}
    if rng.random() < 0.5 and "created" in item:
        item["city"] = {"S": rng.choice(["sh", "hz", "bj"])}
    return item


def _random_query(rng: random.Random) -> dict[str, Any]:
    index = rng.choice([None, *GSIS])
    if index is None:
        hash_attr, hash_value, range_attr, range_type = "PK", rng.choice(PARTITIONS), "SK", "S"
    else:
        hash_attr, _, range_attr, range_type, _ = GSIS[index]
        hash_value = rng.choice(
            {"status": ["open", "done", "void"], "team": ["red", "blue"], "city": ["sh", "hz", "bj"]}[
                hash_attr
            ]
        )

    def value() -> dict[str, str]:
        if range_type == "N":
            return {"N": str(rng.choice([-5, 0, 1, 2, 2.5, 10, 50, 500]))}
        if range_attr == "SK":
            return {"S": f"{rng.choice(PREFIXES)}{rng.randrange(40):03d}"}
        return {"S": f"2026-12-{rng.randrange(1, 29):02d}"}

    condition = "#h = :h"
    values: dict[str, Any] = {":h": {"S": hash_value}}
    op = rng.choice(["none", "=", "<", "<=", ">", ">=", "between", "begins_with"])
    if op == "between":
        low, high = sorted([value(), value()], key=lambda v: float(v["N"]) if "N" in v else v["S"])
        condition += " AND #r BETWEEN :a AND :b"
        values.update({":a": low, ":b": high})
    elif op == "begins_with" and range_type == "S":
        prefix = rng.choice([*PREFIXES, "2026-12-1", "ORDER#01", "", "zz"]) or "O"
        condition += " AND begins_with(#r, :a)"
        values[":a"] = {"S": prefix}
    elif op not in ("none", "begins_with"):
        condition += f" AND #r {op} :a"
        values[":a"] = value()
    names = {"#h": hash_attr}
    if ":a" in values:
        names["#r"] = range_attr
    kwargs: dict[str, Any] = {
        "TableName": TABLE,
        "KeyConditionExpression": condition,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
        "ScanIndexForward": rng.random() < 0.5,
    }
    if index is not None:
        kwargs["IndexName"] = index
    if rng.random() < 0.6:
        kwargs["Limit"] = rng.choice([2, 5, 40])
    if rng.random() < 0.3:
        kwargs["FilterExpression"] = "attribute_exists(#s) AND #s <> :void"
        kwargs["ExpressionAttributeNames"]["#s"] = "status"
        kwargs["ExpressionAttributeValues"][":void"] = {"S": "void"}
    if rng.random() < 0.2 and index != "ByScore":
        kwargs["ProjectionExpression"] = "PK, SK, #n"
        kwargs["ExpressionAttributeNames"]["#n"] = "name"
    return kwargs


def _pages(client: Any, query: dict[str, Any]) -> list[dict[str, Any]]:
    """Every page of a query, as the caller sees them (at most 60, in case paging never ends)."""
    pages, start = [], None
    for _ in range(60):
        reply = client.query(**query, **({"ExclusiveStartKey": start} if start else {}))
        pages.append({k: reply.get(k) for k in ("Items", "Count", "ScannedCount", "LastEvaluatedKey")})
        start = reply.get("LastEvaluatedKey")
        if not start:
            break
    return pages


def _compare(client: Any, rng: random.Random, queries: int) -> int:
    returned = 0
    for _ in range(queries):
        query = _random_query(rng)
        indexed = _pages(client, query)
        with moto_engine():
            own = _pages(client, query)
        assert indexed == own, query
        returned += sum(page["Count"] for page in indexed)
    return returned


def test_queries_return_what_moto_returns_pages_orders_conditions_and_sparse_projected_indexes(
    ddb: Any,
) -> None:
    rng = random.Random(18)
    for n in range(150):
        ddb.put_item(TableName=TABLE, Item=_random_item(rng, n))
    assert _compare(ddb, rng, 120) > 300  # the queries find items, not only empty pages


def test_queries_follow_writes_that_move_items_between_index_partitions(ddb: Any) -> None:
    rng = random.Random(4)
    keys = []
    for n in range(150):
        item = _random_item(rng, n)
        ddb.put_item(TableName=TABLE, Item=item)
        keys.append({"PK": item["PK"], "SK": item["SK"]})
    for key in rng.sample(keys, 50):  # new index keys, or none (the item leaves the sparse index)
        if rng.random() < 0.5:
            ddb.update_item(
                TableName=TABLE,
                Key=key,
                UpdateExpression="SET #s = :s, #c = :c, #t = :t, #sc = :sc",
                ExpressionAttributeNames={"#s": "status", "#c": "created", "#t": "team", "#sc": "score"},
                ExpressionAttributeValues={
                    ":s": {"S": rng.choice(["open", "done"])},
                    ":c": {"S": f"2026-12-{rng.randrange(1, 29):02d}"},
                    ":t": {"S": rng.choice(["red", "blue"])},
                    ":sc": {"N": str(rng.randrange(-50, 50))},
                },
            )
        else:
            ddb.update_item(
                TableName=TABLE,
                Key=key,
                UpdateExpression="REMOVE #s, #t",
                ExpressionAttributeNames={"#s": "status", "#t": "team"},
            )
    for key in rng.sample(keys, 25):
        ddb.delete_item(TableName=TABLE, Key=key)
    for n in range(150, 180):  # overwrites and new items
        item = _random_item(rng, n)
        ddb.put_item(TableName=TABLE, Item={**item, **rng.choice(keys)})
    assert _compare(ddb, rng, 100) > 200


def _state(client: Any) -> list[list[dict[str, Any]]]:
    """Every item, through the table and through each index, in order."""
    seen = []
    for index, hashes in [
        (None, PARTITIONS),
        ("ByStatus", ["open", "done", "void"]),
        ("ByScore", ["red", "blue"]),
        ("ByCity", ["sh", "hz", "bj"]),
    ]:
        attr = "PK" if index is None else GSIS[index][0]
        for value in hashes:
            query = {
                "TableName": TABLE,
                "KeyConditionExpression": "#h = :h",
                "ExpressionAttributeNames": {"#h": attr},
                "ExpressionAttributeValues": {":h": {"S": value}},
            }
            if index:
                query["IndexName"] = index
            seen.append(client.query(**query)["Items"])
    return seen


def _stream(client: Any) -> list[tuple[str, Any, Any]]:
    """The table's stream records as moto keeps them (what a stream consumer would be handed)."""
    table = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].get_table(TABLE)
    records = [r.to_json()["dynamodb"] for r in table.stream_shard.items]
    return [(r["Keys"], r.get("OldImage"), r.get("NewImage")) for r in records]


def _transaction(ddb: Any, fail: bool) -> list[dict[str, Any]]:
    key = {"PK": {"S": "P#0"}, "SK": {"S": "ORDER#001#a"}}
    return [
        {
            "Put": {
                "TableName": TABLE,
                "Item": {
                    "PK": {"S": "P#1"},
                    "SK": {"S": "SLOT#new"},
                    "status": {"S": "open"},
                    "created": {"S": "2026-12-09"},
                },
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        },
        {
            "Update": {
                "TableName": TABLE,
                "Key": key,
                "UpdateExpression": "SET #s = :s, #c = :c",
                "ExpressionAttributeNames": {"#s": "status", "#c": "created"},
                "ExpressionAttributeValues": {":s": {"S": "done"}, ":c": {"S": "2026-12-30"}},
            }
        },
        {"Delete": {"TableName": TABLE, "Key": {"PK": {"S": "P#2"}, "SK": {"S": "USER#002#b"}}}},
        {
            "ConditionCheck": {
                "TableName": TABLE,
                "Key": {"PK": {"S": "P#3"}, "SK": {"S": "SLOT#003#c"}},
                "ConditionExpression": "#s = :want",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {":want": {"S": "void" if fail else "open"}},
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        },
    ]


def _seed_for_transactions(ddb: Any) -> None:
    ddb.put_item(
        TableName=TABLE,
        Item={
            "PK": {"S": "P#0"},
            "SK": {"S": "ORDER#001#a"},
            "status": {"S": "open"},
            "created": {"S": "2026-12-01"},
            "city": {"S": "sh"},
        },
    )
    ddb.put_item(
        TableName=TABLE,
        Item={
            "PK": {"S": "P#2"},
            "SK": {"S": "USER#002#b"},
            "status": {"S": "open"},
            "created": {"S": "2026-12-02"},
        },
    )
    ddb.put_item(
        TableName=TABLE, Item={"PK": {"S": "P#3"}, "SK": {"S": "SLOT#003#c"}, "status": {"S": "open"}}
    )


def _run_transaction(ddb: Any, fail: bool) -> Any:
    try:
        ddb.transact_write_items(TransactItems=_transaction(ddb, fail))
    except ClientError as e:
        return e.response["Error"]["Code"], e.response.get("CancellationReasons")
    return None


@pytest.mark.parametrize("fail", [True, False], ids=["cancelled", "committed"])
def test_a_transaction_commits_or_rolls_back_whole_as_moto_does(fail: bool) -> None:
    outcomes = []
    for engine in ("indexed", "moto"):
        with fresh_table() as client:
            _seed_for_transactions(client)
            before, stream_before = _state(client), _stream(client)
            if engine == "moto":
                with moto_engine():
                    error = _run_transaction(client, fail)
            else:
                error = _run_transaction(client, fail)
            outcomes.append((error, _state(client), _stream(client)))
        if fail:
            assert error is not None and error[0] == "TransactionCanceledException"
            assert [r["Code"] for r in error[1]] == ["None", "None", "None", "ConditionalCheckFailed"]
            assert error[1][3]["Item"]["status"] == {"S": "open"}  # ALL_OLD on the failed check
            assert outcomes[-1][1] == before  # nothing written: not the put, the update or the delete
            assert outcomes[-1][2] == stream_before  # and no stream records
        else:
            assert error is None
            assert outcomes[-1][1] != before
    assert outcomes[0] == outcomes[1]


def test_a_failed_condition_writes_nothing(ddb: Any) -> None:
    _seed_for_transactions(ddb)
    before = _state(ddb)
    with pytest.raises(ClientError, match="ConditionalCheckFailed"):
        ddb.put_item(
            TableName=TABLE,
            Item={
                "PK": {"S": "P#0"},
                "SK": {"S": "ORDER#001#a"},
                "status": {"S": "void"},
                "created": {"S": "2026-12-31"},
            },
            ConditionExpression="attribute_not_exists(PK)",
        )
    with pytest.raises(ClientError, match="ConditionalCheckFailed"):
        ddb.update_item(
            TableName=TABLE,
            Key={"PK": {"S": "P#2"}, "SK": {"S": "USER#002#b"}},
            UpdateExpression="SET #s = :s",
            ConditionExpression="#s = :other",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": {"S": "void"}, ":other": {"S": "done"}},
        )
    assert _state(ddb) == before


@pytest.mark.parametrize("clause", ["SET #a = :v", "REMOVE #a", "ADD #a :one"])
def test_an_update_with_a_clause_twice_is_refused_and_a_long_one_applies(ddb: Any, clause: str) -> None:
    """moto's check of one clause of each kind, counted once at the root of the expression here."""
    key = {"PK": {"S": "P#0"}, "SK": {"S": "ORDER#009#z"}}
    values = {":v": {"S": "x"}, ":one": {"N": "1"}}
    with pytest.raises(ClientError, match=r"The .* section can only be used once"):
        ddb.update_item(
            TableName=TABLE,
            Key=key,
            UpdateExpression=f"{clause} SET #c = :v {clause.replace('#a', '#b')}",
            ExpressionAttributeNames={"#a": "a", "#b": "b", "#c": "c"},
            ExpressionAttributeValues={k: v for k, v in values.items() if k in clause or k == ":v"},
        )
    ddb.update_item(
        TableName=TABLE,
        Key=key,
        UpdateExpression="SET " + ", ".join(f"#f{i} = :v" for i in range(30)) + " ADD #n :one",
        ExpressionAttributeNames={"#n": "n"} | {f"#f{i}": f"f{i}" for i in range(30)},
        ExpressionAttributeValues=values,
    )
    item = ddb.get_item(TableName=TABLE, Key=key)["Item"]
    assert item["f29"] == {"S": "x"} and item["n"] == {"N": "1"}
