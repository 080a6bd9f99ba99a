"""The compiler: every shape of a shapes graph turned into a :class:`~.shapes.CompiledShape`.

:class:`ShapeCompiler` finds the shapes with targets, compiles each (its path with :func:`~.paths.compile_path`,
each constraint through the registry :data:`~.constraints.CONSTRAINTS`), and records what it cannot compile.
"""

from __future__ import annotations

import functools

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH

from ..report import compact, path_text, shape_owners
from .constraints import CONSTRAINTS, NOT_CONSTRAINTS
from .paths import compile_path
from .shapes import CompiledShape, Unsupported, UnsupportedShape, ValueCheck
from .values import is_true, plain

SH_NS = str(SH)


class ShapeCompiler:
    """Compiles the shapes graph; collects what it could not compile."""

    def __init__(self, shapes: Graph):
        self.shapes = shapes
        self.compiled: dict[object, CompiledShape] = {}
        self.unsupported: list[UnsupportedShape] = []
        self.inverse_predicates: set[str] = set()
        self._pending: list[tuple[list[ValueCheck], list[CompiledShape]]] = []

    # -- top level -------------------------------------------------------------------------------------------
    def targets(self) -> list[tuple[CompiledShape, dict[str, list]]]:
        """Every shape with a target, compiled, with its target declarations."""
        g = self.shapes
        found = []
        candidates = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
        for link in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
            candidates |= set(g.subjects(link, None))
        for node in sorted(candidates, key=str):
            declared = {
                "class": [str(c) for c in g.objects(node, SH.targetClass)],
                "node": [plain(n) for n in g.objects(node, SH.targetNode)],
                "subjects_of": [str(p) for p in g.objects(node, SH.targetSubjectsOf)],
                "objects_of": [str(p) for p in g.objects(node, SH.targetObjectsOf)],
            }
            if (node, RDF.type, RDFS.Class) in g or (node, RDF.type, OWL.Class) in g:
                declared["class"].append(str(node))
            if (node, SH.target, None) in g:
                self._unsupported(node, "sh:target (SPARQL-based target)")
            if any(declared.values()):
                found.append((self.compile(node, compact(node)), declared))
        self.finish()
        return found

    def _unsupported(self, node, feature: str) -> None:
        self.unsupported.append(UnsupportedShape(self._owner_name.get(node, compact(node)), feature))

    @functools.cached_property
    def _owner_name(self) -> dict:
        return {node: compact(owner) for node, owner in shape_owners(self.shapes).items()}

    # -- one shape -------------------------------------------------------------------------------------------
    def compile(self, node, name: str | None = None) -> CompiledShape:
        """The compiled form of shape ``node`` (memoised: shared and recursive references compile once)."""
        if node in self.compiled:
            return self.compiled[node]
        g = self.shapes
        if name is None:
            name = self._owner_name.get(node, compact(node)) if isinstance(node, BNode) else compact(node)
        severity = g.value(node, SH.severity)
        messages = sorted(g.objects(node, SH.message),
                          key=lambda m: (getattr(m, "language", None) not in (None, "en"), str(m)))
        shape = CompiledShape(
            node=node, name=name, severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            message=str(messages[0]) if messages else "",
            deactivated=is_true(g.value(node, SH.deactivated)))
        self.compiled[node] = shape
        path = g.value(node, SH.path)
        if path is not None:
            try:
                shape.path = compile_path(g, path, self.inverse_predicates)
                shape.path_text = path_text(g, path)
                shape.predicate = str(path) if isinstance(path, URIRef) else None
            except Unsupported as exc:
                self._unsupported(node, str(exc))
                shape.deactivated = True
                return shape
        for predicate, value in sorted(g.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))):
            iri = str(predicate)
            name = iri[len(SH_NS):]
            if not iri.startswith(SH_NS) or name in NOT_CONSTRAINTS:
                continue
            try:
                self._constraint(shape, name, value)
            except Unsupported as exc:
                self._unsupported(node, str(exc))
        return shape

    def _constraint(self, shape: CompiledShape, name: str, value) -> None:
        """Add the checks of ``shape sh:<name> value`` (the handler registered as ``name`` in CONSTRAINTS)."""
        handler = CONSTRAINTS.get(name)
        if handler is None:
            raise Unsupported(f"sh:{name}")
        handler(self, shape, value, self.shapes, shape.node)

    # -- for the handlers (constraints.base.Compiling) -------------------------------------------------------
    def members(self, head) -> list[CompiledShape]:
        """The shapes of the RDF list ``head`` (sh:and, sh:or, sh:xone), compiled."""
        return [self.compile(member) for member in Collection(self.shapes, head)]

    def testers(self, shapes: list[CompiledShape]) -> list[ValueCheck]:
        """A list that :meth:`finish` fills with the members' testers (a member may still be compiling)."""
        cell: list[ValueCheck] = []
        self._pending.append((cell, shapes))
        return cell

    def finish(self) -> None:
        """Build the testers of every nested shape, once all shapes are compiled."""
        for cell, shapes in self._pending:
            cell.extend(shape.tester() for shape in shapes)
        self._pending.clear()
