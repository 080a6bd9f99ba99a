"""Cardinality constraint components (SHACL 4.2): sh:minCount, sh:maxCount."""

from __future__ import annotations

from .base import Handler


def min_count_constraint(compiler, shape, value, g, node):
    bound = int(value)
    shape.set_checks.append(lambda data, focus, values: [None] if len(values) < bound else [])


def max_count_constraint(compiler, shape, value, g, node):
    bound = int(value)
    shape.set_checks.append(lambda data, focus, values: [None] if len(values) > bound else [])


#: The handlers by sh: local name.
HANDLERS: dict[str, Handler] = {"minCount": min_count_constraint, "maxCount": max_count_constraint}
