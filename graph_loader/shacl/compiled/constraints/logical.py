"""Logical constraint components (SHACL 4.6): sh:not, sh:and, sh:or, sh:xone.

The members' testers are read from lists the compiler fills once every shape is compiled (a member may refer
back to the shape being compiled).
"""

from __future__ import annotations

from .base import Handler


def not_constraint(compiler, shape, value, g, node):
    testers = compiler.testers([compiler.compile(value)])
    shape.value_checks.append(lambda data, v: not testers[0](data, v))


def and_constraint(compiler, shape, value, g, node):
    testers = compiler.testers(compiler.members(value))

    def every(data, v):
        for test in testers:
            if not test(data, v):
                return False
        return True

    shape.value_checks.append(every)


def or_constraint(compiler, shape, value, g, node):
    testers = compiler.testers(compiler.members(value))

    def some(data, v):
        for test in testers:
            if test(data, v):
                return True
        return False

    shape.value_checks.append(some)


def xone_constraint(compiler, shape, value, g, node):
    testers = compiler.testers(compiler.members(value))
    shape.value_checks.append(lambda data, v: sum(bool(test(data, v)) for test in testers) == 1)


#: The handlers by sh: local name.
HANDLERS: dict[str, Handler] = {
    "not": not_constraint,
    "and": and_constraint,
    "or": or_constraint,
    "xone": xone_constraint,
}
