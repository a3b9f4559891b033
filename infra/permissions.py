"""What each function may touch: declared once, here; the deployable template turns it into one IAM role each.

How a function finds its declaration (``infra.package`` does this when it builds the template):

- The API handler (one Lambda serving every route) gets the union of the ``api`` access of the capabilities that
  exist under ``functions/``.
- A scheduled job, queue consumer or state-machine task (``@bp.schedule``, ``@bp.on_sqs_message``,
  ``@bp.lambda_function``) gets the ``tasks`` access of the capability its handler lives in
  (``functions.<capability>.tasks.<handler>``), unless ``FUNCTIONS`` names it (by its Chalice name) with its own.
- Anything not declared gets nothing beyond what every function has: writing its own log group and reading its
  stage's parameters (``/jiazheng/<stage>/*``, the settings and secrets).
- Consuming a queue or a table stream is granted from the event source itself, on that queue or stream only.

A new capability adds one line to ``CAPABILITIES``; the build prints every function that ends up with no access.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

Level = Literal["", "read", "write"]


@dataclass(frozen=True)
class Access:
    """What a function does, in the business's terms; ``infra.package.iam`` maps it to actions and resources."""

    table: Level = (
        ""  # the one table: read = GetItem/BatchGetItem/Query (+ indexes); write adds Put/Update/Delete
    )
    bus: bool = False  # events:PutEvents on our bus: only the outbox relay (common.relay) puts events
    start_execution: bool = False  # states:StartExecution on our state machines
    send_task: bool = (
        False  # states:SendTaskSuccess/Failure/Heartbeat: resume an execution waiting on a token
    )
    media: Level = (
        ""  # the media bucket's objects: read = GetObject, write adds PutObject (presigned uploads)
    )

    def __or__(self, other: Access) -> Access:
        """The union: the larger level, and each flag if either has it."""

        def most(a: Level, b: Level) -> Level:
            return max(a, b, key=("", "read", "write").index)

        return Access(
            table=most(self.table, other.table),
            bus=self.bus or other.bus,
            start_execution=self.start_execution or other.start_execution,
            send_task=self.send_task or other.send_task,
            media=most(self.media, other.media),
        )

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


NOTHING = Access()


@dataclass(frozen=True)
class Capability:
    api: Access = NOTHING  # what its routes need (inside the shared API handler)
    tasks: Access = NOTHING  # what its schedules, consumers and state-machine tasks need


WRITE = Access(table="write")
READ = Access(table="read")

CAPABILITIES: dict[str, Capability] = {
    "identity": Capability(api=WRITE),
    "catalog": Capability(api=Access(table="write", media="write")),
    "workers": Capability(api=Access(table="write", media="write"), tasks=WRITE),
    "matching": Capability(api=READ, tasks=READ),
    "booking": Capability(
        api=Access(table="write", start_execution=True, send_task=True),
        tasks=Access(table="write", send_task=True),
    ),
    "payments": Capability(api=Access(table="write", send_task=True), tasks=WRITE),
    "notifications": Capability(api=WRITE, tasks=WRITE),
    "reviews": Capability(api=Access(table="write", media="write"), tasks=WRITE),
    "marketing": Capability(api=WRITE, tasks=WRITE),
    "analytics": Capability(api=READ, tasks=WRITE),
}

# Per-function declarations by Chalice name (``@bp.lambda_function(name="booking-hold-timeout")``, or the
# handler's name for schedules and consumers); each replaces its capability's ``tasks`` access. E.g.
#   "matching-rank": READ,
FUNCTIONS: dict[str, Access] = {
    # The outbox relay (common.relay): the table's stream (granted from its event source) → the bus.
    "outbox_relay": Access(bus=True),
}

# --- interviews (issue 13) ---
CAPABILITIES["interviews"] = Capability(api=WRITE)

# --- plans (issue 13) ---
# Recurring plans book and cancel orders through booking's functions: the booking's own table writes, the order
# workflow started (a new order) and failed (a cancelled one), from its routes and from its plan-occurrences job.
CAPABILITIES["plans"] = Capability(
    api=Access(table="write", start_execution=True, send_task=True),
    tasks=Access(table="write", start_execution=True, send_task=True),
)
