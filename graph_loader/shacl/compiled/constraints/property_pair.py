"""Property pair constraint components (SHACL 4.5): sh:equals, sh:disjoint (not sh:lessThan,
sh:lessThanOrEquals, which stay unsupported)."""

from __future__ import annotations

from .base import Handler


def equals_constraint(compiler, shape, value, g, node):
    other = str(value)

    def check(data, focus, values):
        theirs = set(data.values(focus, other))
        return [v for v in values if v not in theirs] + [v for v in theirs if v not in set(values)]

    shape.set_checks.append(check)


def disjoint_constraint(compiler, shape, value, g, node):
    other = str(value)

    def check(data, focus, values):
        theirs = set(data.values(focus, other))
        return [v for v in values if v in theirs]

    shape.set_checks.append(check)


#: The handlers by sh: local name.
HANDLERS: dict[str, Handler] = {"equals": equals_constraint, "disjoint": disjoint_constraint}
