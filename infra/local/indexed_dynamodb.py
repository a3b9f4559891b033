"""Makes moto's DynamoDB cost what DynamoDB costs: Query reads its key range, a transaction copies what it changes.

moto 5.2.5 answers every Query by sorting and walking the whole table, and every TransactWriteItems starts with a
deep copy of each table it touches (items and stream records) to restore on failure; so at 100,000 items a booking
takes seconds and a bench run runs out of memory. ``install()`` patches four seams of moto's DynamoDB (moto is
pinned; the names are its):

- ``Table.put_item`` / ``Table.delete_item`` and ``DynamoDBBackend.update_item``: after moto's own write (its
  validation, conditions and stream record unchanged), the index (``dynamodb_index``) is brought in line with
  moto's dict for that key;
- ``Table.query``: served from the index (same items, order, pages and keys as moto's); queries the index does not
  cover (legacy ``QueryFilter``, LSIs, multi-attribute keys) go to moto's own;
- ``DynamoDBBackend.transact_write_items``: moto's algorithm with an undo log instead of table copies: before each
  write the previous item (a copy for an update, which moto applies in place) is kept, and on cancellation those
  items are put back, the index synced, and the stream left as it was before the transaction;
- ``ActionCountValidator.verify_action_counts`` (an UpdateExpression has at most one SET, REMOVE and ADD clause):
  moto counts them again at every nested expression, each count walking the tree below it, so a PynamoDB update
  of n attributes costs n² node visits; the root's count covers every nested one, so only the root is counted.

Installed process-wide by the local stack, the integration tests and the bench (idempotent). ``moto_engine()``
turns the index off for a block, so tests can ask moto's own engine the same question.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    ItemSizeTooLarge,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
from moto.dynamodb.models.table import StreamRecord, Table
from moto.dynamodb.models.utilities import bytesize
from moto.dynamodb.parsing.validators import ActionCountValidator

from infra.local import dynamodb_index
from infra.local.dynamodb_index import index_of

ITEM_SIZE_LIMIT = 405000  # LimitedSizeDict's (moto 5.2.5)
_install_lock = threading.Lock()
_originals: dict[str, Callable[..., Any]] = {}
_engine = threading.local()  # .moto: True inside moto_engine()


def _indexed() -> bool:
    return not getattr(_engine, "moto", False)


@contextmanager
def moto_engine() -> Iterator[None]:
    """Inside the block, Query and TransactWriteItems run moto's own code (writes still keep the index)."""
    previous = getattr(_engine, "moto", False)
    _engine.moto = True
    try:
        yield
    finally:
        _engine.moto = previous


def _key_of(table: Table, attrs: dict[str, Any]) -> tuple[DynamoType, DynamoType | None] | None:
    if table.hash_key_attr not in attrs:
        return None
    if table.range_key_attr is not None and table.range_key_attr not in attrs:
        return None
    hash_value = DynamoType(attrs[table.hash_key_attr])
    range_value = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr is not None else None
    return hash_value, range_value


def _sync(table: Table, key: tuple[DynamoType, DynamoType | None] | None) -> None:
    if key is not None:
        index_of(table).sync(*key)


def _put_item(self: Table, item_attrs: dict[str, Any], *args: Any, **kwargs: Any) -> Item:
    try:
        return _originals["put_item"](self, item_attrs, *args, **kwargs)
    finally:
        _sync(self, _key_of(self, item_attrs))


def _delete_item(self: Table, hash_key: DynamoType, range_key: DynamoType | None) -> Item | None:
    try:
        return _originals["delete_item"](self, hash_key, range_key)
    finally:
        _sync(self, (hash_key, range_key))


def _update_item(
    self: DynamoDBBackend, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any
) -> Item:
    try:
        return _originals["update_item"](self, table_name, key, *args, **kwargs)
    finally:
        table = self.tables.get(table_name)
        if table is None:  # named by ARN, or gone
            table = next((t for t in self.tables.values() if t.table_arn == table_name), None)
        if table is not None and isinstance(key, dict):
            _sync(table, _key_of(table, key))


def _update_table(self: DynamoDBBackend, name: str, *args: Any, **kwargs: Any) -> Table:
    table = _originals["update_table"](self, name, *args, **kwargs)
    dynamodb_index.forget(table)  # GSIs may have come or gone
    return table


