"""The Chalice app: registers each capability's routes, schedules and handlers. Nothing else lives here."""

from chalice import Chalice
from common.openapi import docs

from functions.catalog.api import bp as catalog
from functions.identity.api import bp as identity
from functions.matching.api import bp as matching
from functions.workers.api import bp as workers

app = Chalice(app_name="jiazheng")

for blueprint in (docs, identity, catalog, workers, matching):
    app.register_blueprint(blueprint)
