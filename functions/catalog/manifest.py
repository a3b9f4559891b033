"""catalog's entry points, read without importing catalog (``common.lazy``): app.py registers them, and
a handler's module loads on its first call. Each route: method, path, the handler (which calls one service
function); its models, auth and status are on its ``common.api.route`` decorator."""

ROUTES = (
    ("GET", "/v1/categories", "functions.catalog.api.list_categories"),
    ("GET", "/v1/services/{service_id}", "functions.catalog.api.get_service"),
    ("POST", "/v1/admin/categories", "functions.catalog.api.create_category"),
    ("POST", "/v1/admin/services", "functions.catalog.api.create_service"),
    ("PATCH", "/v1/admin/services/{service_id}", "functions.catalog.api.update_service"),
)

# Modules whose blueprint ``bp`` declares this capability's tasks, consumers and jobs.
FUNCTIONS = ()
