"""analytics's entry points, read without importing analytics (``common.lazy``): app.py registers them, and
a handler's module loads on its first call. Each route: method, path, the handler (which calls one service
function); its models, auth and status are on its ``common.api.route`` decorator."""

ROUTES = (
    ("GET", "/v1/admin/stats/overview", "functions.analytics.api.stats_overview"),
    ("GET", "/v1/admin/stats/timeseries", "functions.analytics.api.stats_timeseries"),
    ("GET", "/v1/admin/stats/workers", "functions.analytics.api.stats_workers"),
    ("GET", "/v1/admin/stats/forecast", "functions.analytics.api.stats_forecast"),
    ("GET", "/v1/worker/performance", "functions.analytics.api.my_performance"),
    ("GET", "/v1/admin/customers", "functions.analytics.api.list_customers"),
    ("GET", "/v1/admin/customers/{customer_id}", "functions.analytics.api.get_customer"),
    ("GET", "/v1/admin/finance/summary", "functions.analytics.api.finance_summary"),
    ("GET", "/v1/admin/exports/{name}", "functions.analytics.api.export"),
)

# Modules whose blueprint ``bp`` declares this capability's tasks, consumers and jobs.
FUNCTIONS = ("functions.analytics.tasks",)
