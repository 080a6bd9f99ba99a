"""SHACL validation of large inputs: the shapes compiled into Python checks over triples grouped by subject.

pySHACL evaluates every constraint through rdflib graph look-ups: with this project's 180 shapes it checks about
2,500 triples/s (400 s and 2.6 GB for 10^6 triples, ``benchmarks/RESULTS.md``). This validator reads ``ontology/shapes.ttl`` once and turns
every shape into a tree of small Python functions; the data (plain triples, as :mod:`graph_loader.rdf.read`
yields them) are indexed once by subject, then each shape runs over its focus nodes. It returns the same
:class:`~graph_loader.shacl.pyshacl_engine.ValidationReport` as :func:`graph_loader.shacl.pyshacl_engine.validate`, with the
same focus node, path text, shape name and severity for each result, including the "unknown dkg: term" check.

Semantics follow pySHACL as :mod:`graph_loader.shacl.pyshacl_engine` runs it (no inference, the ontology merged into the
data): ``sh:targetClass`` and ``sh:class`` follow ``rdfs:subClassOf`` in data plus ontology; literals are
judged as :func:`graph_loader.shacl.pyshacl_engine.validation_literal` makes them (ill-formed by XSD's lexical spaces,
:mod:`graph_loader.rdf.xsd`, else normalised as rdflib normalises them) and compared as rdflib compares them
(numbers by value); values Neo4j cannot store are Violations of shape ``dkg:StorableValue``, as there.

Supported: targets ``sh:targetClass`` (and implicit class targets), ``sh:targetNode``, ``sh:targetSubjectsOf``,
``sh:targetObjectsOf``; paths of predicates, ``sh:inversePath`` (of a predicate), sequences,
``sh:alternativePath``, ``sh:zeroOrMorePath``, ``sh:oneOrMorePath``, ``sh:zeroOrOnePath``; constraints
``sh:class``, ``sh:datatype``, ``sh:nodeKind``, ``sh:minCount``, ``sh:maxCount``, ``sh:min/maxInclusive``,
``sh:min/maxExclusive``, ``sh:min/maxLength``, ``sh:pattern`` (with ``sh:flags``), ``sh:languageIn``,
``sh:uniqueLang``, ``sh:in``, ``sh:hasValue``, ``sh:equals``, ``sh:disjoint``, ``sh:node``, ``sh:property``,
``sh:not``, ``sh:and``, ``sh:or``, ``sh:xone``, ``sh:qualifiedValueShape`` (without sibling disjointness), with
``sh:severity``, ``sh:message`` and ``sh:deactivated``. Anything else (SHACL-SPARQL constraints and targets,
``sh:closed``, ``sh:lessThan``, an inverse of a complex path, custom components) is listed by
:meth:`FastValidator.unsupported_shapes` and left out; the validator warns when it is built with such shapes,
so nothing is skipped silently.

Examples
--------
>>> report = validate_triples([
...     ("https://example.org/hta", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", DKG_NS + "HometownAssociation"),
... ])
>>> [(r.shape, r.path) for r in report.violations]
[('dkg:AgentShape', '(skos:prefLabel|rdfs:label)')]
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import gc
import re
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import XSDToPython

from ..model import RDF_TYPE, Lit, Triple
from ..ontology.load import defined_terms, ontology_graph, shapes_graph
from ..ontology.terms import DKG_NS
from ..rdf import xsd
from ..rdf.read import from_rdflib
from .literals import quiet_rdflib, validation_literal
from .report import (
    SEVERITIES,
    STORABLE_VALUE_SHAPE,
    UNKNOWN_TERM_SHAPE,
    ValidationReport,
    ValidationResult,
    compact,
    path_text,
    shape_owners,
)

SUBCLASS_OF = str(RDFS.subClassOf)
XSD_NS = str(XSD)
_XSD_STRING = XSD_NS + "string"
_NUMBER = (int, float, Decimal)

Node = str | Lit
#: One finding before it becomes a ValidationResult: severity, focus, path text, value, message, shape name.
Finding = tuple[str, Node, str | None, Node | None, str, str]


# -- literals as rdflib sees them ------------------------------------------------------------------------------
class LiteralFacts(NamedTuple):
    """What the constraints need to know of a literal: rdflib's ill-typed flag and its Python value."""

    ill_typed: bool | None
    value: object


