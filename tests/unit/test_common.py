"""Small shared pieces: money, ids, cursors, the route role rule, the table definition."""

from datetime import datetime, timedelta

import pytest
from common.api import role_for_path
from common.errors import MalformedRequest
from common.ids import new_id
from common.money import percent_of, yuan
from common.pagination import decode_cursor, encode_cursor
from common.table import INDEX_NAMES, TABLE_DEFINITION, create_table_kwargs


def test_percent_of_rounds_half_up_to_whole_fen() -> None:
    assert percent_of(10000, 20) == 2000
    assert percent_of(12345, 20) == 2469
    assert percent_of(5, 50) == 3
    assert isinstance(percent_of(999, 12.5), int)


def test_yuan_shows_fen_as_yuan_text() -> None:
    assert yuan(12345) == "123.45" and yuan(5) == "0.05"


def test_ids_made_later_sort_later_and_never_repeat() -> None:
    t = datetime(2026, 12, 1, 9, 0)
    earlier, later = new_id(t), new_id(t + timedelta(milliseconds=1))
    assert earlier < later
    assert len({new_id(t) for _ in range(1000)}) == 1000


def test_a_cursor_round_trips_and_is_bound_to_its_partition() -> None:
    key = {"PK": {"S": "USER#u1"}, "SK": {"S": "ADDR#a1"}}
    cursor = encode_cursor(key)
    assert decode_cursor(cursor, expect={"PK": "USER#u1"}) == key
    with pytest.raises(MalformedRequest):
        decode_cursor(cursor, expect={"PK": "USER#someone-else"})
    with pytest.raises(MalformedRequest):
        decode_cursor("%%%not-base64", expect={"PK": "USER#u1"})
    assert encode_cursor(None) is None and decode_cursor(None) is None


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/v1/admin/services", "operator"),
        ("/v1/worker/profile", "worker"),
        ("/v1/me", "customer"),
        ("/v1/me/addresses", "customer"),
        ("/v1/members", None),
        ("/v1/categories", None),
    ],
)
def test_the_path_decides_the_role(path: str, role: str | None) -> None:
    assert role_for_path(path) == role


def test_the_boto3_table_shape_is_the_one_definition() -> None:
    kwargs = create_table_kwargs("t")
    assert kwargs["KeySchema"] == TABLE_DEFINITION["KeySchema"]
    assert [g["IndexName"] for g in kwargs["GlobalSecondaryIndexes"]] == list(INDEX_NAMES)
    assert kwargs["StreamSpecification"]["StreamEnabled"] is True
    defined = {a["AttributeName"] for a in kwargs["AttributeDefinitions"]}
    used = {k["AttributeName"] for g in kwargs["GlobalSecondaryIndexes"] for k in g["KeySchema"]}
    assert used | {"PK", "SK"} == defined
