"""interviews's entry points, read without importing interviews (``common.lazy``): app.py registers them, and
a handler's module loads on its first call. Each route: method, path, the handler (which calls one service
function); its models, auth and status are on its ``common.api.route`` decorator."""

ROUTES = (
    ("POST", "/v1/interviews", "functions.interviews.api.request_interview"),
    ("GET", "/v1/me/interviews", "functions.interviews.api.my_interviews"),
    ("GET", "/v1/worker/interviews", "functions.interviews.api.worker_interviews"),
    ("POST", "/v1/worker/interviews/{interview_id}/accept", "functions.interviews.api.accept_interview"),
    ("POST", "/v1/worker/interviews/{interview_id}/decline", "functions.interviews.api.decline_interview"),
)

# Modules whose blueprint ``bp`` declares this capability's tasks, consumers and jobs.
FUNCTIONS: tuple[str, ...] = ()
