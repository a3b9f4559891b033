"""One template: Chalice's functions and API, merged with the rest of the design, each function given its own role.

``assemble`` takes the SAM template ``chalice package`` wrote (routes → one API handler; schedules, queue
consumers and ``lambda_function``s → one function each) and adds what Chalice does not know: the table, the bus,
the queues and rules of ``infra/topology.py``, the state machines of ``infra/statemachine/*.asl.json``, the media
bucket, the alarms, the common layer, per-function log groups, roles and environment.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

from chalice.utils import to_cfn_resource_name

from infra.package import console, iam, resources, statemachine
from infra.package.hardening import harden
from infra.package.iam import Json, get_att
from infra.permissions import NOTHING, Access, Capability
from infra.topology import EventQueue, queue_name

API_HANDLER = "APIHandler"
OUTBOX_RELAY = "OutboxRelay"  # common.relay's ``outbox_relay``: reads the table's stream
LOG_RETENTION_DAYS = 30
SNAPSTART_ALIAS = (
    "live"  # SnapStart runs published versions: the API is served by this alias of the latest one
)


@dataclass
class Design:
    """Everything the template is made of besides Chalice's output."""

    stage: str
    queues: tuple[EventQueue, ...]
    machines: list[Path]
    capabilities_present: list[str]
    capabilities: dict[str, Capability]
    functions: dict[str, Access]
    app_name: str = "jiazheng"
    code_uri: str = "./app.zip"
    layer_uri: str = "./layer.zip"
    architecture: str = "x86_64"  # the stage's Lambda architecture: x86_64 or arm64
    snapstart: bool = False  # SnapStart for the API function (a python3.12+ runtime)
    notes: list[str] = field(default_factory=list)

    @property
    def prefix(self) -> str:
        return f"{self.app_name}-{self.stage}"

    @property
    def parameter_prefix(self) -> str:
        return f"/{self.app_name}/{self.stage}"


def capability_of(handler: str) -> str | None:
    """``functions.marketing.tasks.expire_coupons`` → ``marketing``; a handler in app.py has none."""
    parts = handler.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "functions" else None


def access_for(logical_id: str, handler: str, design: Design) -> Access:
    """The declared access of one function (infra/permissions.py explains the rules)."""
    if logical_id == API_HANDLER:
        access = NOTHING
        for name in design.capabilities_present:
            access |= design.capabilities.get(name, Capability()).api
        return access
    for name, declared in design.functions.items():
        if to_cfn_resource_name(name) == logical_id:
            return declared
    capability = capability_of(handler)
    return design.capabilities.get(capability, Capability()).tasks if capability else NOTHING


def consumed_queue(event: Json, design: Design) -> EventQueue:
    """The topology queue an SQS event source reads (Chalice writes its ARN from the queue's name)."""
    ref = event["Properties"]["Queue"]
    text = ref["Fn::Sub"] if isinstance(ref, dict) else ref
    name = text.rsplit(":", 1)[-1]
    for queue in design.queues:
        if name in (queue.name, queue_name(queue.name, design.stage)):
            return queue
    raise ValueError(f"a consumer reads queue {name!r}, which infra/topology.py does not declare")


def environment(design: Design, state_machine: Json | None) -> dict[str, object]:
    """What every function reads into its settings: resource names, never secrets (those are in SSM)."""
    env: dict[str, object] = {
        "STAGE": design.stage,
        "TABLE_NAME": {"Ref": "Table"},
        "EVENT_BUS_NAME": {"Ref": "EventBus"},
        "MEDIA_BUCKET": {"Ref": "MediaBucket"},
        "SECRETS_PARAMETER_PREFIX": design.parameter_prefix,
        "POWERTOOLS_SERVICE_NAME": design.app_name,
    }
    if state_machine is not None:
        env["STATE_MACHINE_ARN"] = state_machine
    return env


