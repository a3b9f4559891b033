"""The local DynamoDB's index: each table's items by partition key and sort key, and each GSI's the same way.

moto 5.2.5 keeps a table as ``{hash key: {range key: Item}}`` and answers a Query by sorting the whole table and
walking it. This module keeps, beside moto's dict (which stays the store of record), one sorted list of sort keys
per partition, for the table and for each global secondary index, so a Query seeks to its key range and reads only
what it returns. ``infra.local.indexed_dynamodb`` wires it into moto; this module only knows moto's data model
(``Table``, ``Item``, ``DynamoType``) and reproduces ``Table.query`` (moto's order, Limit, LastEvaluatedKey,
ExclusiveStartKey, key conditions, index projection, filter and projection expressions) over that seek.

Keys are typed tuples ``(type, value)`` with moto's comparison value (``Decimal`` for numbers), so the order is
moto's (``DynamoType`` compares those values) and values of different types never meet in a comparison.
"""

from __future__ import annotations

import copy
import weakref
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from typing import Any

from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import RESULT_SIZE_LIMIT, GlobalSecondaryIndex, Table

Key = tuple[Any, ...]


class _Top:
    """Sorts after every key part: ``(t, v, TOP)`` bounds all keys that start with ``(t, v)``."""

    def __lt__(self, other: object) -> bool:
        return False

    def __le__(self, other: object) -> bool:
        return other is self

    def __gt__(self, other: object) -> bool:
        return other is not self

    def __ge__(self, other: object) -> bool:
        return True

    def __eq__(self, other: object) -> bool:
        return other is self

    def __hash__(self) -> int:
        return 0


TOP = _Top()


def typed(value: DynamoType) -> Key:
    """A key attribute as a sortable tuple: moto's type letter and comparison value."""
    return (value.type, value.cast_value)


class Partition:
    """One partition: its sort keys in order, and the item under each."""

    __slots__ = ("items", "keys")

    def __init__(self) -> None:
        self.keys: list[Key] = []
        self.items: dict[Key, Item] = {}

    def put(self, key: Key, item: Item) -> None:
        if key not in self.items:
            insort(self.keys, key)
        self.items[key] = item

    def remove(self, key: Key) -> None:
        if self.items.pop(key, None) is not None:
            del self.keys[bisect_left(self.keys, key)]


class Sorted:
    """Partitions of one key schema (the table's or a GSI's): hash value → ``Partition``; and where each item
    (by its table key) sits now, so a changed or deleted item leaves its old place."""

    def __init__(self, hash_attr: str, sort_attrs: list[str]) -> None:
        self.hash_attr = hash_attr
        self.sort_attrs = sort_attrs  # in moto's sort order
        self.partitions: dict[Key, Partition] = {}
        self.where: dict[Key, tuple[Key, Key]] = {}

    def locate(self, item: Item | None) -> tuple[Key, Key] | None:
        """(partition, sort key) of an item here; None when it lacks a key attribute (a sparse index)."""
        if item is None:
            return None
        attrs = item.attrs
        if self.hash_attr not in attrs or any(a not in attrs for a in self.sort_attrs):
            return None
        sort_key: Key = ()
        for name in self.sort_attrs:
            sort_key += typed(attrs[name])
        return typed(attrs[self.hash_attr]), sort_key

    def sync(self, ident: Key, item: Item | None) -> None:
        old, new = self.where.get(ident), self.locate(item)
        if old is not None and old != new:
            part = self.partitions[old[0]]
            part.remove(old[1])
            if not part.keys:
                del self.partitions[old[0]]
        if new is None:
            self.where.pop(ident, None)
            return
        part = self.partitions.get(new[0])
        if part is None:
            part = self.partitions[new[0]] = Partition()
        part.put(new[1], item)  # type: ignore[arg-type]
        self.where[ident] = new


class TableIndex:
    """The table's partitions (when it has a sort key) and one ``Sorted`` per GSI with one hash and one range
    key; anything else (LSIs, multi-attribute keys) is left to moto's own Query."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.base = (
            Sorted(table.hash_key_attr, [table.range_key_attr]) if table.range_key_attr is not None else None
        )
        self.gsis: dict[str, Sorted] = {}
        for gsi in table.global_indexes:
            hashes = [k["AttributeName"] for k in gsi.schema if k["KeyType"] == "HASH"]
            ranges = [k["AttributeName"] for k in gsi.schema if k["KeyType"] == "RANGE"]
            if len(hashes) == 1 and len(ranges) == 1:
                # moto sorts a GSI's items by (index range key, table hash key, table range key).
                order = table._generate_attr_to_sort_by(
                    [hashes[0], table.hash_key_attr], [ranges[0], table.range_key_attr]
                )
                self.gsis[gsi.name] = Sorted(hashes[0], order[1:])
        for item in _all_items(table):
            self.sync(item.hash_key, item.range_key)

    def sync(self, hash_value: DynamoType, range_value: DynamoType | None) -> None:
        """Make the index agree with moto's dict for this key (after any write, whatever moto did)."""
        part = self.table.items.get(hash_value)
        if self.table.range_key_attr is None:
            current = part if isinstance(part, Item) else None
        else:
            current = part.get(range_value) if isinstance(part, dict) and range_value is not None else None
        ident = typed(hash_value) + (typed(range_value) if range_value is not None else ())
        if self.base is not None:
            self.base.sync(ident, current)
        for spec in self.gsis.values():
            spec.sync(ident, current)


