"""Benchmarks: DynamoDB calls, items read and latency per endpoint at two table sizes (``make bench``)."""