# Lexical forms that rdflib keeps as they are and parses without complaint: they skip the (slow) rdflib path.
# (Not integers of more than 4,300 digits, which int() refuses.)
_CANONICAL_FORMS = {
    XSD_NS + "decimal": (re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?"), Decimal),
    XSD_NS + "integer": (re.compile(r"0|-?[1-9][0-9]{0,3000}"), int),
    XSD_NS + "boolean": (re.compile(r"true|false"), lambda text: text == "true"),
}
#: Datatypes rdflib has no Python value for (xsd:gYear, ...): it keeps their lexical form and never flags them.
_UNCONVERTED = frozenset(str(dt) for dt, converter in XSDToPython.items() if dt is not None and converter is None)
_OPAQUE = LiteralFacts(None, None)


@functools.lru_cache(maxsize=1 << 12)
def _rdflib_literal(lit: Lit) -> Literal:
    """The rdflib literal both engines judge (:func:`graph_loader.shacl.pyshacl_engine.validation_literal`)."""
    with quiet_rdflib():
        return validation_literal(lit.value, lit.datatype, lit.lang)


@functools.lru_cache(maxsize=1 << 16)
def _normalised(lit: Lit) -> tuple[Lit, LiteralFacts]:
    literal = _rdflib_literal.__wrapped__(lit)  # not through the small cache: this one is the large one
    datatype = str(literal.datatype) if literal.datatype is not None else None
    return Lit(str(literal), datatype, literal.language), LiteralFacts(literal.ill_typed, literal.value)


def _as_written(lit: Lit) -> bool:
    """True for a literal of a datatype rdflib does not convert whose lexical form validation keeps as it is."""
    return lit.datatype in _UNCONVERTED and (not xsd.checks(lit.datatype) or _well_formed_as_is(lit))


@functools.lru_cache(maxsize=1 << 16)
def _well_formed_as_is(lit: Lit) -> bool:
    return xsd.well_formed(lit.value, lit.datatype) and xsd.normal_form(lit.value, lit.datatype) == lit.value


def canonical(lit: Lit) -> Lit:
    """The literal as validation sees it: typed lexical forms normalised (``"01"^^xsd:integer`` -> ``"1"``).

    An ill-formed one (:func:`graph_loader.rdf.xsd.well_formed`) keeps its lexical form.
    """
    if lit.datatype is None or _as_written(lit):
        return lit
    form = _CANONICAL_FORMS.get(lit.datatype)
    if form is not None and form[0].fullmatch(lit.value):
        return lit
    return _normalised(lit)[0]


def facts(lit: Lit) -> LiteralFacts:
    """Validation's view of a (canonical) literal: plain text has its string as value and is never ill-typed.

    An ill-formed literal is ill-typed and has no value, as :class:`graph_loader.shacl.pyshacl_engine.IllFormedLiteral`.
    """
    if lit.datatype is None:
        return LiteralFacts(None, lit.value)
    if _as_written(lit):
        return _OPAQUE
    form = _CANONICAL_FORMS.get(lit.datatype)
    if form is not None and form[0].fullmatch(lit.value):
        return LiteralFacts(False, form[1](lit.value))
    return _normalised(lit)[1]


def _plain(term) -> Node:
    """An rdflib term from the shapes graph as a plain value (xsd:string literals become plain, as in read.py)."""
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype is not None else None
        return canonical(Lit(str(term), None if datatype == _XSD_STRING else datatype, term.language))
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


# -- the data -------------------------------------------------------------------------------------------------
class DataIndex:
    """Triples grouped by subject, with the class closure and the target and inverse indexes the shapes need.

    Parameters
    ----------
    inverse_predicates, target_predicates, target_object_predicates : set of str
        Predicates that shapes follow backwards, whose subjects are focus nodes, whose objects are focus nodes.
    """

    def __init__(self, inverse_predicates: set[str], target_predicates: set[str],
                 target_object_predicates: set[str]):
        self.out: dict[str, dict[str, list[Node]]] = {}
        self.inverse: dict[str, dict[Node, list[str]]] = {p: defaultdict(list) for p in inverse_predicates}
        self.target_predicates = frozenset(target_predicates)
        self._subjects_of: dict[str, list[str]] | None = None
        self.objects_of: dict[str, dict[Node, None]] = {p: {} for p in target_object_predicates}
        self.types: dict[str, list[str]] = defaultdict(list)
        self.superclasses: dict[str, set[str]] = defaultdict(set)
        self._closures: dict[tuple[str, ...], frozenset[str]] = {}
        self._up_closures: dict[str, frozenset[str]] = {}
        self._node_classes: dict[Node, frozenset[str]] = {}
        #: Conformance of nodes to named shapes, by shape name (see :meth:`CompiledShape.tester`).
        self.answers: dict[str, dict[Node, bool]] = {}
        #: ``(subject, predicate, term)`` for each use of a dkg: IRI outside ``known`` (see :meth:`add`).
        self.unknown_terms: list[tuple[str, str, str]] = []
        #: ``(subject, predicate, lexical form) -> why`` for each value Neo4j cannot store (see :meth:`add`).
        self.unstorable: dict[tuple[str, str, str], str] = {}
        # What else to record of a triple, by predicate: one dict lookup per triple instead of five tests.
        self._hooks: dict[str, list[Callable[[str, Node], None]]] = defaultdict(list)
        self._hooks[RDF_TYPE].append(lambda s, o: self.types[s].append(o))
        self._hooks[SUBCLASS_OF].append(lambda s, o: self.superclasses[s].add(o))
        for p, index in self.inverse.items():
            self._hooks[p].append(lambda s, o, index=index: index[o].append(s))
        for p, objects in self.objects_of.items():
            self._hooks[p].append(lambda s, o, objects=objects: objects.__setitem__(o, None))
        self._hooks = dict(self._hooks)

    def add(self, triples: Iterable[Triple], known: frozenset[str] | None = None) -> None:
        """Index ``triples`` (typed literals as :func:`canonical` makes them); with ``known`` (the data, not the
        ontology), note unknown dkg: terms and values Neo4j cannot store.

        A term is looked for as subject, predicate, object and in an ``xsd:anyURI`` literal, as
        :func:`graph_loader.shacl.pyshacl_engine.unknown_terms` does; values are judged as
        :func:`graph_loader.shacl.pyshacl_engine.unstorable_values` judges them.
        """
        out, unknown, unstorable = self.out, self.unknown_terms, self.unstorable
        lit_type, prefix, any_uri = Lit, DKG_NS, XSD_NS + "anyURI"
        storage_checked, storage_problem = xsd.STORAGE_CHECKED, xsd.storage_problem
        hooks = self._hooks
        last_subject, by_predicate = None, None
        for s, p, o in triples:
            if o.__class__ is lit_type:
                if o.datatype is not None:
                    if known is not None and o.datatype in storage_checked:
                        problem = storage_problem(o.value, o.datatype)
                        if problem is not None:
                            unstorable[(s, p, o.value)] = problem
                    o = canonical(o)
                    if known is not None and o.datatype == any_uri:
                        term = xsd.normal_form(o.value, any_uri)  # an ill-formed one keeps its whitespace
                        if term.startswith(prefix) and term not in known:
                            unknown.append((s, p, term))
            elif known is not None and o.startswith(prefix) and o not in known:
                unknown.append((s, p, o))
            if s != last_subject:
                if known is not None and s.startswith(prefix) and s not in known:
                    unknown.append((s, p, s))
                by_predicate = out.get(s)
                if by_predicate is None:
                    by_predicate = out[s] = {}
                last_subject = s
            values = by_predicate.get(p)
            if values is None:
                by_predicate[p] = [o]
                if known is not None and p.startswith(prefix) and p not in known:
                    unknown.append((s, p, p))
            else:
                values.append(o)
            hook = hooks.get(p)
            if hook is not None:
                for action in hook:
                    action(s, o)

    def subjects_of(self, predicate: str) -> list[str]:
        """The subjects of ``predicate`` (a predicate given as ``target_predicates``), in first-seen order."""
        if self._subjects_of is None:
            # One pass over the index once everything is added: cheaper than a hook on each of 10^6 triples.
            self._subjects_of = {p: [] for p in self.target_predicates}
            for s, by_predicate in self.out.items():
                for p in by_predicate:
                    found = self._subjects_of.get(p)
                    if found is not None:
                        found.append(s)
        return self._subjects_of[predicate]

    # -- lookups -----------------------------------------------------------------------------------------------
    def values(self, node: Node, predicate: str) -> list[Node]:
        by_predicate = self.out.get(node) if node.__class__ is str else None
        return by_predicate.get(predicate, []) if by_predicate else []

    def subjects(self, predicate: str, node: Node) -> list[str]:
        """The subjects of ``(?, predicate, node)`` triples (``predicate`` one of ``inverse_predicates``)."""
        return self.inverse[predicate].get(node, [])

    def classes(self, node: Node) -> frozenset[str]:
        """Every class ``node`` is an instance of: its types and their superclasses (rdfs:subClassOf*)."""
        found = self._node_classes.get(node)
        if found is None:
            direct = self.types.get(node) if node.__class__ is str else None
            key = tuple(direct or ())
            found = self._closures.get(key)
            if found is None:
                found = self._closures[key] = frozenset(c for t in key for c in self._up(t))
            self._node_classes[node] = found
        return found

    def _up(self, cls: str) -> frozenset[str]:
        """``cls`` and its superclasses (computed once per class)."""
        closure = self._up_closures.get(cls)
        if closure is None:
            seen, stack = {cls}, [cls]
            while stack:
                for sup in self.superclasses.get(stack.pop(), ()):
                    if sup not in seen:
                        seen.add(sup)
                        stack.append(sup)
            closure = self._up_closures[cls] = frozenset(seen)
        return closure

    def instances(self, classes: set[str]) -> dict[str, list[str]]:
        """Focus nodes of ``sh:targetClass`` for each class in ``classes``."""
        found: dict[str, list[str]] = {c: [] for c in classes}
        for node in self.types:
            for cls in self.classes(node) & classes:
                found[cls].append(node)
        return found


# -- paths ----------------------------------------------------------------------------------------------------
PathFn = Callable[[DataIndex, Node], list[Node]]


class Unsupported(Exception):
    """A shape feature the validator cannot compile; carries what it is."""


def _unique(values: Iterable[Node]) -> list[Node]:
    return list(dict.fromkeys(values))


def compile_path(shapes: Graph, path, inverse_predicates: set[str]) -> PathFn:
    """A function giving the value nodes of ``path`` from a node (distinct, in order)."""
    if isinstance(path, URIRef):
        predicate = str(path)

        def forward(data: DataIndex, node: Node) -> list[Node]:
            values = data.values(node, predicate)
            return values if len(values) < 2 else _unique(values)

        return forward
    if (path, RDF.first, None) in shapes:
        steps = [compile_path(shapes, step, inverse_predicates) for step in Collection(shapes, path)]

        def sequence(data: DataIndex, node: Node) -> list[Node]:
            current = [node]
            for step in steps:
                current = _unique(v for n in current for v in step(data, n))
            return current

        return sequence
    inner = shapes.value(path, SH.inversePath)
    if inner is not None:
        if not isinstance(inner, URIRef):
            raise Unsupported("sh:inversePath of a complex path")
        predicate = str(inner)
        inverse_predicates.add(predicate)
        return lambda data, node: _unique(data.subjects(predicate, node))
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        branches = [compile_path(shapes, b, inverse_predicates) for b in Collection(shapes, alternatives)]
        return lambda data, node: _unique(v for branch in branches for v in branch(data, node))
    for link, include_start, repeat in ((SH.zeroOrMorePath, True, True), (SH.oneOrMorePath, False, True),
                                        (SH.zeroOrOnePath, True, False)):
        inner = shapes.value(path, link)
        if inner is not None:
            return _closure_path(compile_path(shapes, inner, inverse_predicates), include_start, repeat)
    raise Unsupported(f"path {path!r}")


def _closure_path(step: PathFn, include_start: bool, repeat: bool) -> PathFn:
    def walk(data: DataIndex, node: Node) -> list[Node]:
        found: dict[Node, None] = {node: None} if include_start else {}
        frontier = [node]
        while frontier:
            nxt = []
            for current in frontier:
                for value in step(data, current):
                    if value not in found:
                        found[value] = None
                        nxt.append(value)
            frontier = nxt if repeat else []
        return list(found)

    return walk


# -- shapes ---------------------------------------------------------------------------------------------------
ValueCheck = Callable[[DataIndex, Node], bool]
_NONE: list[Node] = []
SetCheck = Callable[[DataIndex, Node, list[Node]], list[Node | None]]

#: Shape predicates that are not constraints (or are read together with one).
_NOT_CONSTRAINTS = {SH.message, SH.severity, SH.deactivated, SH.path, SH.name, SH.description, SH.order,
                    SH.group, SH.defaultValue, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
                    SH.targetObjectsOf, SH.flags, SH.qualifiedMinCount, SH.qualifiedMaxCount}


@dataclass
class CompiledShape:
    """One shape: its constraints as functions, its property shapes, and how its results are named."""

    node: object
    name: str
    severity: str
    message: str
    path: PathFn | None = None
    path_text: str | None = None
    #: The path's predicate when the path is one predicate (the common case, read straight from the index).
    predicate: str | None = None
    value_checks: list[ValueCheck] = field(default_factory=list)
    set_checks: list[SetCheck] = field(default_factory=list)
    properties: list[CompiledShape] = field(default_factory=list)
    deactivated: bool = False

    def values_of(self, data: DataIndex, focus: Node, by_predicate: dict | None) -> list[Node]:
        """The value nodes of ``focus`` (``by_predicate``: the focus node's entry in the index, or None)."""
        predicate = self.predicate
        if predicate is not None:
            values = by_predicate.get(predicate) if by_predicate else None
            if not values:
                return _NONE
            return values if len(values) == 1 else _unique(values)
        return self.path(data, focus) if self.path else [focus]

    def conforms(self, data: DataIndex, focus: Node) -> bool:
        """True when ``focus`` satisfies every constraint of the shape (used for nested shapes)."""
        if self.deactivated:
            return True
        by_predicate = data.out.get(focus) if focus.__class__ is str else None
        values = self.values_of(data, focus, by_predicate)
        for check in self.value_checks:
            for value in values:
                if not check(data, value):
                    return False
        for check in self.set_checks:
            if check(data, focus, values):
                return False
        for prop in self.properties:
            if not prop.conforms(data, focus):
                return False
        return True

    def tester(self) -> ValueCheck:
        """A function telling whether a node conforms, as direct as the shape allows (for sh:or, sh:not, ...).

        A named shape (an IRI, such as a helper several rules use) remembers its answer per node.
        """
        if self.deactivated:
            return lambda data, v: True
        if self.path is None and not self.set_checks and not self.properties:
            checks = tuple(self.value_checks)
            if len(checks) == 1:
                test = checks[0]
            else:
                def test(data: DataIndex, v: Node) -> bool:
                    for check in checks:
                        if not check(data, v):
                            return False
                    return True
        else:
            test = self.conforms
        if isinstance(self.node, BNode):
            return test
        key = self.name

        def remembered(data: DataIndex, v: Node) -> bool:
            answers = data.answers.get(key)
            if answers is None:
                answers = data.answers[key] = {}
            answer = answers.get(v)
            if answer is None:
                answer = answers[v] = test(data, v)
            return answer

        return remembered

    def units(self) -> list[tuple[CompiledShape, str | None, tuple[ValueCheck, ...]]]:
        """How a top-level validation runs this shape: ``(shape, predicate, checks)`` per shape to report.

        A property shape with a one-predicate path and only value-node checks gets its predicate and checks,
        which :meth:`FastValidator.validate` applies straight to the index; any other shape gets
        ``(shape, None, ())`` and reports through :meth:`report_own`. Nested property shapes come as units of
        their own, so every shape that can fail is visited once per focus node.
        """
        if self.deactivated:
            return []
        found = []
        if self.predicate is not None and not self.set_checks:
            found.append((self, self.predicate, tuple(self.value_checks)))
        elif self.value_checks or self.set_checks:
            found.append((self, None, ()))
        for prop in self.properties:
            found += prop.units() if prop.path is not None and self.path is None else [(prop, None, ())]
        return found

    def report_own(self, data: DataIndex, focus: Node, by_predicate: dict | None, out: list[Finding]) -> None:
        """Findings of this shape's own constraints (:meth:`report` without the nested property shapes)."""
        values = self.values_of(data, focus, by_predicate)
        for check in self.value_checks:
            for value in values:
                if not check(data, value):
                    out.append((self.severity, focus, self.path_text, value, self.message, self.name))
        for check in self.set_checks:
            for value in check(data, focus, values):
                out.append((self.severity, focus, self.path_text, value, self.message, self.name))

    def report(self, data: DataIndex, focus: Node, by_predicate: dict | None, out: list[Finding]) -> None:
        """Append a finding for every failure of ``focus`` (a top-level validation)."""
        if self.deactivated:
            return
        values = self.values_of(data, focus, by_predicate)
        for check in self.value_checks:
            for value in values:
                if not check(data, value):
                    out.append((self.severity, focus, self.path_text, value, self.message, self.name))
        for check in self.set_checks:
            for value in check(data, focus, values):
                out.append((self.severity, focus, self.path_text, value, self.message, self.name))
        for prop in self.properties:
            prop.report(data, focus, by_predicate, out)


@dataclass(frozen=True)
class UnsupportedShape:
    """A shape (named by its top-level shape) with a feature the validator leaves out."""

    shape: str
    feature: str


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
                "node": [_plain(n) for n in g.objects(node, SH.targetNode)],
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
            deactivated=_is_true(g.value(node, SH.deactivated)))
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
            if not str(predicate).startswith(str(SH)) or predicate in _NOT_CONSTRAINTS:
                continue
            try:
                self._constraint(shape, predicate, value)
            except Unsupported as exc:
                self._unsupported(node, str(exc))
        return shape

    def _constraint(self, shape: CompiledShape, predicate, value) -> None:
        g, node = self.shapes, shape.node
        name = str(predicate)[len(str(SH)):]
        handler = getattr(self, f"_c_{name}", None)
        if handler is None:
            raise Unsupported(f"sh:{name}")
        handler(shape, value, g, node)

    def _members(self, head) -> list[CompiledShape]:
        return [self.compile(member) for member in Collection(self.shapes, head)]

    def _testers(self, shapes: list[CompiledShape]) -> list[ValueCheck]:
        """A list that :meth:`finish` fills with the members' testers (a member may still be compiling)."""
        cell: list[ValueCheck] = []
        self._pending.append((cell, shapes))
        return cell

    def finish(self) -> None:
        """Build the testers of every nested shape, once all shapes are compiled."""
        for cell, shapes in self._pending:
            cell.extend(shape.tester() for shape in shapes)
        self._pending.clear()

    # -- value-node constraints ------------------------------------------------------------------------------
    def _c_class(self, shape, value, g, node):
        cls = str(value)
        shape.value_checks.append(lambda data, v: cls in data.classes(v))

    def _c_datatype(self, shape, value, g, node):
        shape.value_checks.append(_datatype_check(str(value)))

    def _c_nodeKind(self, shape, value, g, node):
        allowed = {SH.IRI: ("iri",), SH.BlankNode: ("bnode",), SH.Literal: ("literal",),
                   SH.BlankNodeOrIRI: ("bnode", "iri"), SH.BlankNodeOrLiteral: ("bnode", "literal"),
                   SH.IRIOrLiteral: ("iri", "literal")}.get(value)
        if allowed is None:
            raise Unsupported(f"sh:nodeKind {value}")
        shape.value_checks.append(lambda data, v: _kind(v) in allowed)

    def _c_in(self, shape, value, g, node):
        members = frozenset(_plain(m) for m in Collection(g, value))
        shape.value_checks.append(lambda data, v: v in members)

    def _c_pattern(self, shape, value, g, node):
        flags = str(g.value(node, SH.flags) or "")
        regex = re.compile(str(value), _regex_flags(flags))
        shape.value_checks.append(lambda data, v: not _is_bnode(v) and regex.search(_text(v)) is not None)

    def _c_minLength(self, shape, value, g, node):
        bound = int(value)
        shape.value_checks.append(lambda data, v: bound == 0 or (not _is_bnode(v) and len(_text(v)) >= bound))

    def _c_maxLength(self, shape, value, g, node):
        bound = int(value)
        shape.value_checks.append(lambda data, v: not _is_bnode(v) and len(_text(v)) <= bound)

    def _c_languageIn(self, shape, value, g, node):
        wanted = {str(lang).lower() for lang in Collection(g, value)}
        shape.value_checks.append(lambda data, v: _language_in(v, wanted))

    def _c_minInclusive(self, shape, value, g, node):
        shape.value_checks.append(_range_check(value, lambda order: order >= 0))

    def _c_maxInclusive(self, shape, value, g, node):
        shape.value_checks.append(_range_check(value, lambda order: order <= 0))

    def _c_minExclusive(self, shape, value, g, node):
        shape.value_checks.append(_range_check(value, lambda order: order > 0))

    def _c_maxExclusive(self, shape, value, g, node):
        shape.value_checks.append(_range_check(value, lambda order: order < 0))

    def _c_node(self, shape, value, g, node):
        testers = self._testers([self.compile(value)])
        shape.value_checks.append(lambda data, v: testers[0](data, v))

    def _c_not(self, shape, value, g, node):
        testers = self._testers([self.compile(value)])
        shape.value_checks.append(lambda data, v: not testers[0](data, v))

    def _c_and(self, shape, value, g, node):
        testers = self._testers(self._members(value))

        def every(data, v):
            for test in testers:
                if not test(data, v):
                    return False
            return True

        shape.value_checks.append(every)

    def _c_or(self, shape, value, g, node):
        testers = self._testers(self._members(value))

        def some(data, v):
            for test in testers:
                if test(data, v):
                    return True
            return False

        shape.value_checks.append(some)

    def _c_xone(self, shape, value, g, node):
        testers = self._testers(self._members(value))
        shape.value_checks.append(lambda data, v: sum(bool(test(data, v)) for test in testers) == 1)

    # -- constraints on the set of value nodes -------------------------------------------------------------
    def _c_minCount(self, shape, value, g, node):
        bound = int(value)
        shape.set_checks.append(lambda data, focus, values: [None] if len(values) < bound else [])

    def _c_maxCount(self, shape, value, g, node):
        bound = int(value)
        shape.set_checks.append(lambda data, focus, values: [None] if len(values) > bound else [])

    def _c_hasValue(self, shape, value, g, node):
        wanted = _plain(value)
        shape.set_checks.append(lambda data, focus, values: [] if wanted in values else [None])

    def _c_uniqueLang(self, shape, value, g, node):
        if not _is_true(value):
            return
        shape.set_checks.append(_unique_lang)

    def _c_equals(self, shape, value, g, node):
        other = str(value)

        def check(data, focus, values):
            theirs = set(data.values(focus, other))
            return [v for v in values if v not in theirs] + [v for v in theirs if v not in set(values)]

        shape.set_checks.append(check)

    def _c_disjoint(self, shape, value, g, node):
        other = str(value)

        def check(data, focus, values):
            theirs = set(data.values(focus, other))
            return [v for v in values if v in theirs]

        shape.set_checks.append(check)

    def _c_qualifiedValueShape(self, shape, value, g, node):
        if _is_true(g.value(node, SH.qualifiedValueShapesDisjoint)):
            raise Unsupported("sh:qualifiedValueShapesDisjoint")
        testers = self._testers([self.compile(value)])
        low, high = g.value(node, SH.qualifiedMinCount), g.value(node, SH.qualifiedMaxCount)
        low = int(low) if low is not None else None
        high = int(high) if high is not None else None

        def check(data, focus, values):
            test = testers[0]
            count = sum(1 for v in values if test(data, v))
            return [None] if (low is not None and count < low) or (high is not None and count > high) else []

        shape.set_checks.append(check)

    def _c_qualifiedValueShapesDisjoint(self, shape, value, g, node):
        """Read together with sh:qualifiedValueShape."""

    def _c_property(self, shape, value, g, node):
        shape.properties.append(self.compile(value))



