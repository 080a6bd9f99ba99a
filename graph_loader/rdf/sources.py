"""From paths to mapped inputs, with no server: expand folders, inspect each file once, parse, map.

A load, ``validate`` and the offline analyses all start here: :func:`prepare` turns paths into
:class:`PreparedSource` items (the file, its triples, its mapping), and :func:`from_files` merges them into the
:class:`~graph_loader.model.PropertyGraph` a load would write (:func:`written_graph`, the bulk importer's graph too),
for analyses without Neo4j. What the graph already holds about the inputs is a :class:`GraphContext`'s answer:
:class:`FilesContext` here (the seed corpus's files), :class:`graph_loader.loading.DatabaseContext` for Neo4j.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..errors import InputError
from ..merge import plan_graph, public
from ..model import RESOURCE_LABEL, NodeRow, PropertyGraph, RelationshipRow, Triple
from ..ontology.schema import GraphSchema, load_schema
from ..resources import seed_paths
from .mapping import GENID, RDF_TYPE, MappedGraph, map_triples
from .read import SUPPORTED, SourceFile, expand_paths, inspect, iter_triples

#: The seed corpus: the gazetteer and the article's facts (:func:`graph_loader.resources.seed_paths`).
DEFAULT_PATHS = seed_paths()
#: How many untyped subjects a warning names by IRI before it only counts them.
UNTYPED_EXAMPLES = 3


@dataclass
class ParsedSource:
    """An input file and its triples, as parsed (what validation reads)."""

    source: SourceFile
    triples: list[Triple]


@dataclass
class PreparedSource(ParsedSource):
    """A parsed and mapped input file, ready to validate and write."""

    mapped: MappedGraph


def inspect_paths(paths: Iterable[Path] | None) -> list[SourceFile]:
    """Every RDF/CSV file under ``paths`` (default: the seed corpus), inspected; an error when there is none."""
    paths = list(paths or DEFAULT_PATHS)
    files = [inspect(p) for p in expand_paths(paths)]
    if not files:
        raise InputError(", ".join(map(str, paths)) or "(no path)", "no RDF or CSV file found",
                         hint=f"name files, or folders holding {', '.join(SUPPORTED)} files")
    return files


def parse_sources(sources: Iterable[SourceFile]) -> list[ParsedSource]:
    """Parse every file (a bad one raises :class:`~graph_loader.errors.InputError`), each recorded with the hash of
    the bytes that were parsed."""
    parsed = []
    for source in sources:
        digest = hashlib.sha256()
        triples = list(iter_triples(source, digest))
        if digest.hexdigest() != source.sha256:  # changed on disk since inspected: record what was parsed
            source = dataclasses.replace(source, sha256=digest.hexdigest())
        parsed.append(ParsedSource(source, triples))
    return parsed


def map_sources(parsed: Iterable[ParsedSource], schema: GraphSchema | None = None) -> list[PreparedSource]:
    """Map each parsed file's triples through the ontology."""
    schema = schema or load_schema()
    return [PreparedSource(item.source, item.triples, map_triples(item.triples, schema)) for item in parsed]


def prepare_sources(sources: Iterable[SourceFile], schema: GraphSchema | None = None) -> list[PreparedSource]:
    """Parse and map every file first, so a bad file stops the load before anything is written."""
    return map_sources(parse_sources(sources), schema)


def prepare(paths: Iterable[Path] | None, schema: GraphSchema | None = None) -> list[PreparedSource]:
    """:func:`inspect_paths`, then :func:`prepare_sources`."""
    return prepare_sources(inspect_paths(paths), schema)


def subjects(prepared: list[ParsedSource]) -> set[str]:
    """The IRIs the inputs describe, a blank node as the IRI the graph gives it (``…/.well-known/genid/…``)."""
    return {GENID + s[2:] if s.startswith("_:") else s for p in prepared for s, _, _ in p.triples}


def referenced_uris(prepared: list[ParsedSource]) -> set[str]:
    """IRIs the inputs point at (ties, evidence, n-ary endpoints) but do not describe: they must exist already."""
    described = {s for p in prepared for s, _, _ in p.triples}
    objects = {o for p in prepared for _, pred, o in p.triples
               if pred != RDF_TYPE and isinstance(o, str) and not o.startswith("_:")}
    return objects - described


def untyped_nodes(prepared: list[PreparedSource]) -> set[str]:
    """Subjects with properties but no class in any input (another file may give the class)."""
    untyped = {u for p in prepared for u, row in p.mapped.nodes.items() if row.labels == (RESOURCE_LABEL,)}
    typed = {u for p in prepared for u, row in p.mapped.nodes.items() if row.labels != (RESOURCE_LABEL,)}
    return untyped - typed


def attach_relationship_updates(prepared: list[PreparedSource],
                                known_elsewhere: dict[str, tuple[str, str, str]] | None = None) -> None:
    """Let a file add facts to an n-ary relationship another file (or, ``known_elsewhere``, the graph) defines.

    ``known_elsewhere`` maps a relationship ``uri`` to ``(type, start, end)``.
    """
    known = {uri: (r.type, r.start, r.end) for p in prepared for uri, r in p.mapped.relationships.items()}
    known.update(known_elsewhere or {})
    for item in prepared:
        item.mapped.attach_to_relationships(known)


