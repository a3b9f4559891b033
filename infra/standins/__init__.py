"""Loopback stand-ins for external systems: each speaks the real system's wire protocol on 127.0.0.1,
so our real clients, signatures and crypto run unchanged against them (local stack and tests only)."""