def _is_true(term) -> bool:
    return isinstance(term, Literal) and term.value is True


def _kind(v: Node) -> str:
    if v.__class__ is Lit:
        return "literal"
    return "bnode" if v.startswith("_:") else "iri"


def _is_bnode(v: Node) -> bool:
    return v.__class__ is str and v.startswith("_:")


def _text(v: Node) -> str:
    return v.value if v.__class__ is Lit else v


def _regex_flags(flags: str) -> int:
    table = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}
    result = 0
    for flag in flags:
        result |= table.get(flag, 0)
    return result


def _language_in(v: Node, wanted: set[str]) -> bool:
    if v.__class__ is not Lit or not v.lang:
        return False
    lang = v.lang.lower()
    return "*" in wanted or lang in wanted or lang.split("-")[0] in wanted


def _unique_lang(data: DataIndex, focus: Node, values: list[Node]) -> list[Node | None]:
    seen: set[str] = set()
    duplicated = False
    for v in values:
        if v.__class__ is Lit and v.lang:
            lang = v.lang.lower()
            duplicated = duplicated or lang in seen
            seen.add(lang)
    return [None] if duplicated else []


#: The datatypes whose Python value pySHACL checks (others pass when not ill-typed).
_DATATYPE_VALUE_TYPES = {XSD_NS + "integer": int, XSD_NS + "float": float, XSD_NS + "decimal": Decimal,
                         XSD_NS + "boolean": bool, XSD_NS + "date": dt.date, XSD_NS + "time": dt.time,
                         XSD_NS + "dateTime": dt.datetime}
