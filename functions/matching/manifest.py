"""matching's entry points, read without importing matching (``common.lazy``): app.py registers them, and
a handler's module loads on its first call. Each route: method, path, the handler (which calls one service
function); its models, auth and status are on its ``common.api.route`` decorator."""

ROUTES = (("POST", "/v1/matches", "functions.matching.api.post_matches"),)

# Modules whose blueprint ``bp`` declares this capability's tasks, consumers and jobs.
FUNCTIONS = ()
