"""What validation finds, whichever engine found it: results, the report, and how nodes, shapes and paths are
written in messages (``dkg:memberOf``, ``^dkg:jurisdiction``, the named shape a nested one belongs to).

Both engines (:mod:`.pyshacl_engine`, :mod:`.compiled`) build these, so their findings compare one to one.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from ..ontology.terms import DKG_NS

UNKNOWN_TERM_SHAPE = "dkg:UnknownTerm"
#: The shape name of findings about values Neo4j cannot store (see :func:`graph_loader.rdf.xsd.storage_problem`).
STORABLE_VALUE_SHAPE = "dkg:StorableValue"
SEVERITIES = ("Violation", "Warning", "Info")
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


def with_origins(results: list[ValidationResult], origins: Mapping[str, str] | None) -> list[ValidationResult]:
    """``results`` with ``source_file`` set from ``origins`` (focus node -> the file it was read from)."""
    if not origins:
        return results
    return [ValidationResult(**{**asdict(r), "source_file": origins.get(r.focus_node, r.source_file)}) for r in results]


def sorted_results(results: list[ValidationResult]) -> list[ValidationResult]:
    """Most severe first, then by shape, focus node, path and value: one order for both engines."""
    rank = {severity: i for i, severity in enumerate(SEVERITIES)}
    return sorted(results, key=lambda r: (rank.get(r.severity, 9), r.shape, r.focus_node, r.path or "", r.value or ""))


@functools.cache
def shape_owners(shapes: Graph) -> dict[Node, URIRef]:
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


def node_text(node: Node) -> str:
    return node.n3() if isinstance(node, BNode) else str(node)


def compact(node: Node) -> str:
    if isinstance(node, URIRef):
        for prefix, namespace in (
            ("dkg", DKG_NS),
            ("rdf", str(RDF)),
            ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
            ("skos", "http://www.w3.org/2004/02/skos/core#"),
        ):
            if str(node).startswith(namespace):
                return f"{prefix}:{str(node)[len(namespace):]}"
    return node_text(node)


def path_text(graph: Graph, path: Node) -> str:
    """Write a SHACL property path in SPARQL syntax (``dkg:locatedIn/^dkg:jurisdiction``)."""
    if isinstance(path, URIRef):
        return compact(path)
    if (path, RDF.first, None) in graph:
        return "/".join(path_text(graph, step) for step in Collection(graph, path))
    for link, template in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"), (SH.oneOrMorePath, "{}+"), (SH.zeroOrOnePath, "{}?")):
        inner = graph.value(path, link)
        if inner is not None:
            return template.format(path_text(graph, inner))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(path_text(graph, step) for step in Collection(graph, alternatives)) + ")"
    return node_text(path)