def warn_untyped(prepared: list[PreparedSource], typed_elsewhere: set[str] = frozenset(),
                 untyped: set[str] | None = None) -> None:
    """Add one warning per file whose subjects have properties but no class, here or (``typed_elsewhere``) in the
    graph.

    Such a subject loads as a bare ``Resource`` node that no query, shape or analysis sees: most often a typo in
    an IRI or a forgotten ``rdf:type``. Call it after :func:`attach_relationship_updates`, since a file may add
    facts to an n-ary relationship another file defines. ``untyped``: :func:`untyped_nodes` of the inputs, when
    the caller has it (computed before the attachment, it may name subjects attached since: they are no node rows
    any more, and are not named).
    """
    candidates = (untyped_nodes(prepared) if untyped is None else untyped) - set(typed_elsewhere)
    for item in prepared:
        uris = sorted(u for u in item.mapped.nodes if u in candidates)
        if uris:
            examples = ", ".join(f"<{u}>" for u in uris[:UNTYPED_EXAMPLES])
            item.mapped.warnings.append(
                f"{len(uris)} subject(s) have properties but no rdf:type (e.g. {examples}): they load as bare "
                "Resource nodes that no query, shape or analysis sees; add an rdf:type or check the IRIs for typos")


def context_from_files(uris: set[str], paths: Iterable[Path] = DEFAULT_PATHS) -> list[Triple]:
    """``rdf:type`` triples for ``uris`` found in the default corpus (used when validating without a server)."""
    if not uris:
        return []
    triples = []
    for source in map(inspect, expand_paths(p for p in paths if Path(p).exists())):
        triples += [t for t in iter_triples(source) if t[1] == RDF_TYPE and t[0] in uris]
    return triples


def source_rows(mapped: MappedGraph) -> tuple[list[NodeRow], list[RelationshipRow]]:
    """The node and relationship rows one source writes, in the order it writes them.

    Endpoints defined elsewhere get a reference (stub) row, so they exist and record that this source uses them.
    """
    nodes = list(mapped.nodes.values())
    defined = mapped.nodes.keys()
    nodes += map(NodeRow.reference, sorted({u for r in mapped.relationships.values() for u in (r.start, r.end)}
                                           - defined))
    return nodes, list(mapped.relationships.values())


def written_graph(sources: Iterable[tuple[str, MappedGraph]]) -> PropertyGraph:
    """The graph a load of ``(source key, mapped rows)`` into an empty graph writes, as a reader sees it (what
    each source asserted left out): :func:`graph_loader.merge.plan_graph` of their rows, the one the bulk importer
    writes and the Bolt writer leaves."""
    graph = plan_graph((key, *source_rows(mapped)) for key, mapped in sources).graph
    for table in (graph.nodes, graph.relationships):
        for item in table.values():
            item["props"] = public(item["props"])
    return graph


class GraphContext(Protocol):
    """What the graph the inputs go into already holds about the resources they touch (validation's context)."""

    def relationships(self, uris: set[str]) -> dict[str, tuple[str, str, str]]:
        """``{uri: (type, start, end)}`` of the relationships among ``uris`` (facts added to n-ary ones)."""

    def typed(self, uris: set[str]) -> set[str]:
        """The ``uris`` the graph holds as nodes with a class."""

    def triples(self, parsed: list[ParsedSource]) -> list[Triple]:
        """What the graph holds about the resources ``parsed`` describes or points at, as triples to validate
        with them."""


@dataclass(frozen=True)
class FilesContext:
    """The context of inputs validated without a server: the classes of what they point at, read from ``paths``
    (default: the seed corpus); no relationship or typed node besides the inputs' own."""

    paths: tuple[Path, ...] = tuple(DEFAULT_PATHS)

    def relationships(self, uris: set[str]) -> dict[str, tuple[str, str, str]]:
        return {}

    def typed(self, uris: set[str]) -> set[str]:
        return set()

    def triples(self, parsed: list[ParsedSource]) -> list[Triple]:
        return context_from_files(referenced_uris(parsed), self.paths)


def from_mapped(mapped: MappedGraph, source: str = "rdf") -> PropertyGraph:
    """A property graph straight from mapped RDF (no server): what a load would write, ``sources`` included."""
    return written_graph([(source, mapped)])


def from_prepared(prepared: list[PreparedSource]) -> PropertyGraph:
    """The one property graph a load of prepared inputs would write into an empty graph, no server needed.

    Facts a file adds to an n-ary relationship another file defines are attached first
    (:func:`attach_relationship_updates`, which changes ``prepared`` as a load does).
    """
    attach_relationship_updates(prepared)
    return written_graph((item.source.key, item.mapped) for item in prepared)


def from_files(paths: Iterable[Path] | None = None, schema: GraphSchema | None = None) -> PropertyGraph:
    """Read, map and merge RDF/CSV files (default: the seed corpus) into one property graph, no server needed."""
    return from_prepared(prepare(paths, schema))