def snapstart(template: Json, design: Design) -> None:
    """SnapStart on the API function: published versions, an alias API Gateway invokes, the runtime checked.

    The restore hooks (fresh random seeds and connections, everything loaded before the snapshot) are
    ``common.snapshot``'s, installed by app.py."""
    res = template["Resources"]
    props = res[API_HANDLER]["Properties"]
    major, minor = (int(x) for x in props["Runtime"].removeprefix("python").split("."))
    if (major, minor) < (3, 12):
        raise ValueError(
            f"SnapStart needs a python3.12+ runtime, and the runtime follows the Python that builds the package "
            f"({props['Runtime']}): build with Python 3.12 or later, or turn snapstart off for {design.stage}"
        )
    props["AutoPublishAlias"] = SNAPSTART_ALIAS
    props["SnapStart"] = {"ApplyOn": "PublishedVersions"}
    alias = f"{API_HANDLER}Alias{SNAPSTART_ALIAS}"  # the logical id SAM gives the alias
    body = res.get("RestAPI", {}).get("Properties", {}).get("DefinitionBody", {})
    for methods in body.get("paths", {}).values():
        for operation in methods.values():
            uri = operation.get("x-amazon-apigateway-integration", {}).get("uri", {})
            if isinstance(uri, dict) and "Fn::Sub" in uri:
                uri["Fn::Sub"] = uri["Fn::Sub"].replace(f"${{{API_HANDLER}.Arn}}", f"${{{alias}}}")
    for resource in res.values():
        if resource["Type"] == "AWS::Lambda::Permission" and resource["Properties"].get("FunctionName") == {
            "Ref": API_HANDLER
        }:
            resource["Properties"]["FunctionName"] = {"Ref": alias}


def add(template: Json, new: dict[str, Json]) -> None:
    clash = set(new) & set(template["Resources"])
    if clash:
        raise ValueError(f"logical ids used twice: {sorted(clash)}")
    template["Resources"].update(new)


