"""Run inside a clean virtualenv (no site-packages): the packaged app, as Lambda would load it.

argv: <app dir, unpacked app.zip> <layer dir, unpacked layer.zip> <handler, e.g. app.app> <events.json>
Lambda puts the function's code first on the path and the layer's ``python/`` after it; so does this. Prints one
JSON line per event: the proxy response of the handler. Only the standard library and the two packages are
importable here: that is what is being proven.
"""

import importlib
import importlib.util
import json
import sys

task, layer, handler, events = sys.argv[1:5]
sys.path[:0] = [task, layer + "/python"]
for dev_only in ("moto", "pytest", "click", "yaml"):
    assert importlib.util.find_spec(dev_only) is None, (
        f"{dev_only} is importable: the environment is not clean"
    )

module_name, _, attr = handler.rpartition(".")
function = getattr(importlib.import_module(module_name), attr)
assert importlib.util.find_spec("chalice").origin.startswith(task), "chalice.app must come from the package"


class Context:
    function_name = "jiazheng-dev-APIHandler"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:jiazheng-dev-APIHandler"
    aws_request_id = "req-1"
    log_group_name = "/aws/lambda/jiazheng-dev-APIHandler"
    log_stream_name = "stream"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


with open(events) as f:
    for event in json.load(f):
        print(json.dumps(function(event, Context())), flush=True)
