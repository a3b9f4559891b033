"""``python -m bench.cost``: what 1,000 orders cost on AWS, per part, at on-demand prices (bench/prices.json).

One order, done the happy way (booked, paid, accepted, started, completed, settled), costs:
- its API requests (``JOURNEY``): API Gateway requests, Lambda requests and GB-seconds of the API function, and
  the DynamoDB reads and writes each request makes — calls, items read and latency measured by ``make bench``
  (bench/results.json, the larger table size) where it has the row, else the estimates in ``ESTIMATES``;
- its workflow: the state transitions of the happy path through infra/statemachine/order_lifecycle.asl.json
  (counted from the ASL, choosing ``HAPPY_CHOICES`` at each Choice), and each Lambda task it invokes (``TASKS``);
- its events (``EVENTS``): EventBridge events, each routed to the notifications queue (SQS: sent, received,
  deleted) and handled by the consumer (Lambda, DynamoDB).
DynamoDB is on-demand: a read request unit per item read (items under 4 KB, strongly consistent: an upper
bound), write request units as estimated per request (a transactional write costs two per item). Not counted:
CloudWatch Logs, data transfer, S3, SSM, free tiers. Prints a table per region and names the largest part.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
RESULTS = HERE / "results.json"
PRICES = HERE / "prices.json"
ASL = HERE.parent / "infra" / "statemachine" / "order_lifecycle.asl.json"
CONFIG = HERE.parent / ".chalice" / "config.json"


@dataclass(frozen=True)
class Work:
    """What one request or invocation does: DynamoDB calls, items read, write units, and its duration."""

    ddb_calls: float
    items_read: float
    write_units: float
    ms: float


# One order's API requests: (the bench row's endpoint label, requests per order).
JOURNEY: tuple[tuple[str, int], ...] = (
    ("GET /v1/categories", 1),
    ("GET /v1/services/{id}", 1),
    ("POST /v1/quotes", 1),
    ("POST /v1/orders", 1),
    ("POST /v1/orders/{id}/pay", 1),
    ("POST /v1/payments/wechat/notify", 1),
    ("GET /v1/orders/{id}", 4),
    ("GET /v1/orders", 1),
    ("GET /v1/worker/orders", 2),
    ("POST /v1/worker/orders/{id}/accept", 1),
    ("POST /v1/worker/orders/{id}/start", 1),
    ("POST /v1/worker/orders/{id}/complete", 1),
)

# Estimates (documented, not measured) for what bench/results.json does not hold: read from the code paths
# (an order's creation: one transaction with the order, its slot locks and the idempotency record; a move: a
# conditional update and the workflow's resume). The bench's rows replace calls, items and ms when present.
ESTIMATES: dict[str, Work] = {
    "GET /v1/categories": Work(1, 10, 0, 15),
    "GET /v1/services/{id}": Work(1, 1, 0, 10),
    "POST /v1/quotes": Work(2, 2, 0, 20),
    "POST /v1/orders": Work(8, 8, 16, 80),
    "POST /v1/orders/{id}/pay": Work(3, 3, 2, 60),
    "POST /v1/payments/wechat/notify": Work(4, 3, 6, 60),
    "GET /v1/orders/{id}": Work(1, 1, 0, 10),
    "GET /v1/orders": Work(1, 20, 0, 20),
    "GET /v1/worker/orders": Work(1, 20, 0, 20),
    "POST /v1/worker/orders/{id}/accept": Work(3, 2, 4, 40),
    "POST /v1/worker/orders/{id}/start": Work(3, 2, 4, 40),
    "POST /v1/worker/orders/{id}/complete": Work(4, 3, 6, 40),
}
# Per invocation of each state-machine task (estimates: one order read, a conditional update or a ledger
# transaction); a task not listed costs DEFAULT_TASK.
TASKS: dict[str, Work] = {
    "booking-route": Work(1, 1, 0, 30),
    "booking-arm-wait": Work(1, 1, 1, 30),
    "booking-accrue-earning": Work(3, 2, 8, 50),
    "booking-settlement-check": Work(1, 1, 0, 20),
    "booking-settle": Work(4, 3, 10, 60),
}
DEFAULT_TASK = Work(2, 2, 2, 40)
# What each Choice of the happy path chooses, in the order the path reaches it.
HAPPY_CHOICES: dict[str, tuple[str, ...]] = {
    "NextStep": ("AwaitPayment", "AwaitAcceptance", "AwaitStart", "AwaitCompletion", "AccrueEarning"),
    "SettlementHeld": ("Settle",),
}
# The events of a happy order (common.events.ORDER_EVENTS), each to the notifications queue and its consumer.
EVENTS = ("OrderCreated", "OrderPaid", "OrderAccepted", "OrderStarted", "OrderCompleted")
CONSUMER = Work(3, 3, 2, 60)  # per event: the order's parties, their inbox items, a delivery
SQS_REQUESTS_PER_MESSAGE = 3  # EventBridge's send, the poller's receive, the delete


def happy_path(asl: dict[str, Any], choices: dict[str, tuple[str, ...]]) -> list[str]:
    """The states the happy path enters, in order (each entry is one billed state transition)."""
    states, taken = asl["States"], {name: list(options) for name, options in choices.items()}
    path, name = [], asl["StartAt"]
    while True:
        path.append(name)
        state = states[name]
        if state["Type"] in ("Succeed", "Fail") or state.get("End"):
            return path
        if state["Type"] == "Choice":
            allowed = {c["Next"] for c in state["Choices"]} | {state.get("Default")}
            if not taken.get(name):
                raise ValueError(f"the happy path reaches Choice {name} with no choice left in HAPPY_CHOICES")
            name = taken[name].pop(0)
            if name not in allowed:
                raise ValueError(f"{name} is not a branch of the Choice {path[-1]}")
        else:
            name = state["Next"]
        if len(path) > 1000:
            raise ValueError("the happy path does not end")


def lambda_tasks(asl: dict[str, Any], path: list[str]) -> list[str]:
    """The Lambda functions (``${fn:<name>}``) the states of ``path`` invoke, once per entry."""
    names = []
    for name in path:
        state = asl["States"][name]
        target = state.get("Parameters", {}).get("FunctionName") or state.get("Resource", "")
        if isinstance(target, str) and target.startswith("${fn:"):
            names.append(target.removeprefix("${fn:").removesuffix("}"))
    return names


def measured(rows: list[dict[str, Any]]) -> dict[str, Work]:
    """The bench's rows at their largest table size, by endpoint (write units from ``ESTIMATES``)."""
    largest: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["endpoint"] not in largest or row["size"] > largest[row["endpoint"]]["size"]:
            largest[row["endpoint"]] = row
    return {
        label: Work(
            row["ddb_calls"],
            row["items_read"],
            ESTIMATES.get(label, Work(0, 0, 0, 0)).write_units,
            row["median_ms"],
        )
        for label, row in largest.items()
    }


