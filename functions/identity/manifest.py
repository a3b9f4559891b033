"""identity's entry points, read without importing identity (``common.lazy``): app.py registers them, and
a handler's module loads on its first call. Each route: method, path, the handler (which calls one service
function); its models, auth and status are on its ``common.api.route`` decorator."""

ROUTES = (
    ("POST", "/v1/auth/wechat", "functions.identity.api.wechat_login"),
    ("POST", "/v1/auth/operator", "functions.identity.api.operator_login"),
    ("GET", "/v1/me", "functions.identity.api.get_me"),
    ("PATCH", "/v1/me", "functions.identity.api.patch_me"),
    ("POST", "/v1/me/addresses", "functions.identity.api.add_address"),
    ("GET", "/v1/me/addresses", "functions.identity.api.list_addresses"),
    ("POST", "/v1/me/phone", "functions.identity.api.bind_customer_phone"),
    ("POST", "/v1/worker/phone", "functions.identity.api.bind_worker_phone"),
    ("POST", "/v1/auth/sms-code", "functions.identity.api.request_sms_code"),
    # staff and the audit trail (issue 16)
    ("POST", "/v1/admin/staff", "functions.identity.staff_api.create_staff"),
    ("GET", "/v1/admin/staff", "functions.identity.staff_api.list_staff"),
    ("PATCH", "/v1/admin/staff/{staff_id}", "functions.identity.staff_api.update_staff"),
    ("GET", "/v1/admin/audit", "functions.identity.staff_api.list_audit"),
)

# Modules whose blueprint ``bp`` declares this capability's tasks, consumers and jobs.
FUNCTIONS = ()
