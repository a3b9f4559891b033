"""booking's entry points, read without importing booking (``common.lazy``): app.py registers them, and
a handler's module loads on its first call. Each route: method, path, the handler (which calls one service
function); its models, auth and status are on its ``common.api.route`` decorator."""

ROUTES = (
    ("GET", "/v1/admin/orders", "functions.booking.admin_api.admin_orders"),
    ("GET", "/v1/admin/orders/{order_id}", "functions.booking.admin_api.admin_order"),
    ("POST", "/v1/admin/orders/{order_id}/reassign", "functions.booking.admin_api.admin_reassign_order"),
    ("POST", "/v1/admin/orders/{order_id}/cancel", "functions.booking.admin_api.admin_cancel_order"),
    ("GET", "/v1/admin/complaints", "functions.booking.admin_api.admin_list_complaints"),
    (
        "POST",
        "/v1/admin/complaints/{complaint_id}/resolve",
        "functions.booking.admin_api.admin_resolve_complaint",
    ),
    ("POST", "/v1/quotes", "functions.booking.api.create_quote"),
    ("POST", "/v1/orders", "functions.booking.api.create_order"),
    ("GET", "/v1/orders", "functions.booking.api.list_orders"),
    ("GET", "/v1/orders/{order_id}", "functions.booking.api.get_order"),
    ("POST", "/v1/orders/{order_id}/cancel", "functions.booking.api.cancel_order"),
    ("POST", "/v1/orders/{order_id}/complaints", "functions.booking.api.file_complaint"),
    ("GET", "/v1/worker/orders", "functions.booking.api.worker_orders"),
    ("GET", "/v1/worker/orders/{order_id}", "functions.booking.api.worker_order"),
    ("POST", "/v1/worker/orders/{order_id}/accept", "functions.booking.api.accept_order"),
    ("POST", "/v1/worker/orders/{order_id}/decline", "functions.booking.api.decline_order"),
    ("POST", "/v1/worker/orders/{order_id}/start", "functions.booking.api.start_order"),
    ("POST", "/v1/worker/orders/{order_id}/complete", "functions.booking.api.complete_order"),
    ("POST", "/v1/orders/{order_id}/pay", "functions.booking.checkout.pay_order"),
    ("POST", "/v1/payments/wechat/notify", "functions.booking.checkout.wechat_payment_notify"),
    # engagements (issue 13)
    ("POST", "/v1/orders/{order_id}/replace", "functions.booking.engagement_api.replace_worker"),
    ("POST", "/v1/admin/orders/{order_id}/replace", "functions.booking.engagement_api.admin_replace_worker"),
)

# Modules whose blueprint ``bp`` declares this capability's tasks, consumers and jobs.
FUNCTIONS = ("functions.booking.tasks",)

# --- rescheduling (issue 13) ---
ROUTES += (
    ("POST", "/v1/orders/{order_id}/reschedule", "functions.booking.reschedule_api.reschedule_order"),
    (
        "POST",
        "/v1/worker/orders/{order_id}/reschedule/accept",
        "functions.booking.reschedule_api.accept_reschedule",
    ),
    (
        "POST",
        "/v1/worker/orders/{order_id}/reschedule/reject",
        "functions.booking.reschedule_api.reject_reschedule",
    ),
)

# --- on-site service: confirmation, reminders, the exception queue (issue 17) ---
ROUTES += (
    ("POST", "/v1/orders/{order_id}/confirm", "functions.booking.confirm_api.confirm_order"),
    ("GET", "/v1/admin/exceptions", "functions.booking.confirm_api.admin_list_exceptions"),
    (
        "POST",
        "/v1/admin/exceptions/{exception_id}/resolve",
        "functions.booking.confirm_api.admin_resolve_exception",
    ),
)
FUNCTIONS += ("functions.booking.watch_tasks",)
# --- on-site service (issue 17) ---
ROUTES += (
    ("POST", "/v1/worker/orders/{order_id}/depart", "functions.booking.onsite_api.depart_order"),
    ("POST", "/v1/worker/orders/{order_id}/arrive", "functions.booking.onsite_api.arrive_order"),
    ("POST", "/v1/worker/orders/{order_id}/photos", "functions.booking.onsite_api.add_order_photos"),
)
# --- on-site price differences 补差价 (issue 17) ---
ROUTES += (
    ("POST", "/v1/worker/orders/{order_id}/extras", "functions.booking.extras_api.propose_extra"),
    ("POST", "/v1/orders/{order_id}/extras/{extra_id}/approve", "functions.booking.extras_api.approve_extra"),
    ("POST", "/v1/orders/{order_id}/extras/{extra_id}/reject", "functions.booking.extras_api.reject_extra"),
)
