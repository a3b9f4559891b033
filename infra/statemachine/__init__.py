"""The order-lifecycle state machine (``order_lifecycle.asl.json``, JSONPath) and its placeholders.

Lambda resources in the ASL are written ``${fn:<lambda_function name>}`` (the Chalice app's names, e.g.
``booking-route``, ``payments-refund``) and the event bus ``${bus}`` (infra/package/statemachine.py has the
convention); whoever creates the state machine (the local stack, the tests, the template builder) substitutes
them: ``render`` here for the local stack and the tests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

ASL_PATH = Path(__file__).with_name("order_lifecycle.asl.json")
STATE_MACHINE_NAME = "order-lifecycle"
_PLACEHOLDER = re.compile(r"\$\{fn:([a-z0-9-]+)\}")
_BUS = "${bus}"


def definition() -> dict[str, Any]:
    """The ASL document as written (placeholders in place)."""
    return json.loads(ASL_PATH.read_text(encoding="utf-8"))


def function_names() -> set[str]:
    """Every ``lambda_function`` the state machine calls."""
    return set(_PLACEHOLDER.findall(ASL_PATH.read_text(encoding="utf-8")))


def render(function_arn: Callable[[str], str], *, bus: str) -> str:
    """The ASL with each ``${fn:name}`` replaced by ``function_arn(name)`` and ``${bus}`` by the event bus's
    name, as a JSON string."""
    text = ASL_PATH.read_text(encoding="utf-8").replace(_BUS, bus)
    return _PLACEHOLDER.sub(lambda m: function_arn(m.group(1)), text)
