"""Local stack extension for booking: the order-lifecycle state machine, and moto's DynamoDB made atomic.

- ``start``: moto's DynamoDB serializes its operations (``atomic_dynamodb``), so concurrent requests and the
  workflow's tasks see DynamoDB's guarantees (one winner per slot); local workflow timers that would otherwise
  outlast a session (the 72-hour dispute window, the 24-hour automatic confirmation) are shortened unless the
  environment sets them.
- ``provision``: the state machine from ``infra/statemachine/order_lifecycle.asl.json`` with the dispatcher's
  function ARNs and our bus; ``STATE_MACHINE_ARN`` names it for the app.
"""

from __future__ import annotations

import os
from typing import Any

# Workflow timers for a local session (the business clock does not move them; DESIGN.md). The payment and
# acceptance waits keep their product values; the dispute window is short so settlement can be watched.
LOCAL_TIMERS = {
    "DISPUTE_WINDOW_SECONDS": "60",
    "DISPUTE_RECHECK_SECONDS": "30",
    "AUTO_CONFIRM_SECONDS": "120",  # an order nobody confirms is confirmed by the system two minutes after completion
}


def start(stack: Any) -> None:
    from infra.local.atomic_dynamodb import make_dynamodb_atomic

    make_dynamodb_atomic()
    for name, value in LOCAL_TIMERS.items():
        os.environ.setdefault(name, value)


def provision(stack: Any) -> None:
    import boto3
    from common.settings import get_settings

    from infra.statemachine import STATE_MACHINE_NAME, render

    settings = get_settings()
    definition = render(stack.function_arn, bus=settings.event_bus_name)
    created = boto3.client("stepfunctions").create_state_machine(
        name=f"jiazheng-{settings.stage}-{STATE_MACHINE_NAME}",
        definition=definition,
        roleArn="arn:aws:iam::123456789012:role/jiazheng-local-states",
        type="STANDARD",
    )
    os.environ["STATE_MACHINE_ARN"] = created["stateMachineArn"]