def assemble(sam: Json, design: Design) -> Json:
    """The deployable template. Notes for the builder's summary go to ``design.notes``."""
    template = copy.deepcopy(sam)
    template["Description"] = f"{design.app_name} ({design.stage}): API, jobs, consumers, state machine, data"
    res = template["Resources"]
    functions = {k: v for k, v in res.items() if v["Type"] == "AWS::Serverless::Function"}
    for fn in functions.values():  # Chalice's roles, if its config manages them: replaced by ours below
        chalice_role = fn["Properties"].get("Role")
        if isinstance(chalice_role, dict) and "Fn::GetAtt" in chalice_role:
            res.pop(chalice_role["Fn::GetAtt"][0], None)

    machine_arns = [statemachine.machine_arn(design.prefix, p) for p in design.machines]
    main = next((p for p in design.machines if p.name.startswith("order_lifecycle")), None)
    main = main or (design.machines[0] if design.machines else None)
    env = environment(design, statemachine.machine_arn(design.prefix, main) if main else None)

    add(template, resources.core(design.prefix))
    api_stage = res.get("RestAPI", {}).get("Properties", {}).get("StageName", "api")
    add(
        template, console.resources(design.prefix, api_stage)
    )  # the operators' console at /admin/, /v1/ → API
    api = res.get("RestAPI", {}).get("Properties", {}).get("DefinitionBody")
    if api is not None:
        api["x-amazon-apigateway-gateway-responses"] = resources.gateway_responses()
    add(
        template,
        {
            "CommonLayer": {
                "Type": "AWS::Serverless::LayerVersion",
                "Properties": {
                    "LayerName": f"{design.prefix}-common",
                    "Description": "common (layers/common) and the runtime dependencies",
                    "ContentUri": design.layer_uri,
                    "CompatibleRuntimes": sorted({f["Properties"]["Runtime"] for f in functions.values()}),
                    "CompatibleArchitectures": [design.architecture],
                    "RetentionPolicy": "Delete",
                },
            }
        },
    )

    if OUTBOX_RELAY in functions:
        functions[OUTBOX_RELAY]["Properties"].setdefault("Events", {})["TableStream"] = (
            resources.outbox_stream()
        )
        add(template, resources.outbox_relay_failures(design.prefix))

    visibility: dict[str, int] = {}
    consumed: set[str] = set()
    for logical, fn in functions.items():
        props = fn["Properties"]
        name = f"{design.prefix}-{logical}"
        queue_arns = []
        extra_statements: list[Json] = []
        for event in props.get("Events", {}).values():
            if event["Type"] == "SQS":
                queue = consumed_queue(event, design)
                q = resources.queue_logical_id(queue)
                event["Properties"]["Queue"] = get_att(q)
                # Consumers answer {"batchItemFailures": [...]}: only those messages come back.
                event["Properties"]["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
                queue_arns.append(get_att(q))
                consumed.add(queue.name)
                visibility[queue.name] = max(visibility.get(queue.name, 30), 6 * props.get("Timeout", 60))
            elif event["Type"] == "DynamoDB":  # the outbox relay: the stream, and its on-failure destination
                extra_statements.append(iam.allow(iam.STREAM_CONSUME, [get_att("Table", "StreamArn")]))
                extra_statements.append(iam.allow(["sqs:SendMessage"], [get_att("OutboxRelayFailures")]))
            elif event["Type"] != "Schedule":
                design.notes.append(
                    f"{logical}: event type {event['Type']} gets no permissions from the build"
                )
        access = access_for(logical, props["Handler"], design)
        if not access and not queue_arns:
            design.notes.append(f"{logical} ({props['Handler']}): no access declared in infra/permissions.py")
        statements = iam.baseline_statements(f"{logical}LogGroup", design.parameter_prefix)
        statements += iam.access_statements(access, state_machine_arns=machine_arns)
        if queue_arns:
            statements.append(iam.allow(iam.QUEUE_CONSUME, queue_arns))
        statements += extra_statements
        add(
            template,
            {
                f"{logical}LogGroup": {
                    "Type": "AWS::Logs::LogGroup",
                    "Properties": {
                        "LogGroupName": f"/aws/lambda/{name}",
                        "RetentionInDays": LOG_RETENTION_DAYS,
                    },
                },
                f"{logical}Role": iam.role("lambda.amazonaws.com", f"{logical}Policy", statements),
            },
        )
        variables = props.setdefault("Environment", {}).setdefault("Variables", {})
        variables.update(env)
        props.update(
            FunctionName=name,
            CodeUri=design.code_uri,
            Role=get_att(f"{logical}Role"),
            Layers=[{"Ref": "CommonLayer"}],
            Architectures=[design.architecture],
        )
    if design.snapstart:
        snapstart(template, design)

    for queue in design.queues:
        if queue.name not in consumed:
            design.notes.append(f"queue {queue.name}: declared in infra/topology.py, no consumer in the app")
    add(template, resources.event_queues(design.queues, design.stage, visibility))

    lambda_names = {}
    for path in design.machines:
        for placeholder in statemachine.placeholders(path.read_text()):
            name = placeholder.removeprefix("fn:")
            if placeholder.startswith("fn:") and to_cfn_resource_name(name) in functions:
                lambda_names[name] = to_cfn_resource_name(name)
    outputs = template.setdefault("Outputs", {})
    for path in design.machines:
        logical, machine = statemachine.resources(path, prefix=design.prefix, functions=lambda_names)
        add(template, machine)
        outputs[f"{logical}Arn"] = {"Value": {"Ref": logical}}

    outputs.update(
        TableName={"Value": {"Ref": "Table"}},
        EventBusName={"Value": {"Ref": "EventBus"}},
        MediaBucketName={"Value": {"Ref": "MediaBucket"}},
        AlarmTopicArn={"Value": {"Ref": "AlarmTopic"}},
        ParameterPrefix={"Value": design.parameter_prefix},
        **console.outputs(),
    )
    harden(template, design.prefix)
    return template
