"""notifications's entry points, read without importing notifications (``common.lazy``): app.py registers them, and
a handler's module loads on its first call. Each route: method, path, the handler (which calls one service
function); its models, auth and status are on its ``common.api.route`` decorator."""

ROUTES = (
    ("GET", "/v1/me/notifications", "functions.notifications.api.my_notifications"),
    (
        "POST",
        "/v1/me/notifications/{notification_id}/read",
        "functions.notifications.api.my_notification_read",
    ),
    ("POST", "/v1/me/notifications/read-all", "functions.notifications.api.my_notifications_read_all"),
    ("GET", "/v1/me/subscriptions", "functions.notifications.api.my_subscriptions"),
    ("POST", "/v1/me/subscriptions", "functions.notifications.api.my_subscriptions_accepted"),
    ("GET", "/v1/worker/notifications", "functions.notifications.api.worker_notifications"),
    (
        "POST",
        "/v1/worker/notifications/{notification_id}/read",
        "functions.notifications.api.worker_notification_read",
    ),
    (
        "POST",
        "/v1/worker/notifications/read-all",
        "functions.notifications.api.worker_notifications_read_all",
    ),
    ("GET", "/v1/worker/subscriptions", "functions.notifications.api.worker_subscriptions"),
    ("POST", "/v1/worker/subscriptions", "functions.notifications.api.worker_subscriptions_accepted"),
    ("GET", "/v1/admin/notifications", "functions.notifications.api.operator_notifications"),
    (
        "POST",
        "/v1/admin/notifications/{notification_id}/read",
        "functions.notifications.api.operator_notification_read",
    ),
    (
        "POST",
        "/v1/admin/notifications/read-all",
        "functions.notifications.api.operator_notifications_read_all",
    ),
)

# Modules whose blueprint ``bp`` declares this capability's tasks, consumers and jobs.
FUNCTIONS = ("functions.notifications.tasks",)