def _all_items(table: Table) -> Iterable[Item]:
    for value in list(table.items.values()):
        if isinstance(value, Item):
            yield value
        else:
            yield from list(value.values())


_indexes: weakref.WeakKeyDictionary[Table, TableIndex] = weakref.WeakKeyDictionary()


def index_of(table: Table) -> TableIndex:
    """The table's index, built from moto's dict on first use (and after ``forget``)."""
    index = _indexes.get(table)
    if index is None:
        index = _indexes[table] = TableIndex(table)
    return index


def forget(table: Table) -> None:
    """Drop the table's index (its GSIs changed); the next use rebuilds it."""
    _indexes.pop(table, None)


def _window(keys: list[Key], comparison: str | None, values: list[DynamoType]) -> tuple[int, int]:
    """The slice of a partition's sort keys that can satisfy the range condition on its first key part."""
    if not comparison:
        return 0, len(keys)
    op = comparison.upper()
    first = values[0] if values else None
    if first is None or op not in {
        "=",
        "EQ",
        "<",
        "LT",
        "<=",
        "LE",
        ">",
        "GT",
        ">=",
        "GE",
        "BETWEEN",
        "BEGINS_WITH",
    }:
        return 0, len(keys)
    t, v = typed(first)
    start, end = bisect_left(keys, (t,)), bisect_left(keys, (t, TOP))
    if op in {"=", "EQ"}:
        return bisect_left(keys, (t, v)), bisect_left(keys, (t, v, TOP))
    if op in {"<", "LT"}:
        return start, bisect_left(keys, (t, v))
    if op in {"<=", "LE"}:
        return start, bisect_left(keys, (t, v, TOP))
    if op in {">", "GT"}:
        return bisect_left(keys, (t, v, TOP)), end
    if op in {">=", "GE"}:
        return bisect_left(keys, (t, v)), end
    if op == "BETWEEN":
        if len(values) < 2 or values[1].type != t:
            return 0, len(keys)
        lo, hi = bisect_left(keys, (t, v)), bisect_left(keys, (t, typed(values[1])[1], TOP))
        return lo, max(lo, hi)
    # BEGINS_WITH: the strings with a prefix are one run of the order.
    if not isinstance(v, str):
        return 0, len(keys)
    lo = bisect_left(keys, (t, v))
    if not v or ord(v[-1]) >= 0x10FFFF:
        return lo, end
    return lo, bisect_left(keys, (t, v[:-1] + chr(ord(v[-1]) + 1)))


def _esk_key(esk: dict[str, Any], spec: Sorted) -> tuple[Key, Key]:
    sort_key: Key = ()
    for name in spec.sort_attrs:
        sort_key += typed(DynamoType(esk.get(name)))  # type: ignore[arg-type]
    return typed(DynamoType(esk.get(spec.hash_attr))), sort_key  # type: ignore[arg-type]


def query(
    table: Table,
    spec: Sorted,
    hash_value: DynamoType,
    range_attr: str,
    range_comparison: str | None,
    range_objs: list[DynamoType],
    limit: int | None,
    exclusive_start_key: dict[str, Any] | None,
    scan_index_forward: bool,
    projection_expressions: list[list[str]] | None,
    index_name: str | None,
    filter_expression: Any,
) -> tuple[list[Item], int, dict[str, Any] | None]:
    """moto's ``Table.query`` for one partition of ``spec``, reading only the sort-key range it can return."""
    part = spec.partitions.get(typed(hash_value))
    keys = part.keys if part is not None else []
    lo, hi = _window(keys, range_comparison, range_objs)
    if exclusive_start_key is not None:
        # moto skips the items at or before the start key in the direction of the query.
        esk_hash, esk_sort = _esk_key(exclusive_start_key, spec)
        if esk_hash != typed(hash_value):
            if (typed(hash_value) < esk_hash) == scan_index_forward:
                lo = hi
        elif scan_index_forward:
            lo = max(lo, bisect_right(keys, esk_sort))
        else:
            hi = min(hi, bisect_left(keys, esk_sort))
    positions = range(lo, hi) if scan_index_forward else range(hi - 1, lo - 1, -1)
    results: list[Item] = []
    result_size = 0
    last_evaluated_key = None
    for pos in positions:
        item = part.items[keys[pos]]  # type: ignore[union-attr]
        if len(results) == limit or result_size + item.size() > RESULT_SIZE_LIMIT:
            last_evaluated_key = table._get_last_evaluated_key(results[-1], index_name)
            break
        if range_comparison and not item.attrs[range_attr].compare(range_comparison, range_objs):
            continue
        results.append(item)
        result_size += item.size()
    else:
        # moto walks on past the key range: any item after it, in the query's direction, ends a full page with a key.
        beyond = hi < len(keys) if scan_index_forward else lo > 0
        if limit is not None and len(results) == limit and beyond:
            last_evaluated_key = table._get_last_evaluated_key(results[-1], index_name)
    scanned_count = len(results)
    results = copy.deepcopy(results)
    if index_name:
        index = table.get_index(index_name)
        results = [index.project(r) for r in results]
    if filter_expression is not None:
        results = [item for item in results if filter_expression.expr(item)]
    if projection_expressions:
        results = [r.project(projection_expressions) for r in results]
    return results, scanned_count, last_evaluated_key


def is_gsi(table: Table, index_name: str) -> bool:
    return any(isinstance(i, GlobalSecondaryIndex) and i.name == index_name for i in table.global_indexes)
