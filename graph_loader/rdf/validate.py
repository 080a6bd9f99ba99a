"""Validate RDF data against the diaspora-kg ontology: SHACL shapes plus a check for unknown dkg: terms.

Used by ``diaspora-kg validate`` and by the loader (violations stop a load; warnings are reported only).

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
import functools
import logging
import math
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, SH, XSD
from rdflib.term import Node

from ..ontology.load import ontology_graph, shapes_graph
from ..ontology.terms import DKG_NS
from . import xsd

UNKNOWN_TERM_SHAPE = "dkg:UnknownTerm"
#: The shape named by results about values Neo4j cannot store (:func:`graph_loader.rdf.xsd.storage_problem`).
STORABLE_VALUE_SHAPE = "dkg:StorableValue"
SEVERITIES = ("Violation", "Warning", "Info")

_TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
# Links from a shape to the shapes nested in it, used to name the top-level shape behind a result.
_NESTING = (SH.property, SH.node, SH["not"], SH.qualifiedValueShape)
_LIST_NESTING = (SH["or"], SH["and"], SH.xone)


@dataclass(frozen=True)
class ValidationResult:
    """One finding about the data.

    Attributes
    ----------
    severity : str
        ``"Violation"`` (the data is wrong; a load stops), ``"Warning"`` or ``"Info"`` (reported only).
    focus_node : str
        IRI of the resource the finding is about (``_:id`` for a blank node).
    path : str or None
        The property (path) concerned, as ``prefix:name`` where possible.
    value : str or None
        The offending value (IRI or literal's lexical form), when there is one.
    message : str
        What is wrong, in plain English.
    shape : str
        The shape that found it, e.g. ``"dkg:ContributionShape"``, or ``"dkg:UnknownTerm"``.
    source_file : str or None
        The file the focus node was read from, when the caller said so.
    """

    severity: str
    focus_node: str
    path: str | None
    value: str | None
    message: str
    shape: str
    source_file: str | None = None


@dataclass
class ValidationReport:
    """All findings of one validation run, most severe first."""

    results: list[ValidationResult]

    @property
    def violations(self) -> list[ValidationResult]:
        """Findings of severity Violation."""
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        """Findings of severity Warning."""
        return [r for r in self.results if r.severity == "Warning"]

    @property
    def infos(self) -> list[ValidationResult]:
        """Findings of severity Info."""
        return [r for r in self.results if r.severity == "Info"]

    @property
    def conforms(self) -> bool:
        """True when there is no Violation (warnings and infos do not stop a load)."""
        return not self.violations

    def to_json(self) -> list[dict]:
        """The findings as a list of plain dictionaries (the fields of :class:`ValidationResult`)."""
        return [asdict(r) for r in self.results]

    def to_text(self) -> str:
        """A human-readable report: counts, then findings grouped by severity and shape."""
        counts = ", ".join(f"{len(self._of(s))} {s.lower()}(s)" for s in SEVERITIES)
        lines = [f"{'Conforms' if self.conforms else 'Does not conform'}: {counts}"]
        for severity in SEVERITIES:
            found = self._of(severity)
            if not found:
                continue
            lines.append(f"\n{severity} ({len(found)})")
            for shape in sorted({r.shape for r in found}):
                of_shape = [r for r in found if r.shape == shape]
                lines.append(f"  {shape} ({len(of_shape)})")
                for r in of_shape:
                    where = f" [{r.source_file}]" if r.source_file else ""
                    what = "".join(
                        part for part in (f" {r.path}" if r.path else "", f" = {r.value!r}" if r.value else "")
                    )
                    lines.append(f"    {r.focus_node}{where}{what}")
                    lines.append(f"      {r.message}")
        return "\n".join(lines)

    def _of(self, severity: str) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == severity]


def defined_terms(ontology: Graph) -> frozenset[URIRef]:
    """The IRIs of the dkg: namespace that the ontology declares as a class or property."""
    return frozenset(
        s
        for kind in _TERM_TYPES
        for s in ontology.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(DKG_NS)
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
    owners = _shape_owners(shapes)
    results = [_result_from_report(report, node, shapes, owners) for node in report.subjects(RDF.type, SH.ValidationResult)]
    results += unknown_terms(data, ontology)
    results += unstorable_values(data)
    if origins:
        results = [
            ValidationResult(**{**asdict(r), "source_file": origins.get(r.focus_node, r.source_file)}) for r in results
        ]
    rank = {severity: i for i, severity in enumerate(SEVERITIES)}
    results.sort(key=lambda r: (rank.get(r.severity, 9), r.shape, r.focus_node, r.path or "", r.value or ""))
    return ValidationReport(results)


class IllFormedLiteral(Literal):
    """A typed literal outside its datatype's XSD lexical space: ill-typed and without a value.

    rdflib reads ``"31_342"^^xsd:integer`` as 31342 and ``"NaN"^^xsd:decimal`` as ``Decimal('NaN')``; SPARQL,
    SHACL and TopBraid read them as ill-typed literals, which ``sh:datatype`` rejects and no range can compare.
    The lexical form and datatype stay as written, so reports show the value as the data give it.
    """

    __slots__ = ()

    @property
    def ill_typed(self) -> bool:
        return True

    @property
    def value(self) -> None:
        return None


class _NotANumber(float):
    """NaN whose order comparisons are false with anything, as a float NaN's are with numbers; with a Decimal a
    float NaN raises instead (``float('nan') > Decimal('0.10')``: ``decimal.InvalidOperation``)."""

    def __lt__(self, other) -> bool:
        return False

    __le__ = __gt__ = __ge__ = __lt__


_NAN = _NotANumber("nan")


class NaNLiteral(Literal):
    """A well-formed ``"NaN"^^xsd:double`` (or ``xsd:float``) whose value compares with no number without raising,
    Decimal bounds included: pySHACL ranks it below every bound. (It cannot be stored: ``dkg:StorableValue``.)"""

    __slots__ = ()

    @property
    def value(self) -> float:
        return _NAN


@contextmanager
def quiet_rdflib() -> Iterator[None]:
    """Silence rdflib's traceback and warning for each literal it cannot convert: here that is an answer."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        log = logging.getLogger("rdflib.term")
        was_disabled, log.disabled = log.disabled, True
        try:
            yield
        finally:
            log.disabled = was_disabled


def validation_literal(lexical: str, datatype: str | None, lang: str | None = None) -> Literal:
    """The literal as both SHACL engines judge it (call within :func:`quiet_rdflib`).

    An :class:`IllFormedLiteral` when :func:`graph_loader.rdf.xsd.well_formed` says so; else the literal as
    rdflib normalises it (``"007"^^xsd:integer`` is ``"7"``), after XSD's whitespace collapse; a
    :class:`NaNLiteral` for NaN.
    """
    if lang or datatype is None:
        return Literal(lexical, lang=lang)
    datatype = str(datatype)
    if not xsd.well_formed(lexical, datatype):
        return IllFormedLiteral(lexical, datatype=URIRef(datatype), normalize=False)
    text = xsd.normal_form(lexical, datatype)
    literal = Literal(text, datatype=URIRef(datatype))
    if isinstance(literal.value, float) and not math.isfinite(literal.value):
        # Not rdflib's "nan" and "inf", which are no XSD: a literal read again must be judged the same.
        kind = NaNLiteral if math.isnan(literal.value) else Literal
        return kind(text, datatype=URIRef(datatype), normalize=False)
    return literal


def unstorable_values(data: Graph) -> list[ValidationResult]:
    """A Violation for each literal of ``data`` whose value Neo4j cannot store (any predicate, any shape).

    See :func:`graph_loader.rdf.xsd.storage_problem`: integers beyond 64 bits, numbers that are not finite or
    beyond a 64-bit float, dates outside years 1 to 9999.
    """
    found: dict[tuple[str, str, str], ValidationResult] = {}
    for s, p, o in data:
        if not isinstance(o, Literal) or o.datatype is None:
            continue
        problem = xsd.storage_problem(str(o), str(o.datatype))
        if problem is not None:
            focus = _node_text(s)
            found.setdefault((focus, str(p), str(o)), ValidationResult(
                severity="Violation", focus_node=focus, path=_compact(p), value=str(o), message=problem,
                shape=STORABLE_VALUE_SHAPE))
    return list(found.values())


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
                focus_node=_node_text(s),
                path=_compact(p),
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


@functools.cache
def _shape_owners(shapes: Graph) -> dict[Node, URIRef]:
    """Map every blank-node shape to the named (IRI) shape it is nested in."""
    owners: dict[Node, URIRef] = {}
    named = {s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}
    for top in named:
        stack = [top]
        while stack:
            shape = stack.pop()
            children = [o for link in _NESTING for o in shapes.objects(shape, link)]
            children += [m for link in _LIST_NESTING for head in shapes.objects(shape, link) for m in Collection(shapes, head)]
            for child in children:
                if isinstance(child, BNode) and child not in owners:
                    owners[child] = top
                    stack.append(child)
    return owners


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
        focus_node=_node_text(focus),
        path=_path_text(report, path) if path is not None else None,
        value=None if value is None else (str(value) if isinstance(value, Literal) else _node_text(value)),
        message=str(messages[0]) if messages else "",
        shape=_compact(shape),
    )


def _node_text(node: Node) -> str:
    return node.n3() if isinstance(node, BNode) else str(node)


def _compact(node: Node) -> str:
    if isinstance(node, URIRef):
        for prefix, namespace in (
            ("dkg", DKG_NS),
            ("rdf", str(RDF)),
            ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
            ("skos", "http://www.w3.org/2004/02/skos/core#"),
        ):
            if str(node).startswith(namespace):
                return f"{prefix}:{str(node)[len(namespace):]}"
    return _node_text(node)


def _path_text(graph: Graph, path: Node) -> str:
    """Write a SHACL property path in SPARQL syntax (``dkg:locatedIn/^dkg:jurisdiction``)."""
    if isinstance(path, URIRef):
        return _compact(path)
    if (path, RDF.first, None) in graph:
        return "/".join(_path_text(graph, step) for step in Collection(graph, path))
    for link, template in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"), (SH.oneOrMorePath, "{}+"), (SH.zeroOrOnePath, "{}?")):
        inner = graph.value(path, link)
        if inner is not None:
            return template.format(_path_text(graph, inner))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path_text(graph, step) for step in Collection(graph, alternatives)) + ")"
    return _node_text(path)
