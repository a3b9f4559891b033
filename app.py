"""The Chalice app: registers each capability's routes, tasks, consumers and jobs. Nothing else lives here.

Importing this module imports no capability: each one's ``manifest.py`` (plain data) lists its routes and the
modules of its tasks, consumers and jobs; a route's module loads on its first call (``common.lazy``). The
capabilities' extensions of one another (the composition root) are listed in ``functions/__init__.py``.
"""

from common import snapshot
from common.lazy import LazyApp, load_all_routes
from common.log import lambda_logging

from functions.analytics import manifest as analytics
from functions.booking import manifest as booking
from functions.catalog import manifest as catalog
from functions.identity import manifest as identity
from functions.interviews import manifest as interviews
from functions.marketing import manifest as marketing
from functions.matching import manifest as matching
from functions.notifications import manifest as notifications
from functions.payments import manifest as payments
from functions.plans import manifest as plans
from functions.reviews import manifest as reviews
from functions.workers import manifest as workers

CAPABILITIES = (
    identity,
    catalog,
    workers,
    matching,
    booking,
    notifications,
    payments,
    reviews,
    marketing,
    analytics,
    interviews,
    plans,
)

app = LazyApp(app_name="jiazheng")
app.register_middleware(lambda_logging, "all")  # every entry point logs with its Lambda context
app.add_routes([("GET", "/v1/openapi.json", "common.openapi.openapi_document")])  # generated when asked
app.add_functions(["common.relay"])  # the outbox relay: the table's stream → the event bus
for capability in CAPABILITIES:
    app.add_routes(capability.ROUTES)
    app.add_functions(capability.FUNCTIONS)

# SnapStart (a stage setting): load every route's capability before the snapshot, so no restore pays an import.
snapshot.install(before=load_all_routes)
