"""Value range constraint components (SHACL 4.3): sh:minInclusive, sh:maxInclusive, sh:minExclusive,
sh:maxExclusive, with literals compared as pySHACL compares them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from ....model import Lit
from ..data import DataIndex
from ..shapes import Unsupported, ValueCheck
from ..values import Node, facts, plain, rdflib_literal
from .base import Handler

_NUMBER = (int, float, Decimal)


def min_inclusive_constraint(compiler, shape, value, g, node):
    shape.value_checks.append(_range_check(value, lambda order: order >= 0))


def max_inclusive_constraint(compiler, shape, value, g, node):
    shape.value_checks.append(_range_check(value, lambda order: order <= 0))


def min_exclusive_constraint(compiler, shape, value, g, node):
    shape.value_checks.append(_range_check(value, lambda order: order > 0))


def max_exclusive_constraint(compiler, shape, value, g, node):
    shape.value_checks.append(_range_check(value, lambda order: order < 0))


#: The handlers by sh: local name.
HANDLERS: dict[str, Handler] = {
    "minInclusive": min_inclusive_constraint,
    "maxInclusive": max_inclusive_constraint,
    "minExclusive": min_exclusive_constraint,
    "maxExclusive": max_exclusive_constraint,
}


def _range_check(bound_term, accept: Callable[[int], bool]) -> ValueCheck:
    """sh:min/maxIn/Exclusive: ``accept(order)`` where order compares the value node with the bound (-1, 0, 1)."""
    bound = plain(bound_term)
    if bound.__class__ is not Lit:
        raise Unsupported("a range bound that is not a literal")
    bound_facts = facts(bound)
    bound_literal = rdflib_literal(bound)
    bound_is_text = isinstance(bound_literal.value, str)

    def check(data: DataIndex, v: Node) -> bool:
        if v.__class__ is not Lit:
            return False
        info = facts(v)
        if (info.ill_typed is not True and bound_facts.ill_typed is not True and isinstance(info.value, _NUMBER)
                and isinstance(bound_facts.value, _NUMBER) and not isinstance(info.value, bool)):
            # As pySHACL's compare_literal orders them: equal, greater, else lower (NaN is lower than anything).
            value, bound_value = info.value, bound_facts.value
            return accept(0 if value == bound_value else 1 if value > bound_value else -1)
        literal = rdflib_literal(v)
        if isinstance(literal.value, str) != bound_is_text:
            return False
        # Imported here, not when the shapes compile: it pulls in rdflib's SPARQL engine and pyparsing (0.13 s of
        # every validation's start), for values that are not numbers, which our shapes' bounds never meet.
        from pyshacl.rdfutil.compare import compare_literal

        try:
            return accept(compare_literal(literal, bound_literal))
        except (TypeError, NotImplementedError):
            return False

    return check
