"""The local stack, start to stop. The order matters and is the point of this module:

1. bind the HTTP port (fail fast if taken), then the environment (fake AWS, STAGE=local, secrets) — before
   anything reads the settings;
2. moto's server, the WeChat login stand-in, and extensions' ``start`` (stand-ins), each pointing the settings at
   itself through ``os.environ``;
3. only then import the app, create the AWS resources, install the Lambda dispatcher, run extensions' ``provision``;
4. seed the demo data, start the queue poller and the schedule ticker, register the local-only routes, serve HTTP.

``stop()`` undoes it in reverse; every thread is a daemon, so even a hard exit leaves nothing behind.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from infra.local import environment
from infra.local.gateway import Listener


@dataclass
class Options:
    port: int = 8000
    seed: bool = True
    operator_password: str | None = None
    verbose: bool = False


class LocalStack:
    """Everything the local stack runs, in one process."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.started_at = time.monotonic()
        self.ready_in_s: float | None = None
        self._exit = ExitStack()
        self.listener: Listener | None = None
        self.moto_url = ""
        self.app: Any = None
        self.resources: Any = None
        self.dispatcher: Any = None
        self.seed_report: Any = None
        self.jobs: dict[str, Any] = {}
        self.consumers: list[Any] = []

    @property
    def url(self) -> str:
        assert self.listener is not None
        return self.listener.url

    def on_stop(self, callback: Callable[[], Any]) -> None:
        """Run ``callback`` when the stack stops (in reverse order of registration)."""
        self._exit.callback(callback)

    def function_arn(self, name: str) -> str:
        """The ARN of one of the app's ``lambda_function``s (for state-machine definitions)."""
        return self.dispatcher.function_arn(name)

    def start(self) -> LocalStack:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        self.ready_in_s = time.monotonic() - self.started_at
        return self

    def _start(self) -> None:
        # 1. The port first: a taken port fails here, in milliseconds.
        self.listener = Listener(self.options.port, verbose=self.options.verbose)
        self.on_stop(self.listener.close)
        environment.prepare(self.listener.port)

        # 2. The stand-ins, each pointing the settings at itself.
        from infra.local import aws, extensions
        from infra.standins.wechat import WeChatStandIn

        moto = aws.start_moto()
        self.on_stop(moto.stop)
        self.moto_url = moto.url
        environment.point_at_moto(moto.url, moto.port)
        appid = os.environ.get("WECHAT_APPID") or "wx-local-appid"
        secret = secrets.token_urlsafe(16)
        wechat = WeChatStandIn(appid=appid, secret=secret)
        self.on_stop(wechat.close)
        environment.point_at_wechat(wechat.url, appid, secret)
        modules = extensions.load()
        extensions.call(modules, "start", self)

        # 3. Now the app may read the settings.
        from common.settings import get_settings

        get_settings.cache_clear()
        from app import app
        from infra.local import dev_routes, lambdas, outbox, queues, schedules, seed
        from infra.topology import EVENT_QUEUES, queue_name

        self.app = app
        settings = get_settings()
        self.resources = aws.create_resources(settings, moto.url)
        self.dispatcher = self._exit.enter_context(lambdas.install_dispatcher(app))
        extensions.call(modules, "provision", self)
        get_settings.cache_clear()  # provision may have named new resources in the environment

        # 4. Data, background threads, routes, HTTP.
        if self.options.seed:
            from common.clock import clock

            self.seed_report, ctx = seed.seed_all(
                now=clock.now(), operator_password=self.options.operator_password
            )
            extensions.call(modules, "seed", ctx)

        logical = {q.name: queue_name(q.name, settings.stage) for q in EVENT_QUEUES}
        self.consumers = queues.consumers(app, lambda declared: logical.get(declared, declared))
        self.poller = queues.QueuePoller(self.consumers).start()
        self.on_stop(self.poller.stop)
        self.relay = outbox.RelayThread(outbox.StreamRelay(settings.table_name)).start()
        self.on_stop(self.relay.stop)
        self.jobs = schedules.jobs(app)
        ticker = schedules.Ticker(self.jobs).start()
        self.on_stop(ticker.stop)
        dev_routes.install(app, self.jobs, settle=self.settle, on_clock=ticker.tick)
        self.listener.serve(app)

    def settle(self, rounds: int = 20) -> int:
        """Relay every event written so far and deliver it to its consumers, on the caller's thread, until
        nothing moves (a consumer may write events of its own); how many records and messages moved.

        A job run on demand (``POST /v1/dev/jobs``) settles first, so it sees every event written before the
        call, as it would on AWS once the stream and the queues have caught up."""
        moved = 0
        for _ in range(rounds):
            step = self.relay.relay.poll() + self.poller.drain()
            if not step:
                break
            moved += step
        return moved

    def stop(self) -> None:
        """Stop everything started, newest first. Safe to call twice."""
        self._exit.close()
