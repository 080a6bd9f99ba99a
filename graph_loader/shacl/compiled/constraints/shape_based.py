"""Shape-based constraint components (SHACL 4.7): sh:node, sh:property, sh:qualifiedValueShape (with
sh:qualifiedMinCount and sh:qualifiedMaxCount; not with sh:qualifiedValueShapesDisjoint true)."""

from __future__ import annotations

from rdflib.namespace import SH

from ..shapes import Unsupported
from ..values import is_true
from .base import Handler


def node_constraint(compiler, shape, value, g, node):
    testers = compiler.testers([compiler.compile(value)])
    shape.value_checks.append(lambda data, v: testers[0](data, v))


def property_constraint(compiler, shape, value, g, node):
    shape.properties.append(compiler.compile(value))


def qualified_value_shape_constraint(compiler, shape, value, g, node):
    if is_true(g.value(node, SH.qualifiedValueShapesDisjoint)):
        raise Unsupported("sh:qualifiedValueShapesDisjoint")
    testers = compiler.testers([compiler.compile(value)])
    low, high = g.value(node, SH.qualifiedMinCount), g.value(node, SH.qualifiedMaxCount)
    low = int(low) if low is not None else None
    high = int(high) if high is not None else None

    def check(data, focus, values):
        test = testers[0]
        count = sum(1 for v in values if test(data, v))
        return [None] if (low is not None and count < low) or (high is not None and count > high) else []

    shape.set_checks.append(check)


def qualified_value_shapes_disjoint(compiler, shape, value, g, node):
    """Read together with sh:qualifiedValueShape."""


#: The handlers by sh: local name (sh:qualifiedMin/MaxCount are read with sh:qualifiedValueShape).
HANDLERS: dict[str, Handler] = {
    "node": node_constraint,
    "property": property_constraint,
    "qualifiedValueShape": qualified_value_shape_constraint,
    "qualifiedValueShapesDisjoint": qualified_value_shapes_disjoint,
}
