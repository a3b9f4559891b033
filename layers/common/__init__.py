"""The shared layer: settings, table schema, auth, errors, money, time, ids, events, logging, API plumbing.

Imported as ``common``: ``layers/`` is on the path locally (Makefile, pytest) and the layer is unpacked
under ``/opt/python`` on Lambda.
"""
