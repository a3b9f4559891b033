"""The local stack's environment, set before anything imports the app or reads the settings.

The settings are read once per process (``common.settings.get_settings`` is cached, and the table name is read when
``common.db`` is imported), so every variable the product reads must be in ``os.environ`` before ``import app``.
Resource names and addresses are always the local stack's own; a few choices (JWT_SECRET, log level) may be set.
"""

from __future__ import annotations

import os
import secrets

STAGE = "local"

# Fake credentials: moto accepts anything, and they keep boto3 from looking for real ones (or finding them).
_FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
    "AWS_SECURITY_TOKEN": "local",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}
# Never reach a real account from the local stack, whatever the engineer's shell holds.
_DROPPED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")


def prepare(port: int) -> dict[str, str]:
    """Put the local stack's settings into ``os.environ``; returns what was set (secrets included)."""
    for name in _DROPPED:
        os.environ.pop(name, None)
    os.environ.pop("AWS_ENDPOINT_URL", None)  # set again once our moto server listens
    os.environ.update(_FAKE_AWS)
    # What names this process's resources and address: always ours, whatever the shell holds.
    fixed = {
        "STAGE": STAGE,
        "TABLE_NAME": f"jiazheng-{STAGE}",
        "EVENT_BUS_NAME": f"jiazheng-{STAGE}-events",
        "MEDIA_BUCKET": f"jiazheng-{STAGE}-media",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }
    # What the engineer may choose (a fixed JWT_SECRET keeps a client's tokens valid across restarts).
    defaults = {
        # A fresh signing secret per run: tokens from an earlier run (or another stack) are refused.
        "JWT_SECRET": secrets.token_urlsafe(32),
        "POWERTOOLS_SERVICE_NAME": "jiazheng",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "jiazheng-local",
    }
    chosen = fixed | {name: os.environ.get(name) or value for name, value in defaults.items()}
    os.environ.update(chosen)
    return chosen


def point_at_moto(url: str, port: int) -> None:
    """Every boto3/pynamodb client finds moto through ``AWS_ENDPOINT_URL``; moto's state-machine tasks call back
    to ``MOTO_PORT`` (it would use 5000 otherwise)."""
    os.environ["AWS_ENDPOINT_URL"] = url
    os.environ["MOTO_PORT"] = str(port)


def point_at_wechat(url: str, appid: str, secret: str) -> None:
    """The WeChat login client's base URL and credentials: the loopback stand-in's."""
    os.environ.update(WECHAT_API_BASE=url, WECHAT_APPID=appid, WECHAT_APP_SECRET=secret)
