"""The order-lifecycle state machine, read as a document: every path leads somewhere, every wait ends, only
technical failures fail, and every duration comes from the execution input."""

from __future__ import annotations

from typing import Any

from infra.statemachine import definition, function_names

ASL = definition()
STATES: dict[str, dict[str, Any]] = ASL["States"]
TOKEN_WAIT = "arn:aws:states:::lambda:invoke.waitForTaskToken"


def targets(state: dict[str, Any]) -> list[str]:
    out = [state[k] for k in ("Next", "Default") if k in state]
    out += [c["Next"] for c in state.get("Choices", [])]
    out += [c["Next"] for c in state.get("Catch", [])]
    return out


def test_every_next_default_and_catch_target_exists() -> None:
    assert ASL["StartAt"] in STATES
    for name, state in STATES.items():
        for target in targets(state):
            assert target in STATES, f"{name} → {target} does not exist"


def test_every_state_is_reachable_from_the_start() -> None:
    seen, todo = set(), [ASL["StartAt"]]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(targets(STATES[name]))
    assert seen == set(STATES)


def test_every_wait_has_a_timeout_taken_from_the_execution_input() -> None:
    token_waits = [s for s in STATES.values() if s.get("Resource") == TOKEN_WAIT]
    waits = [s for s in STATES.values() if s["Type"] == "Wait"]
    assert (
        len(token_waits) == 6 and len(waits) == 2
    )  # payment, acceptance, balance (engagements), start, completion, confirmation
    for state in token_waits:
        assert state["TimeoutSecondsPath"].startswith(("$.settings.", "$.route."))
        assert "TimeoutSeconds" not in state
        assert state["Parameters"]["Payload"]["task_token.$"] == "$$.Task.Token"
    for state in waits:
        assert state["SecondsPath"].startswith("$.settings.")


def test_every_setting_the_workflow_reads_is_in_the_execution_input() -> None:
    from functions.booking.workflow import execution_input

    provided = set(execution_input("o1")["settings"])
    text = str(ASL)
    used = {part.split("'")[0] for part in text.split("$.settings.")[1:]}
    assert used <= provided, used - provided


def test_a_cancellation_in_any_wait_is_caught_and_compensated_and_a_timeout_is_handled() -> None:
    for name, state in STATES.items():
        if state.get("Resource") != TOKEN_WAIT:
            continue
        catches = {tuple(c["ErrorEquals"]): c["Next"] for c in state["Catch"]}
        assert catches[("OrderCancelled",)] == "Compensate", name
        assert catches[("States.Timeout",)] not in ("TechnicalFailure", "Failed"), name


def test_only_technical_failures_fail_and_only_after_retries() -> None:
    fails = [n for n, s in STATES.items() if s["Type"] == "Fail"]
    assert fails == ["Failed"]
    into_fail = {n for n, s in STATES.items() if "Failed" in targets(s)}
    assert into_fail == {"TechnicalFailure"}
    assert STATES["TechnicalFailure"]["Parameters"]["Entries"][0]["DetailType"] == "OrderWorkflowFailed"
    for name, state in STATES.items():
        if state["Type"] != "Task" or name == "TechnicalFailure":
            continue
        assert state["Catch"][-1] == {
            "ErrorEquals": ["States.ALL"],
            "ResultPath": "$.error",
            "Next": "TechnicalFailure",
        }
        no_retry, retry = state["Retry"][0], state["Retry"][-1]
        assert no_retry["MaxAttempts"] == 0 and {"OrderCancelled", "States.Timeout"} <= set(
            no_retry["ErrorEquals"]
        )
        assert retry["ErrorEquals"] == ["States.ALL"] and retry["MaxAttempts"] >= 1


def test_business_outcomes_end_in_succeed() -> None:
    assert STATES["Done"]["Type"] == STATES["Cancelled"]["Type"] == "Succeed"
    assert "Compensate" in targets(STATES["NextStep"]) and "Done" in targets(STATES["NextStep"])


def test_it_is_jsonpath_and_every_lambda_is_a_named_placeholder() -> None:
    assert ASL.get("QueryLanguage", "JSONPath") == "JSONPath"
    assert function_names() == {
        "booking-route",
        "booking-arm-wait",
        "booking-wait-expired",
        "booking-redispatch",
        "booking-compensate",
        "booking-settlement-check",
        "booking-accrue-earning",
        "booking-settle",
        "payments-refund",
    }


def test_settlement_waits_for_a_refund_in_flight_rather_than_failing() -> None:
    for name in ("Settle", "SettleFee"):
        conflict = STATES[name]["Retry"][1]
        assert conflict["ErrorEquals"] == ["Conflict"] and conflict["MaxAttempts"] >= 3


def test_every_lambda_it_calls_is_a_lambda_function_of_the_app() -> None:
    from app import app

    assert function_names() <= {fn.name for fn in app.pure_lambda_functions}