_RDF_LANGSTRING = str(RDF.langString)
_RDFS_LITERAL = str(RDFS.Literal)
_RDFS_DATATYPE = str(RDFS.Datatype)


def _datatype_check(datatype: str) -> ValueCheck:
    """sh:datatype as pySHACL decides it: same IRI, not ill-typed, and a Python value of the expected type."""
    expected = _DATATYPE_VALUE_TYPES.get(datatype)

    def check(data: DataIndex, v: Node) -> bool:
        if v.__class__ is not Lit:
            return False
        if datatype == _RDFS_LITERAL:
            return True
        if v.datatype == datatype:
            info = facts(v)
            if info.ill_typed is True:
                return False
            return expected is None or isinstance(info.value, expected)
        if datatype == _RDFS_DATATYPE:
            return v.datatype is not None
        if datatype == _XSD_STRING:
            return v.datatype is None and v.lang is None
        if datatype == _RDF_LANGSTRING:
            return bool(v.lang)
        return False

    return check


def _range_check(bound_term, accept: Callable[[int], bool]) -> ValueCheck:
    """sh:min/maxIn/Exclusive: ``accept(order)`` where order compares the value node with the bound (-1, 0, 1)."""
    from pyshacl.rdfutil.compare import compare_literal

    bound = _plain(bound_term)
    if bound.__class__ is not Lit:
        raise Unsupported("a range bound that is not a literal")
    bound_facts = facts(bound)
    bound_literal = _rdflib_literal(bound)
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
        literal = _rdflib_literal(v)
        if isinstance(literal.value, str) != bound_is_text:
            return False
        try:
            return accept(compare_literal(literal, bound_literal))
        except (TypeError, NotImplementedError):
            return False

    return check


