"""Test environment: fake AWS credentials, a test table name, and never a real AWS endpoint.

Set before anything imports the product (PynamoDB reads the table name at import).
"""

import os

os.environ.update(
    AWS_DEFAULT_REGION="us-east-1",
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_SECURITY_TOKEN="testing",
    AWS_SESSION_TOKEN="testing",
    TABLE_NAME="jiazheng-test",
    JWT_SECRET="test-secret-0123456789abcdef0123456789",
    POWERTOOLS_LOG_LEVEL="WARNING",
)
os.environ.pop("AWS_ENDPOINT_URL", None)  # tests use mock_aws in-process
