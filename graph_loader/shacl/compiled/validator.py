"""The validator: :class:`FastValidator` (shapes compiled once, run over plain triples), the project's default
one (:func:`default_validator`, :func:`validate_triples`, :func:`unsupported_shapes`), and the report they build."""

from __future__ import annotations

import difflib
import functools
import gc
import warnings
from collections.abc import Iterable, Mapping

from rdflib import Graph, URIRef

from ...model import Lit, Triple
from ...ontology.load import defined_terms, ontology_graph, shapes_graph
from ...ontology.terms import DKG_NS
from ...rdf.read import from_rdflib
from ..report import (
    SEVERITIES,
    STORABLE_VALUE_SHAPE,
    UNKNOWN_TERM_SHAPE,
    ValidationReport,
    ValidationResult,
    compact,
)
from .compiler import ShapeCompiler
from .data import DataIndex
from .shapes import Finding, UnsupportedShape
from .values import Node


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
        mixed = data.mixed_datatypes()  # of the data alone, before the ontology joins them
        data.add(self._ontology_triples)
        findings: list[Finding] = self._unknown_term_findings(data.unknown_terms)
        findings += [("Violation", s, compact(URIRef(p)) if p else None, value, problem, STORABLE_VALUE_SHAPE)
                     for (s, p, value), problem in data.unstorable.items()]
        findings += [("Violation", s, compact(URIRef(p)), None, problem, STORABLE_VALUE_SHAPE)
                     for (s, p), problem in mixed.items()]
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