# -- the validator --------------------------------------------------------------------------------------------
class FastValidator:
    """The shapes of ``shapes`` compiled once; :meth:`validate` runs them over plain triples.

    Parameters
    ----------
    shapes, ontology : rdflib.Graph, optional
        Default: ``ontology/shapes.ttl`` and the ontology (``diaspora.ttl`` + ``concepts.ttl``), as
        :mod:`graph_loader.shacl.pyshacl_engine` loads them. The ontology is merged into every data set validated.
    """

    def __init__(self, shapes: Graph | None = None, ontology: Graph | None = None):
        shapes = shapes if shapes is not None else shapes_graph()
        ontology = ontology if ontology is not None else ontology_graph()
        self._compiler = ShapeCompiler(shapes)
        self._targets = self._compiler.targets()
        self._ontology_triples = list(from_rdflib(ontology))
        self._known_terms = frozenset(str(t) for t in defined_terms(ontology))
        self._target_classes = {c for _, declared in self._targets for c in declared["class"]}
        self._target_predicates = {p for _, d in self._targets for p in d["subjects_of"]}
        self._target_object_predicates = {p for _, d in self._targets for p in d["objects_of"]}
        if self._compiler.unsupported:
            warnings.warn("shapes the fast validator leaves out: " + "; ".join(
                f"{u.shape} ({u.feature})" for u in self._compiler.unsupported), stacklevel=2)

    def unsupported_shapes(self) -> list[UnsupportedShape]:
        """The shapes (and features) that could not be compiled and are left out of every validation."""
        return list(self._compiler.unsupported)

    def validate(self, triples: Iterable[Triple], *, origins: Mapping[str, str] | None = None) -> ValidationReport:
        """Validate ``triples`` (with the ontology merged in) and report as :func:`graph_loader.shacl.pyshacl_engine.validate`.

        Parameters
        ----------
        triples : iterable of (str, str, str or Lit)
            All the data loaded together (context included), as :mod:`graph_loader.rdf.read` yields them.
        origins : mapping of str to str, optional
            Focus-node IRI -> the file it was read from; copied into each result's ``source_file``.
        """
        # The index is millions of small dicts and lists and holds no cycle: the cyclic garbage collector would
        # only rescan them again and again as they are made (a quarter of the time at 10^6 triples).
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._validate(triples, origins)
        finally:
            if collecting:
                gc.enable()

    def _validate(self, triples: Iterable[Triple], origins: Mapping[str, str] | None) -> ValidationReport:
        data = DataIndex(self._compiler.inverse_predicates, self._target_predicates,
                         self._target_object_predicates)
        data.add(triples, known=self._known_terms)
        data.add(self._ontology_triples)
        findings: list[Finding] = self._unknown_term_findings(data.unknown_terms)
        findings += [("Violation", s, compact(URIRef(p)), value, problem, STORABLE_VALUE_SHAPE)
                     for (s, p, value), problem in data.unstorable.items()]
        instances = data.instances(self._target_classes)
        out = data.out
        for shape, declared in self._targets:
            units = shape.units()
            focus: dict[Node, None] = dict.fromkeys(declared["node"])
            for cls in declared["class"]:
                focus.update(dict.fromkeys(instances[cls]))
            for predicate in declared["subjects_of"]:
                focus.update(dict.fromkeys(data.subjects_of(predicate)))
            for predicate in declared["objects_of"]:
                focus.update(data.objects_of[predicate])
            for node in focus:
                by_predicate = out.get(node) if node.__class__ is str else None
                for unit, predicate, checks in units:
                    if predicate is None:
                        unit.report_own(data, node, by_predicate, findings)
                        continue
                    values = by_predicate.get(predicate) if by_predicate else None
                    if not values:
                        continue
                    for check in checks:
                        for value in values:
                            if not check(data, value):
                                findings.append((unit.severity, node, unit.path_text, value, unit.message,
                                                 unit.name))
        return _report(findings, origins)

    def _unknown_term_findings(self, uses: list[tuple[str, str, str]]) -> list[Finding]:
        """One Violation per (subject, unknown term), as :func:`graph_loader.shacl.pyshacl_engine.unknown_terms`."""
        names = sorted(term[len(DKG_NS):] for term in self._known_terms)
        found: dict[tuple[str, str], Finding] = {}
        for s, p, term in uses:
            if (s, term) in found:
                continue
            name = term[len(DKG_NS):]
            close = difflib.get_close_matches(name, names, n=1)
            hint = f" Did you mean dkg:{close[0]}?" if close else ""
            found[(s, term)] = ("Violation", s, compact(URIRef(p)), f"dkg:{name}",
                                f"dkg:{name} is not a term of the ontology (ontology/diaspora.ttl).{hint}",
                                UNKNOWN_TERM_SHAPE)
        return list(found.values())


