"""Capabilities: one folder each (DESIGN.md). A capability's ``__init__`` lists what others may call."""
