"""Per-stage settings and secrets from SSM Parameter Store, read once per cold start.

Deployed, every function has ``SECRETS_PARAMETER_PREFIX`` (``/jiazheng/<stage>``) and no secret in its environment.
Each parameter directly under the prefix whose last name part is a settings field (``-`` read as ``_``, any case)
sets that field: ``/jiazheng/prod/jwt-secret`` → ``jwt_secret``, ``/jiazheng/prod/wechat-app-secret`` →
``wechat_app_secret``. SecureString values are decrypted. A field added to ``Settings`` later is picked up the same
way, with no change here. Parameters that match no field are ignored (and named, never valued, in the log).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import boto3


def field_name(parameter_name: str) -> str:
    """``/jiazheng/prod/wechat-app-secret`` → ``wechat_app_secret``."""
    return parameter_name.rstrip("/").rsplit("/", 1)[-1].replace("-", "_").lower()


def load_parameters(prefix: str, fields: Iterable[str], client: Any = None) -> dict[str, str]:
    """The values of the parameters directly under ``prefix`` that name one of ``fields``.

    One paginated ``GetParametersByPath`` (10 parameters a page), decrypted; raises if SSM cannot be read, so a
    function without its secrets fails at cold start instead of signing tokens with a default key.
    """
    from common.log import logger  # late: the logger is not needed to compute names

    wanted = {f.lower() for f in fields}
    ssm = client or boto3.client("ssm")
    path = "/" + prefix.strip("/")
    values: dict[str, str] = {}
    ignored: list[str] = []
    for page in ssm.get_paginator("get_parameters_by_path").paginate(
        Path=path, Recursive=False, WithDecryption=True
    ):
        for parameter in page["Parameters"]:
            name = field_name(parameter["Name"])
            if name in wanted:
                values[name] = parameter["Value"]
            else:
                ignored.append(parameter["Name"])
    if ignored:
        logger.warning("parameters that match no setting", extra={"parameters": ignored})
    return values
