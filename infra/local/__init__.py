"""The local stack: the whole API on 127.0.0.1 over an embedded AWS stand-in (moto), with demo data.

Run it with ``make run`` (``python -m infra.local --port 8000``). What runs in the process and where the hook points
are: docs/local-stack.md. Importing this package has no side effects; ``__main__`` prepares the environment before
anything reads the settings.
"""
