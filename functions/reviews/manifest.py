"""reviews's entry points, read without importing reviews (``common.lazy``): app.py registers them, and
a handler's module loads on its first call. Each route: method, path, the handler (which calls one service
function); its models, auth and status are on its ``common.api.route`` decorator."""

ROUTES = (
    ("POST", "/v1/orders/{order_id}/review", "functions.reviews.api.review_worker"),
    ("POST", "/v1/worker/orders/{order_id}/review", "functions.reviews.api.review_customer"),
    ("GET", "/v1/workers/{worker_id}/reviews", "functions.reviews.api.public_reviews"),
    ("GET", "/v1/worker/reviews", "functions.reviews.api.own_reviews"),
    ("POST", "/v1/admin/reviews/{review_id}/hide", "functions.reviews.api.hide_review"),
    ("GET", "/v1/worker/credit", "functions.reviews.api.own_credit"),
    ("GET", "/v1/admin/workers/{worker_id}/credit", "functions.reviews.api.worker_credit"),
    ("POST", "/v1/admin/workers/{worker_id}/violations", "functions.reviews.api.record_violation"),
    ("POST", "/v1/worker/appeals", "functions.reviews.api.file_appeal"),
    ("GET", "/v1/admin/appeals", "functions.reviews.api.list_appeals"),
    ("POST", "/v1/admin/appeals/{appeal_id}/decide", "functions.reviews.api.decide_appeal"),
)

# Modules whose blueprint ``bp`` declares this capability's tasks, consumers and jobs.
FUNCTIONS = ("functions.reviews.tasks",)
