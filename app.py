"""The Chalice app: registers each capability's routes, schedules and handlers. Nothing else lives here."""

from chalice import Chalice
from common.log import lambda_logging
from common.openapi import docs
from common.relay import bp as outbox_relay

from functions.booking.admin_api import bp as booking_admin
from functions.booking.api import bp as booking
from functions.booking.checkout import bp as booking_checkout
from functions.booking.tasks import bp as booking_tasks
from functions.catalog.api import bp as catalog
from functions.identity.api import bp as identity
from functions.matching.api import bp as matching
from functions.notifications.api import bp as notifications
from functions.notifications.tasks import bp as notification_tasks
from functions.payments.api import bp as payments
from functions.payments.tasks import tasks as payment_tasks
from functions.workers.api import bp as workers

app = Chalice(app_name="jiazheng")
app.register_middleware(lambda_logging, "all")  # every entry point logs with its Lambda context

for blueprint in (
    docs,
    identity,
    catalog,
    workers,
    matching,
    booking,
    booking_admin,
    booking_checkout,
    booking_tasks,
    notifications,
    notification_tasks,
    payments,
    payment_tasks,
    outbox_relay,
):
    app.register_blueprint(blueprint)
