"""The soak (issue 15): N orders through every lifecycle path on the local stack, over HTTP as the mini-program,
the worker app, the admin console and WeChat Pay call it, then the invariants (``tests/soak/checks.py``).

``python -m tests.soak --orders 1000`` (``make soak``) starts its own stack and prints its figures;
``tests/e2e/test_soak.py`` runs a bounded one in ``make test``. The driver is ``tests/soak/driver.py``.
"""