def _query(
    self: Table,
    hash_key: DynamoType | None,
    range_comparison: str | None,
    range_objs: list[DynamoType],
    limit: int,
    exclusive_start_key: dict[str, Any],
    scan_index_forward: bool,
    projection_expressions: list[list[str]] | None,
    index_name: str | None = None,
    consistent_read: bool = False,
    filter_expression: Any = None,
    hash_key_conditions: list[tuple[str, DynamoType]] | None = None,
    range_key_conditions: list[tuple[str, str, list[DynamoType]]] | None = None,
    **filter_kwargs: Any,
) -> tuple[list[Item], int, dict[str, Any] | None]:
    index = index_of(self)
    spec, range_attr = None, None
    if index_name is None:
        spec, range_attr = index.base, self.range_key_attr
    elif not consistent_read and dynamodb_index.is_gsi(self, index_name):
        spec = index.gsis.get(index_name)
        range_attr = spec.sort_attrs[0] if spec is not None else None
    hash_value = hash_key_conditions[0][1] if hash_key_conditions else hash_key
    covered = (
        _indexed()
        and spec is not None
        and hash_value is not None
        and not filter_kwargs
        and len(hash_key_conditions or ()) <= 1
        and len(range_key_conditions or ()) <= 1
        and (not range_key_conditions or range_key_conditions[0][0] == range_attr)
    )
    if not covered:
        return _originals["query"](
            self,
            hash_key,
            range_comparison,
            range_objs,
            limit,
            exclusive_start_key,
            scan_index_forward,
            projection_expressions,
            index_name,
            consistent_read,
            filter_expression,
            hash_key_conditions=hash_key_conditions,
            range_key_conditions=range_key_conditions,
            **filter_kwargs,
        )
    return dynamodb_index.query(
        self,
        spec,  # type: ignore[arg-type]
        hash_value,  # type: ignore[arg-type]
        range_attr,  # type: ignore[arg-type]
        range_comparison,
        range_objs,
        limit,
        exclusive_start_key,
        scan_index_forward,
        projection_expressions,
        index_name,
        filter_expression,
    )


class _Undo:
    """What a transaction changed, to put back on cancellation: per key its item before the transaction, and per
    table its stream records as they were."""

    def __init__(self) -> None:
        self.items: list[tuple[Table, DynamoType, DynamoType | None, Item | None]] = []
        self.streams: dict[int, tuple[Any, list[Any], int]] = {}

    def before_write(
        self, table: Table, key: tuple[DynamoType, DynamoType | None], current: Item | None
    ) -> None:
        # moto applies an update to the stored item in place, so keep a copy; a put or delete replaces it.
        self.items.append((table, *key, copy.deepcopy(current)))
        shard = table.stream_shard
        if shard is not None and id(table) not in self.streams:
            self.streams[id(table)] = (shard, shard.items, len(shard.items))

    def rollback(self) -> None:
        for table, hash_value, range_value, previous in reversed(self.items):
            if table.range_key_attr is None:
                if previous is None:
                    table.items.pop(hash_value, None)
                else:
                    table.items[hash_value] = previous
            else:
                part = table.items[hash_value]
                if previous is None:
                    part.pop(range_value, None)
                else:
                    part[range_value] = previous
                if not part:
                    del table.items[hash_value]
            index_of(table).sync(hash_value, range_value)
        for shard, records, length in self.streams.values():
            del records[length:]
            shard.items = records


