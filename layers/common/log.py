"""Structured logs (Powertools Logger). Keys: order_id, actor. Never personal data (phone, ID numbers)."""

from aws_lambda_powertools import Logger

logger = Logger(service="jiazheng")
