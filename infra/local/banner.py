"""What the engineer reads when the stack is up: where it is and how to get in."""

from __future__ import annotations

from typing import Any


def banner(stack: Any) -> str:
    url = stack.url
    lines = [
        "",
        f"家政 local stack ready in {stack.ready_in_s:.1f}s on {url}",
        f"  console      {url}/admin/   (the operators' console: log in as below)",
        f"  OpenAPI      {url}/v1/openapi.json",
        f"  AWS (moto)   {stack.moto_url}   (dashboard: {stack.moto_url}/moto-api/)",
        f"  media bucket {stack.resources.bucket_url}/<key>  (objects are publicly readable)",
    ]
    report = stack.seed_report
    if report is not None:
        lines += [
            f"  catalog      {report.categories} categories, {report.services} services",
            "",
            "Operator (admin console):",
            f"  username {report.operator_username}   password {report.operator_password}",
            f"  curl -s -X POST {url}/v1/auth/operator -H 'Content-Type: application/json' \\",
            f'       -d \'{{"username": "{report.operator_username}", "password": "{report.operator_password}"}}\'',
            "  staff with one role each, same password: "
            + ", ".join(f"{name} ({'/'.join(roles)})" for name, roles in report.staff.items()),
            "",
            "Customer (mini-program): the WeChat stand-in logs in code dev:NAME as openid NAME.",
            f"  seeded: {', '.join(f'dev:{c.name} ({c.nickname})' for c in report.customers)}",
            f"  curl -s -X POST {url}/v1/auth/wechat -H 'Content-Type: application/json' \\",
            '       -d \'{"code": "dev:xiaomei", "role": "customer"}\'',
            "",
            "Worker (worker app): the same, with role worker; any new name is a new worker.",
        ]
        if report.workers:
            lines.append(f"  seeded: {', '.join(w.code for w in report.workers)}")
        lines += [
            f"  curl -s -X POST {url}/v1/auth/wechat -H 'Content-Type: application/json' \\",
            '       -d \'{"code": "dev:ayi_wang", "role": "worker"}\'',
        ]
    jobs = ", ".join(sorted(stack.jobs)) or "none yet"
    lines += [
        "",
        "Then send the token: -H 'Authorization: Bearer <token>'.",
        f"Local only: GET/POST {url}/v1/dev/clock, POST {url}/v1/dev/jobs/<name>  (jobs: {jobs})",
        "Data lives in memory: Ctrl-C stops the stack and forgets it; the next start is fresh.",
        "",
    ]
    return "\n".join(lines)
