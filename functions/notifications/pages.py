"""The mini-program pages a message card opens (``{order_id}`` filled in by the rules)."""

CUSTOMER_ORDER_PAGE = "pages/orders/detail?id={order_id}"
CUSTOMER_REVIEW_PAGE = "pages/orders/review?id={order_id}"
WORKER_ORDER_PAGE = "pages/worker/orders/detail?id={order_id}"
