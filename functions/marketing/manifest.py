"""marketing's entry points, read without importing marketing (``common.lazy``): app.py registers them, and
a handler's module loads on its first call. Each route: method, path, the handler (which calls one service
function); its models, auth and status are on its ``common.api.route`` decorator."""

ROUTES = (
    ("POST", "/v1/admin/coupon-templates", "functions.marketing.api.create_template"),
    ("GET", "/v1/admin/coupon-templates", "functions.marketing.api.list_templates"),
    ("POST", "/v1/admin/coupon-templates/{template_id}/issue", "functions.marketing.api.issue_coupons"),
    ("POST", "/v1/admin/rewards", "functions.marketing.api.create_reward"),
    ("GET", "/v1/rewards", "functions.marketing.api.list_rewards"),
    ("GET", "/v1/coupon-templates", "functions.marketing.api.claimable_templates"),
    ("GET", "/v1/me/coupons", "functions.marketing.api.my_coupons"),
    ("POST", "/v1/me/coupons/claim", "functions.marketing.api.claim_coupon"),
    ("GET", "/v1/me/points", "functions.marketing.api.my_points"),
    ("POST", "/v1/me/sign-in", "functions.marketing.api.sign_in"),
    ("POST", "/v1/me/shares", "functions.marketing.api.share"),
    ("GET", "/v1/me/share-link", "functions.marketing.api.share_link"),
    ("GET", "/v1/me/referral", "functions.marketing.api.my_referral"),
    ("POST", "/v1/me/rewards/{reward_id}/redeem", "functions.marketing.api.redeem"),
    ("GET", "/v1/me/membership", "functions.marketing.api.my_membership"),
)

# Modules whose blueprint ``bp`` declares this capability's tasks, consumers and jobs.
FUNCTIONS = ("functions.marketing.tasks",)
