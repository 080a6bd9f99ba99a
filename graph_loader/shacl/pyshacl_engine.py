"""The reference engine: pySHACL on an rdflib graph, plus the checks no shape can state (unknown dkg: terms,
values Neo4j cannot store).

Slower than :mod:`.compiled` (seconds at 10^4 triples, minutes at 10^6) but the reference: the differential
tests hold the compiled engine to its findings.

Choice of inference: ``"none"``. The whole ontology (``diaspora.ttl`` + ``concepts.ttl``) is merged into a
working copy of the data graph, so SHACL's own class semantics, which follow ``rdfs:subClassOf`` in the data
graph, make ``sh:targetClass`` and ``sh:class`` see subclasses: a ``dkg:HometownAssociation`` is checked by
``dkg:AgentShape``, and ``dkg:category`` may point at a concept of ``concepts.ttl``. RDFS inference would
add nothing SHACL needs and would defeat the range checks: from ``rdfs:range`` it would *infer* that any
value of ``dkg:memberOf`` is a ``dkg:Organisation`` (so ``sh:class`` could never fail), and it would
multiply the size of the data graph.

The merge is done here rather than through pyshacl's ``ont_graph``, which copies only RDFS/OWL axioms (not
the SKOS concepts, which are instances) and whose deep copy of named individuals is exponential on cycles.

Validate together every file that will be loaded together (gazetteer included): ``sh:class`` needs the
``rdf:type`` of the resources a property points to.

Literals are judged by XSD's lexical spaces (:mod:`graph_loader.rdf.xsd`), not by what Python's parsers accept:
in the working copy an ill-formed literal (``"31_342"^^xsd:integer``, ``"NaN"^^xsd:decimal``) becomes an
:class:`IllFormedLiteral`, ill-typed and without a value, so it fails ``sh:datatype`` (and range checks) as SPARQL
and TopBraid SHACL have it, instead of passing as 31342 or crashing a comparison; the other typed literals are
read with XSD's whitespace collapsed. That needs the lexical form as written: build the data graph with
:func:`graph_loader.rdf.read.to_rdflib`, which keeps it (rdflib's parsers would rewrite "31_342" as "31342").
Values Neo4j cannot store (an integer beyond 64 bits, a number that is not finite) are Violations of shape
``dkg:StorableValue``, whatever the shapes say.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterator, Mapping

import pyshacl
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from ..ontology.load import defined_terms, ontology_graph, shapes_graph
from ..ontology.terms import DKG_NS
from ..rdf import xsd
from ..rdf.mapping import NAME_PREDICATES
from .literals import quiet_rdflib, validation_literal
from .report import (
    STORABLE_VALUE_SHAPE,
    UNKNOWN_TERM_SHAPE,
    ValidationReport,
    ValidationResult,
    compact,
    node_text,
    path_text,
    shape_owners,
    sorted_results,
    with_origins,
)


def validate(data: Graph, *, origins: Mapping[str, str] | None = None) -> ValidationReport:
    """Check ``data`` against ``ontology/shapes.ttl`` and the ontology's vocabulary.

    Parameters
    ----------
    data : rdflib.Graph
        The data to check (not modified). Include the gazetteer and every other file loaded with it.
    origins : mapping of str to str, optional
        Focus-node IRI -> the file it was read from; copied into each result's ``source_file``.

    Returns
    -------
    ValidationReport
        SHACL results, plus a Violation with shape ``dkg:UnknownTerm`` for each use of a dkg: IRI that the
        ontology does not define.
    """
    ontology, shapes = ontology_graph(), shapes_graph()
    working = Graph()
    add = working.add
    with quiet_rdflib():
        for s, p, o in data:
            add((s, p, validation_literal(str(o), o.datatype, o.language) if isinstance(o, Literal) else o))
    working += ontology
    _conforms, report, _text = pyshacl.validate(
        working, shacl_graph=shapes, inference="none", advanced=False, inplace=True, allow_warnings=True
    )
    owners = shape_owners(shapes)
    results = [_result_from_report(report, node, shapes, owners) for node in report.subjects(RDF.type, SH.ValidationResult)]
    results += unknown_terms(data, ontology)
    results += unstorable_values(data)
    results += mixed_datatypes(data)
    return ValidationReport(sorted_results(with_origins(results, origins)))


def unstorable_values(data: Graph) -> list[ValidationResult]:
    """A Violation for each literal of ``data`` whose value Neo4j cannot store (any predicate, any shape), and for
    each IRI and name it cannot index.

    See :func:`graph_loader.rdf.xsd.storage_problem` (integers beyond 64 bits, numbers that are not finite or
    beyond a 64-bit float, dates outside years 1 to 9999) and :func:`graph_loader.rdf.xsd.index_problem` (IRIs,
    which become ``uri`` values, and the labels a ``name`` is made of, over :data:`~graph_loader.rdf.xsd.INDEXED_BYTES`
    bytes).
    """
    found: dict[tuple[str, str | None, str | None], ValidationResult] = {}

    def note(focus: str, path: Node | None, value: str | None, problem: str) -> None:
        found.setdefault((focus, str(path) if path else None, value), ValidationResult(
            severity="Violation", focus_node=focus, path=compact(path) if path else None, value=value,
            message=problem, shape=STORABLE_VALUE_SHAPE))

    for s, p, o in data:
        if isinstance(s, URIRef) and (problem := xsd.index_problem(str(s))):
            note(str(s), None, None, problem)
        if isinstance(o, URIRef) and (problem := xsd.index_problem(str(o))):
            note(node_text(s), p, xsd.shown(str(o)), problem)
        if not isinstance(o, Literal):
            continue
        if str(p) in NAME_PREDICATES and (problem := xsd.index_problem(str(o))):
            note(node_text(s), p, xsd.shown(str(o)), problem)
        if o.datatype is not None and (problem := xsd.storage_problem(str(o), str(o.datatype))):
            note(node_text(s), p, str(o), problem)
    return list(found.values())


def mixed_datatypes(data: Graph) -> list[ValidationResult]:
    """A Violation for each (subject, predicate) of ``data`` whose untagged literals have different datatypes
    (see :func:`graph_loader.rdf.xsd.mixed_datatypes_problem`)."""
    kinds: dict[tuple[Node, Node], set[str | None]] = defaultdict(set)
    for s, p, o in data:
        if isinstance(o, Literal) and not o.language:
            kinds[(s, p)].add(str(o.datatype) if o.datatype is not None else None)
    return [ValidationResult(severity="Violation", focus_node=node_text(s), path=compact(p), value=None,
                             message=problem, shape=STORABLE_VALUE_SHAPE)
            for (s, p), found in kinds.items() if len(found) > 1 and (problem := xsd.mixed_datatypes_problem(found))]


def unknown_terms(data: Graph, ontology: Graph) -> list[ValidationResult]:
    """A Violation for each (subject, term) where the data uses a dkg: IRI the ontology does not define.

    Terms are looked for as predicates, as objects (e.g. ``rdf:type dkg:Federaton``,
    ``rdf:predicate dkg:memberof``), in ``xsd:anyURI`` literals (``dkg:constrainsMeasure``) and as subjects.
    """
    known = defined_terms(ontology)
    known_names = sorted(str(t)[len(DKG_NS):] for t in known)
    found: dict[tuple[str, str], ValidationResult] = {}
    for s, p, o in data:
        for term in _dkg_iris((s, p, o)):
            if term in known or (str(s), str(term)) in found:
                continue
            name = str(term)[len(DKG_NS):]
            close = difflib.get_close_matches(name, known_names, n=1)
            hint = f" Did you mean dkg:{close[0]}?" if close else ""
            found[(str(s), str(term))] = ValidationResult(
                severity="Violation",
                focus_node=node_text(s),
                path=compact(p),
                value=f"dkg:{name}",
                message=f"dkg:{name} is not a term of the ontology (ontology/diaspora.ttl).{hint}",
                shape=UNKNOWN_TERM_SHAPE,
            )
    return list(found.values())


def _dkg_iris(triple: tuple[Node, Node, Node]) -> Iterator[URIRef]:
    for node in triple:
        if isinstance(node, Literal) and node.datatype == XSD.anyURI:
            node = URIRef(xsd.normal_form(str(node), xsd.ANY_URI))
        if isinstance(node, URIRef) and str(node).startswith(DKG_NS):
            yield node


def _result_from_report(report: Graph, node: Node, shapes: Graph, owners: Mapping[Node, URIRef]) -> ValidationResult:
    source = report.value(node, SH.sourceShape)
    shape = source if isinstance(source, URIRef) else owners.get(source, source)
    messages = sorted(report.objects(node, SH.resultMessage), key=lambda m: (getattr(m, "language", None) not in (None, "en"), str(m)))
    path = report.value(node, SH.resultPath)
    focus = report.value(node, SH.focusNode)
    value = report.value(node, SH.value)
    if value == focus:  # node-level constraints repeat the focus node as the value; it says nothing new
        value = None
    return ValidationResult(
        severity=str(report.value(node, SH.resultSeverity)).rsplit("#", 1)[-1],
        focus_node=node_text(focus),
        path=path_text(report, path) if path is not None else None,
        value=None if value is None else (str(value) if isinstance(value, Literal) else node_text(value)),
        message=str(messages[0]) if messages else "",
        shape=compact(shape),
    )


