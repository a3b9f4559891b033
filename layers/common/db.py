"""PynamoDB base for every item in the one table.

Each capability subclasses ``Item`` for its own entities in its ``store.py``. An entity that appears in an index
declares its own index instance (``by_customer = GSI1()``): PynamoDB binds an index to one model class, so the
instances must not be shared through the base class.
"""

from __future__ import annotations

from functools import lru_cache

from pynamodb.attributes import UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.models import Model

from common.settings import get_settings
from common.snapshot import on_restore


class Item(Model):
    class Meta:
        table_name = get_settings().table_name

    PK = UnicodeAttribute(hash_key=True)
    SK = UnicodeAttribute(range_key=True)
    GSI1PK = UnicodeAttribute(null=True)
    GSI1SK = UnicodeAttribute(null=True)
    GSI2PK = UnicodeAttribute(null=True)
    GSI2SK = UnicodeAttribute(null=True)
    GSI3PK = UnicodeAttribute(null=True)
    GSI3SK = UnicodeAttribute(null=True)
    GSI4PK = UnicodeAttribute(null=True)
    GSI4SK = UnicodeAttribute(null=True)


@lru_cache(maxsize=1)
def connection() -> Connection:
    """A PynamoDB connection for ``TransactWrite``/``TransactGet`` (they need one explicitly). One per process:
    each new one builds a botocore client, which costs more than the transaction itself."""
    # Not Item._get_connection(): that caches a connection on the base class, which every model that has not
    # connected yet then inherits, with a schema that lacks its indexes ("Table … has no index: GSI1").
    return Connection(region=Item.Meta.region)


@on_restore
def _drop_connections() -> None:
    """SnapStart: every model (and the transactions' connection) connects afresh after a restore."""
    connection.cache_clear()
    pending = [Item]
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if "_connection" in vars(model):
            model._connection = None