@dataclass
class Usage:
    """What one order uses, in the units AWS bills."""

    api_requests: float = 0
    lambda_requests: float = 0
    gb_seconds: float = 0
    read_units: float = 0
    write_units: float = 0
    transitions: float = 0
    events: float = 0
    sqs_requests: float = 0

    def run(self, work: Work, memory_mb: int, times: float = 1) -> None:
        """``times`` Lambda invocations doing ``work``; duration billed by the millisecond."""
        self.lambda_requests += times
        self.gb_seconds += times * memory_mb / 1024 * work.ms / 1000
        self.read_units += times * work.items_read
        self.write_units += times * work.write_units


def order_usage(work: dict[str, Work], asl: dict[str, Any], memory_mb: int) -> Usage:
    usage = Usage()
    for label, count in JOURNEY:
        usage.api_requests += count
        usage.run(work.get(label) or ESTIMATES[label], memory_mb, count)
    path = happy_path(asl, HAPPY_CHOICES)
    usage.transitions = len(path)
    for task in lambda_tasks(asl, path):
        usage.run(TASKS.get(task, DEFAULT_TASK), memory_mb)
    usage.events = len(EVENTS)
    usage.sqs_requests = len(EVENTS) * SQS_REQUESTS_PER_MESSAGE
    usage.run(CONSUMER, memory_mb, len(EVENTS))
    return usage


def cost(usage: Usage, prices: dict[str, Any], architecture: str = "x86_64") -> dict[str, float]:
    """Each part's cost of one order, in the region's currency."""
    return {
        "API Gateway requests": usage.api_requests * prices["api_gateway_rest_request"],
        "Lambda requests": usage.lambda_requests * prices["lambda_request"],
        "Lambda compute": usage.gb_seconds * prices[f"lambda_gb_second_{architecture}"],
        "DynamoDB reads": usage.read_units * prices["dynamodb_read_request_unit"],
        "DynamoDB writes": usage.write_units * prices["dynamodb_write_request_unit"],
        "Step Functions transitions": usage.transitions * prices["step_functions_transition"],
        "EventBridge events": usage.events * prices["eventbridge_event"],
        "SQS requests": usage.sqs_requests * prices["sqs_request"],
    }


def memory_mb(stage: str) -> int:
    config = json.loads(CONFIG.read_text())
    return int(config["stages"][stage].get("lambda_memory_size", config.get("lambda_memory_size", 128)))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cost", description=__doc__.split("\n\n")[0])
    parser.add_argument("--stage", default="prod", help="the stage whose Lambda memory size is used")
    parser.add_argument("--architecture", default="x86_64", choices=["x86_64", "arm64"])
    parser.add_argument("--orders", type=int, default=1000)
    args = parser.parse_args()

    if RESULTS.exists():
        work = measured(json.loads(RESULTS.read_text()))
        source = f"{RESULTS.name}: {sum(label in work for label, _ in JOURNEY)} of {len(JOURNEY)} requests measured"
    else:
        work = {}
        source = f"{RESULTS} is absent (run `make bench`): every request uses the estimates in bench/cost.py"
    asl = json.loads(ASL.read_text())
    mb = memory_mb(args.stage)
    usage = order_usage(work, asl, mb)
    print(
        f"one order: {usage.api_requests:g} API requests, {usage.lambda_requests:g} Lambda invocations "
        f"({mb} MB, {args.architecture}), {usage.gb_seconds:.3f} GB-s, {usage.read_units:g} read and "
        f"{usage.write_units:g} write request units, {usage.transitions:g} state transitions, "
        f"{usage.events:g} events, {usage.sqs_requests:g} SQS requests"
    )
    print(f"({source})")
    for region, prices in json.loads(PRICES.read_text())["regions"].items():
        parts = {k: v * args.orders for k, v in cost(usage, prices, args.architecture).items()}
        total = sum(parts.values())
        largest = max(parts, key=parts.__getitem__)
        print(f"\n{region} ({prices['name']}), prices {prices['taken']}: per {args.orders:,} orders")
        for part, amount in sorted(parts.items(), key=lambda kv: -kv[1]):
            print(f"  {part:<28} {amount:10.4f} {prices['currency']}  {amount / total:6.1%}")
        print(f"  {'total':<28} {total:10.4f} {prices['currency']}   largest: {largest}")


if __name__ == "__main__":
    main()
