"""payments's entry points, read without importing payments (``common.lazy``): app.py registers them, and
a handler's module loads on its first call. Each route: method, path, the handler (which calls one service
function); its models, auth and status are on its ``common.api.route`` decorator."""

ROUTES = (
    ("POST", "/v1/payments/wechat/refund-notify", "functions.payments.api.wechat_refund_notify"),
    ("GET", "/v1/worker/earnings", "functions.payments.api.get_earnings"),
    ("POST", "/v1/worker/withdrawals", "functions.payments.api.request_withdrawal"),
    ("GET", "/v1/worker/withdrawals", "functions.payments.api.list_my_withdrawals"),
    ("GET", "/v1/admin/withdrawals", "functions.payments.api.list_withdrawals"),
    ("POST", "/v1/admin/withdrawals/{withdrawal_id}/approve", "functions.payments.api.approve_withdrawal"),
    ("POST", "/v1/admin/withdrawals/{withdrawal_id}/reject", "functions.payments.api.reject_withdrawal"),
)

# Modules whose blueprint ``bp`` declares this capability's tasks, consumers and jobs.
FUNCTIONS = ("functions.payments.tasks",)