def _transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    """moto 5.2.5's ``transact_write_items`` (same checks, order, errors and cancellation reasons), undoing its
    own writes on failure instead of restoring deep copies of the tables."""
    if not _indexed():
        return _originals["transact_write_items"](self, transact_items)
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    undo = _Undo()
    target_items: set[tuple[str, str]] = set()

    def check_unicity(table_name: str, key: dict[str, Any]) -> None:
        item = (str(table_name), str(dict(sorted(key.items()))))
        if item in target_items:
            raise MultipleTransactionsException()
        target_items.add(item)

    errors: list[tuple[str, str, dict[str, Any]] | tuple[None, None, None]] = []
    for item in transact_items:
        original_item: dict[str, Any] | None = None
        if len(list(item.keys())) > 1:
            raise TransactWriteSingleOpException
        try:
            op_type, op = next(iter(item.items()))
            if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                raise ValueError("Unsupported transaction operation")
            table_name = op["TableName"]
            condition_expression = op.get("ConditionExpression")
            names = op.get("ExpressionAttributeNames")
            values = op.get("ExpressionAttributeValues")
            return_values_on_failure = op.get("ReturnValuesOnConditionCheckFailure")
            if op_type == "Put":
                attrs = op["Item"]
                table = self.get_table(table_name)
                key = {table.hash_key_attr: attrs[table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = attrs[table.range_key_attr]
            else:
                key = op["Key"]
            check_unicity(table_name, key)
            current = self.get_item(table_name, key)
            if condition_expression is not None:
                condition_op = get_filter_expression(condition_expression, names, values)
                if not condition_op.expr(current):
                    if return_values_on_failure == "ALL_OLD" and current:
                        original_item = current.to_json()["Attributes"]
                    raise ConditionalCheckFailed(item=original_item)
            if op_type != "ConditionCheck":
                table = self.get_table(table_name)
                undo.before_write(table, self.get_keys_value(table, key), current)
            if op_type == "Put":
                self.put_item(
                    table_name,
                    op["Item"],
                    condition_expression=condition_expression,
                    expression_attribute_names=names,
                    expression_attribute_values=values,
                )
            elif op_type == "Delete":
                self.delete_item(
                    table_name,
                    key,
                    condition_expression=condition_expression,
                    expression_attribute_names=names,
                    expression_attribute_values=values,
                )
            elif op_type == "Update":
                self.update_item(
                    table_name,
                    key,
                    update_expression=op["UpdateExpression"],
                    condition_expression=condition_expression,
                    expression_attribute_names=names,
                    expression_attribute_values=values,
                )
            errors.append((None, None, None))
        except (MultipleTransactionsException, MockValidationException):
            undo.rollback()
            raise
        except ConditionalCheckFailed as e:
            errors.append(("ConditionalCheckFailed", str(e.message), original_item))  # type: ignore[arg-type]
        except Exception as e:
            errors.append((type(e).__name__, str(e), original_item))  # type: ignore[arg-type]
    if any(code is not None for code, _, _ in errors):
        undo.rollback()
        raise TransactionCanceledException(errors)


def _untracked(cls: type, *args: Any, **kwargs: Any) -> Any:
    # moto's BaseModel.__new__ appends every instance to ``cls.instances_tracked`` (for its dashboard) and never
    # lets go: every item version, query-result copy and stream record would live until the mock is reset.
    return object.__new__(cls)


def _item_init(self: Item, hash_key: DynamoType, range_key: DynamoType | None, attrs: dict[str, Any]) -> None:
    # moto's Item.__init__ with its size check (key bytes + value size over the item, ItemSizeTooLarge above
    # LimitedSizeDict's limit) kept as a running total instead of re-summing the item for every attribute.
    self.hash_key = hash_key
    self.range_key = range_key
    self.attrs = LimitedSizeDict()
    total = 0
    for key, value in attrs.items():
        typed_value = DynamoType(value)
        total += bytesize(key) + typed_value.size()
        if total > ITEM_SIZE_LIMIT:
            raise ItemSizeTooLarge
        dict.__setitem__(self.attrs, key, typed_value)


def _stream_record_init(self: StreamRecord, *args: Any, **kwargs: Any) -> None:
    # moto's record, with its images kept as one JSON string until read (they are most of a record's memory).
    _originals["stream_record_init"](self, *args, **kwargs)
    dynamodb = self.record["dynamodb"]
    images = {k: dynamodb[k] for k in ("NewImage", "OldImage") if k in dynamodb}
    try:
        self._images = json.dumps(images)
    except (TypeError, ValueError):
        return  # bytes in an image: keep moto's dict as is
    for k in images:
        del dynamodb[k]


def _verify_action_counts(self: ActionCountValidator, node: Any) -> Any:
    if getattr(node, "parent", None) is not None:  # nested: the root's count includes its clauses
        return node
    return _originals["verify_action_counts"](self, node)


def _stream_record_to_json(self: StreamRecord) -> dict[str, Any]:
    images = getattr(self, "_images", None)
    if images is None:
        return self.record
    return {**self.record, "dynamodb": {**self.record["dynamodb"], **json.loads(images)}}


_TABLE_PATCHES = {"put_item": _put_item, "delete_item": _delete_item, "query": _query}
_BACKEND_PATCHES = {
    "update_item": _update_item,
    "update_table": _update_table,
    "transact_write_items": _transact_write_items,
}


def install() -> None:
    """Index moto's DynamoDB in this process (idempotent). Composes with ``atomic_dynamodb`` in either order: the
    backend methods replaced here take its lock when it is installed."""
    from infra.local import atomic_dynamodb

    with _install_lock:
        if _originals:
            return
        for name, patch in _TABLE_PATCHES.items():
            _originals[name] = getattr(Table, name)
            setattr(Table, name, patch)
        _originals["stream_record_init"] = StreamRecord.__init__
        StreamRecord.__init__ = _stream_record_init  # type: ignore[method-assign]
        StreamRecord.to_json = _stream_record_to_json  # type: ignore[method-assign]
        Item.__init__ = _item_init  # type: ignore[method-assign]
        for cls in (Item, StreamRecord):
            cls.__new__ = staticmethod(_untracked)  # type: ignore[method-assign,assignment]
        _originals["verify_action_counts"] = ActionCountValidator.verify_action_counts
        ActionCountValidator.verify_action_counts = _verify_action_counts  # type: ignore[method-assign]
        for name, patch in _BACKEND_PATCHES.items():
            _originals[name] = getattr(DynamoDBBackend, name)
            setattr(DynamoDBBackend, name, atomic_dynamodb.serialize_if_atomic(patch))
