"""plans' entry points, read without importing plans (``common.lazy``): app.py registers them."""

ROUTES = (
    ("POST", "/v1/plans", "functions.plans.api.create_plan"),
    ("GET", "/v1/plans", "functions.plans.api.list_plans"),
    ("GET", "/v1/plans/{plan_id}", "functions.plans.api.get_plan"),
    ("POST", "/v1/plans/{plan_id}/skip", "functions.plans.api.skip_visit"),
    ("POST", "/v1/plans/{plan_id}/pause", "functions.plans.api.pause_plan"),
    ("POST", "/v1/plans/{plan_id}/resume", "functions.plans.api.resume_plan"),
    ("POST", "/v1/plans/{plan_id}/cancel", "functions.plans.api.cancel_plan"),
)

# Modules whose blueprint ``bp`` declares this capability's tasks, consumers and jobs.
FUNCTIONS = ("functions.plans.tasks",)
