"""State machines from ``infra/statemachine/*.asl.json``: placeholders, substitutions, the role each needs.

The substitution convention (the ASL files, this template and the local stack share it):

- ``${fn:<name>}``  the ARN of the Chalice ``@bp.lambda_function(name="<name>")``, e.g.
  ``"Resource": "${fn:booking-hold-timeout}"`` or, with ``arn:aws:states:::lambda:invoke``,
  ``"Parameters": {"FunctionName": "${fn:payments-refund}", ...}``
- ``${table}``       the one table's name (``arn:aws:states:::dynamodb:updateItem`` and friends)
- ``${bus}``         our event bus's name (``arn:aws:states:::events:putEvents``)

The template passes them as ``DefinitionSubstitutions``; the local stack calls ``render`` with its own values.
The state machine's role gets exactly what its task states call: ``lambda:InvokeFunction`` on the functions it
names, the DynamoDB actions it uses on the table, ``events:PutEvents`` on our bus. An integration this module does
not know fails the build, so a new one is granted deliberately, not by a wildcard.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from chalice.utils import to_cfn_resource_name

from infra.package.iam import Json, allow, arn, get_att, role
from infra.package.resources import alarm

PLACEHOLDER = re.compile(r"\$\{(fn:[A-Za-z0-9_.-]+|table|bus)\}")
LAMBDA_INVOKE = re.compile(r"^arn:aws:states:::lambda:invoke(\.waitForTaskToken)?$")
DYNAMODB = re.compile(r"^arn:aws:states:::(?:aws-sdk:)?dynamodb:([a-zA-Z]+)(\.waitForTaskToken)?$")
PUT_EVENTS = re.compile(r"^arn:aws:states:::events:putEvents(\.waitForTaskToken)?$")


def placeholders(text: str) -> set[str]:
    """The placeholders an ASL text uses: ``{"fn:booking-hold-timeout", "table"}``."""
    return set(PLACEHOLDER.findall(text))


def render(text: str, values: Mapping[str, str]) -> str:
    """Substitute every placeholder (for the local stack, which has no CloudFormation); KeyError if one is missing."""
    missing = placeholders(text) - set(values)
    if missing:
        raise KeyError(f"no value for {sorted(missing)}")
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def substitution_key(placeholder: str) -> str:
    """A CloudFormation-safe substitution name: ``fn:booking-hold-timeout`` → ``FnBookingHoldTimeout``,
    ``table`` → ``TableName``, ``bus`` → ``EventBusName``."""
    fixed = {"table": "TableName", "bus": "EventBusName"}
    return fixed.get(placeholder) or to_cfn_resource_name(placeholder.replace(":", "-"))


def machine_name(path: Path) -> str:
    """``order_lifecycle.asl.json`` → ``order-lifecycle``."""
    return path.name.removesuffix(".asl.json").replace("_", "-")


def task_states(definition: Json) -> Iterator[Json]:
    """Every Task state, also inside Parallel branches and Map iterators."""
    for state in definition.get("States", {}).values():
        if state.get("Type") == "Task":
            yield state
        for branch in state.get("Branches", []):
            yield from task_states(branch)
        for key in ("Iterator", "ItemProcessor"):
            if key in state:
                yield from task_states(state[key])


def role_statements(definition: Json, function_arn: Mapping[str, Json]) -> list[Json]:
    """What the machine's task states call, as policy statements on our resources."""
    functions: set[str] = set()
    table_ops: set[str] = set()
    put_events = False
    for state in task_states(definition):
        resource = state["Resource"]
        named = PLACEHOLDER.fullmatch(resource)
        if named and named.group(1).startswith("fn:"):
            functions.add(named.group(1))
        elif LAMBDA_INVOKE.match(resource):
            target = PLACEHOLDER.fullmatch(str(state.get("Parameters", {}).get("FunctionName", "")))
            if not target or not target.group(1).startswith("fn:"):
                raise ValueError(f"{resource}: name the function as FunctionName: ${{fn:<name>}}")
            functions.add(target.group(1))
        elif m := DYNAMODB.match(resource):
            table_ops.add(m.group(1))
        elif PUT_EVENTS.match(resource):
            put_events = True
        else:
            raise ValueError(
                f"no IAM mapping for the task resource {resource!r}: add it to infra/package/statemachine.py"
            )
    statements = []
    if functions:
        arns = [function_arn[name] for name in sorted(functions)]
        statements.append(allow(["lambda:InvokeFunction"], arns))
    if table_ops:  # exactly the operations used: updateItem → dynamodb:UpdateItem
        actions = sorted(f"dynamodb:{op[0].upper()}{op[1:]}" for op in table_ops)
        statements.append(allow(actions, [get_att("Table"), {"Fn::Sub": "${Table.Arn}/index/*"}]))
    if put_events:
        statements.append(allow(["events:PutEvents"], [get_att("EventBus")]))
    return statements


def resources(path: Path, *, prefix: str, functions: Mapping[str, str]) -> tuple[str, Json]:
    """The machine, its role and its failed-executions alarm: (the machine's logical id, resources).

    ``functions`` maps each Chalice ``lambda_function`` name to its logical id in the template.
    """
    text = path.read_text()
    definition = json.loads(text)
    used = placeholders(text)
    unknown = sorted(p for p in used if p.startswith("fn:") and p[3:] not in functions)
    if unknown:
        raise ValueError(f"{path.name}: no Chalice lambda_function for {unknown}; have {sorted(functions)}")
    function_arn = {f"fn:{name}": get_att(logical) for name, logical in functions.items()}
    values = {**function_arn, "table": {"Ref": "Table"}, "bus": {"Ref": "EventBus"}}
    name = machine_name(path)
    logical = to_cfn_resource_name(name) + "StateMachine"
    machine = {
        "Type": "AWS::StepFunctions::StateMachine",
        "Properties": {
            "StateMachineName": f"{prefix}-{name}",
            "StateMachineType": "STANDARD",
            "RoleArn": get_att(f"{logical}Role"),
            "Definition": json.loads(
                PLACEHOLDER.sub(lambda m: "${" + substitution_key(m.group(1)) + "}", text)
            ),
        },
    }
    if used:
        machine["Properties"]["DefinitionSubstitutions"] = {
            substitution_key(p): values[p] for p in sorted(used)
        }
    return logical, {
        logical: machine,
        f"{logical}Role": role(
            "states.amazonaws.com", f"{logical}Policy", role_statements(definition, function_arn)
        ),
        f"{logical}FailedAlarm": alarm(
            f"{prefix}-{name}: an execution failed",
            "AWS/States",
            "ExecutionsFailed",
            [{"Name": "StateMachineArn", "Value": {"Ref": logical}}],
            "Sum",
        ),
    }


def machine_arn(prefix: str, path: Path) -> Json:
    """The machine's ARN from its name, so functions can name it without a dependency cycle."""
    return arn("states", f"stateMachine:{prefix}-{machine_name(path)}")
