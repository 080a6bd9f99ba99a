"""Other constraint components (SHACL 4.8): sh:in, sh:hasValue (not sh:closed, which stays unsupported)."""

from __future__ import annotations

from rdflib.collection import Collection

from ..values import plain
from .base import Handler


def in_constraint(compiler, shape, value, g, node):
    members = frozenset(plain(m) for m in Collection(g, value))
    shape.value_checks.append(lambda data, v: v in members)


def has_value_constraint(compiler, shape, value, g, node):
    wanted = plain(value)
    shape.set_checks.append(lambda data, focus, values: [] if wanted in values else [None])


#: The handlers by sh: local name.
HANDLERS: dict[str, Handler] = {"in": in_constraint, "hasValue": has_value_constraint}
