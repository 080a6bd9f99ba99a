"""The ``diaspora-kg`` command line: small command modules on one click group, no business logic.

Every command prints what it did (counts, paths); errors are one message with a hint and an exit code
(0 ok, 1 invalid data, 2 other errors, 130 interrupted).
"""

from . import analyse, browser, data, lookup, maps, query, resolve, run, server, shell  # noqa: F401 — each module registers its commands on main
from .app import main

__all__ = ["main"]