def _node_text(node: Node | None) -> str | None:
    if node is None:
        return None
    return node.value if node.__class__ is Lit else node


def _report(findings: list[Finding], origins: Mapping[str, str] | None) -> ValidationReport:
    results = []
    for severity, focus, path, value, message, shape in findings:
        focus_text = _node_text(focus)
        results.append(ValidationResult(severity=severity, focus_node=focus_text, path=path,
                                        value=_node_text(value), message=message, shape=shape,
                                        source_file=origins.get(focus_text) if origins else None))
    rank = {severity: i for i, severity in enumerate(SEVERITIES)}
    results.sort(key=lambda r: (rank.get(r.severity, 9), r.shape, r.focus_node, r.path or "", r.value or ""))
    return ValidationReport(results)


@functools.cache
def default_validator() -> FastValidator:
    """The validator of the project's shapes and ontology, compiled once per process."""
    return FastValidator()


def validate_triples(triples: Iterable[Triple], *, origins: Mapping[str, str] | None = None) -> ValidationReport:
    """Validate plain triples against ``ontology/shapes.ttl`` (see :class:`FastValidator`)."""
    return default_validator().validate(triples, origins=origins)


def unsupported_shapes() -> list[UnsupportedShape]:
    """What :func:`validate_triples` leaves out of ``ontology/shapes.ttl`` (empty when it compiles whole)."""
    return default_validator().unsupported_shapes()
