"""The constraint components the compiler supports, one module per SHACL family, and their registry.

:data:`CONSTRAINTS` maps the local name of each sh: constraint parameter to its :data:`~.base.Handler`; it is
built from the ``HANDLERS`` of the family modules (SHACL section 4):

* :mod:`.value_type`: sh:class, sh:datatype, sh:nodeKind
* :mod:`.cardinality`: sh:minCount, sh:maxCount
* :mod:`.value_range`: sh:minInclusive, sh:maxInclusive, sh:minExclusive, sh:maxExclusive
* :mod:`.string_based`: sh:minLength, sh:maxLength, sh:pattern (with sh:flags), sh:languageIn, sh:uniqueLang
* :mod:`.property_pair`: sh:equals, sh:disjoint
* :mod:`.logical`: sh:not, sh:and, sh:or, sh:xone
* :mod:`.shape_based`: sh:node, sh:property, sh:qualifiedValueShape (with its companions)
* :mod:`.other`: sh:in, sh:hasValue

The compiler (:class:`~graph_loader.shacl.compiled.compiler.ShapeCompiler`) looks each sh: predicate of a
shape up here once, while compiling; the checks a handler adds run with no dispatch. A predicate in
:data:`NOT_CONSTRAINTS` is no constraint (or is read with one); any other name missing from
:data:`CONSTRAINTS` (sh:closed, sh:lessThan, sh:sparql, ...) makes the shape
:class:`~graph_loader.shacl.compiled.shapes.Unsupported`.

Examples
--------
>>> sorted(CONSTRAINTS)[:3]
['and', 'class', 'datatype']
>>> CONSTRAINTS["minCount"].__module__.rsplit(".", 1)[-1], "closed" in CONSTRAINTS
('cardinality', False)

Every constraint component ``ontology/shapes.ttl`` uses is here (its other sh: predicates are parameters read
with a constraint, or path operators), so the validator compiles it whole:

>>> from rdflib.namespace import SH
>>> from graph_loader.ontology.load import shapes_graph
>>> used = {str(p)[len(str(SH)):] for p in set(shapes_graph().predicates()) if str(p).startswith(str(SH))}
>>> path_operators = {"inversePath", "alternativePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath"}
>>> sorted(used - path_operators - NOT_CONSTRAINTS - CONSTRAINTS.keys())
[]
>>> from graph_loader.shacl.compiled import unsupported_shapes
>>> unsupported_shapes()
[]
"""

from __future__ import annotations

from types import ModuleType

from . import cardinality, logical, other, property_pair, shape_based, string_based, value_range, value_type
from .base import Compiling, Handler

#: The family modules, each with its ``HANDLERS``.
FAMILIES: tuple[ModuleType, ...] = (value_type, cardinality, value_range, string_based, property_pair, logical,
                                    shape_based, other)

#: Shape predicates (sh: local names) that are not constraints, or are read together with one.
NOT_CONSTRAINTS = frozenset({
    "message", "severity", "deactivated", "path", "name", "description", "order", "group", "defaultValue",
    "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf",
    "flags",  # with sh:pattern
    "qualifiedMinCount", "qualifiedMaxCount",  # with sh:qualifiedValueShape
})


def _registry(families: tuple[ModuleType, ...]) -> dict[str, Handler]:
    found: dict[str, Handler] = {}
    for family in families:
        for name, handler in family.HANDLERS.items():
            if name in found or name in NOT_CONSTRAINTS:
                raise ValueError(f"sh:{name} is handled twice (again in {family.__name__})")
            found[name] = handler
    return found


#: Each supported constraint parameter (sh: local name) -> its handler.
CONSTRAINTS: dict[str, Handler] = _registry(FAMILIES)

__all__ = ["CONSTRAINTS", "FAMILIES", "NOT_CONSTRAINTS", "Compiling", "Handler"]
