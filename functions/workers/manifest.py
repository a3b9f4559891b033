"""workers's entry points, read without importing workers (``common.lazy``): app.py registers them, and
a handler's module loads on its first call. Each route: method, path, the handler (which calls one service
function); its models, auth and status are on its ``common.api.route`` decorator."""

ROUTES = (
    ("PUT", "/v1/worker/profile", "functions.workers.api.put_profile"),
    ("GET", "/v1/worker/profile", "functions.workers.api.get_profile"),
    ("PUT", "/v1/worker/availability", "functions.workers.api.put_availability"),
    ("GET", "/v1/worker/availability", "functions.workers.api.get_availability"),
    ("PUT", "/v1/worker/accepting", "functions.workers.api.put_accepting"),
    ("GET", "/v1/worker/calendar", "functions.workers.api.get_calendar"),
    ("POST", "/v1/worker/media", "functions.workers.api.post_media"),
    ("GET", "/v1/admin/workers", "functions.workers.api.list_workers"),
    ("GET", "/v1/admin/workers/{worker_id}", "functions.workers.api.get_worker"),
    ("POST", "/v1/admin/workers/{worker_id}/verify", "functions.workers.api.verify_worker"),
    ("POST", "/v1/admin/workers/{worker_id}/suspend", "functions.workers.api.suspend_worker"),
    ("POST", "/v1/admin/workers/{worker_id}/reinstate", "functions.workers.api.reinstate_worker"),
    ("GET", "/v1/workers/{worker_id}", "functions.workers.api.get_public"),
)

# Modules whose blueprint ``bp`` declares this capability's tasks, consumers and jobs.
FUNCTIONS = ()
