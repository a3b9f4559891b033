"""Deployable description and the local stack: resources, the state machine, schedules, stand-ins."""
