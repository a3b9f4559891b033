"""The real app plus one function of each kind (a schedule, a queue consumer, state-machine tasks), so the whole
design is packaged and linted before every capability that brings them has landed."""

from chalice import Chalice
from common.openapi import docs

from functions.catalog.api import bp as catalog
from functions.identity.api import bp as identity

app = Chalice(app_name="jiazheng")

for blueprint in (docs, identity, catalog):
    app.register_blueprint(blueprint)


@app.schedule("cron(0 16 * * ? *)")
def expire_coupons(event):
    return None


@app.on_sqs_message(queue="jiazheng-dev-notifications", batch_size=10)
def notify(event):
    return None


@app.lambda_function(name="booking-hold-timeout")
def hold_timeout(event, context):
    return event


@app.lambda_function(name="payments-refund")
def refund(event, context):
    return event
