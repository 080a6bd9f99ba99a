"""From paths to mapped inputs, with no server: expand folders, inspect each file once, parse, map.

A load, ``validate`` and the offline analyses all start here: :func:`prepare` turns paths into
:class:`PreparedSource` items (the file, its triples, its mapping), and :func:`from_files` merges them into the
:class:`~graph_loader.model.PropertyGraph` a load would write, for analyses without Neo4j. What needs the graph
(what it already holds, what it types) is asked by :mod:`graph_loader.neo4j.ledger` and handed in as plain values.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..model import RESOURCE_LABEL, PropertyGraph, Triple
from ..ontology.schema import GraphSchema, load_schema
from ..resources import seed_paths
from .mapping import GENID, RDF_TYPE, MappedGraph, derive_names, map_triples
from .read import SUPPORTED, SourceFile, expand_paths, inspect, iter_triples

#: The seed corpus: the gazetteer and the article's facts (:func:`graph_loader.resources.seed_paths`).
DEFAULT_PATHS = seed_paths()
#: How many untyped subjects a warning names by IRI before it only counts them.
UNTYPED_EXAMPLES = 3


@dataclass
class PreparedSource:
    """A parsed and mapped input file, ready to validate and write."""

    source: SourceFile
    triples: list[Triple]
    mapped: MappedGraph


def inspect_paths(paths: Iterable[Path] | None) -> list[SourceFile]:
    """Every RDF/CSV file under ``paths`` (default: the seed corpus), inspected; an error when there is none."""
    paths = list(paths or DEFAULT_PATHS)
    files = [inspect(p) for p in expand_paths(paths)]
    if not files:
        raise InputError(", ".join(map(str, paths)) or "(no path)", "no RDF or CSV file found",
                         hint=f"name files, or folders holding {', '.join(SUPPORTED)} files")
    return files


def prepare_sources(sources: Iterable[SourceFile], schema: GraphSchema | None = None) -> list[PreparedSource]:
    """Parse and map every file first, so a bad file stops the load before anything is written."""
    schema = schema or load_schema()
    prepared = []
    for source in sources:
        digest = hashlib.sha256()
        triples = list(iter_triples(source, digest))
        if digest.hexdigest() != source.sha256:  # changed on disk since inspected: record what was parsed
            source = dataclasses.replace(source, sha256=digest.hexdigest())
        prepared.append(PreparedSource(source, triples, map_triples(triples, schema)))
    return prepared


def prepare(paths: Iterable[Path] | None, schema: GraphSchema | None = None) -> list[PreparedSource]:
    """:func:`inspect_paths`, then :func:`prepare_sources`."""
    return prepare_sources(inspect_paths(paths), schema)


def subjects(prepared: list[PreparedSource]) -> set[str]:
    """The IRIs the inputs describe, a blank node as the IRI the graph gives it (``…/.well-known/genid/…``)."""
    return {GENID + s[2:] if s.startswith("_:") else s for p in prepared for s, _, _ in p.triples}


def referenced_uris(prepared: list[PreparedSource]) -> set[str]:
    """IRIs the inputs point at (ties, evidence, n-ary endpoints) but do not describe: they must exist already."""
    described = {s for p in prepared for s, _, _ in p.triples}
    objects = {o for p in prepared for _, pred, o in p.triples
               if pred != RDF_TYPE and isinstance(o, str) and not o.startswith("_:")}
    return objects - described


def untyped_nodes(prepared: list[PreparedSource]) -> set[str]:
    """Subjects with properties but no class in any input (another file may give the class)."""
    untyped = {u for p in prepared for u, row in p.mapped.nodes.items() if row["labels"] == (RESOURCE_LABEL,)}
    typed = {u for p in prepared for u, row in p.mapped.nodes.items() if row["labels"] != (RESOURCE_LABEL,)}
    return untyped - typed


def attach_relationship_updates(prepared: list[PreparedSource],
                                known_elsewhere: dict[str, tuple[str, str, str]] | None = None) -> None:
    """Let a file add facts to an n-ary relationship another file (or, ``known_elsewhere``, the graph) defines.

    ``known_elsewhere`` maps a relationship ``uri`` to ``(type, start, end)``.
    """
    known = {uri: (r["type"], r["start"], r["end"]) for p in prepared for uri, r in p.mapped.relationships.items()}
    known.update(known_elsewhere or {})
    for item in prepared:
        item.mapped.attach_to_relationships(known)


def warn_untyped(prepared: list[PreparedSource], typed_elsewhere: set[str] = frozenset()) -> None:
    """Add one warning per file whose subjects have properties but no class, here or (``typed_elsewhere``) in the
    graph.

    Such a subject loads as a bare ``Resource`` node that no query, shape or analysis sees: most often a typo in
    an IRI or a forgotten ``rdf:type``. Call it after :func:`attach_relationship_updates`, since a file may add
    facts to an n-ary relationship another file defines.
    """
    candidates = untyped_nodes(prepared) - set(typed_elsewhere)
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


def from_mapped(mapped: MappedGraph, source: str = "rdf") -> PropertyGraph:
    """A property graph straight from mapped RDF (no server): what a load would write, ``sources`` included."""
    graph = PropertyGraph()
    for uri, row in mapped.nodes.items():
        props = {**row["props"], "uri": uri, "evidence": row["evidence"], "sources": [source]}
        graph.nodes[uri] = {"labels": row["labels"], "props": props}
    for uri, rel in mapped.relationships.items():
        for end in (rel["start"], rel["end"]):
            if end not in graph.nodes:
                graph.nodes[end] = {"labels": (RESOURCE_LABEL,),
                                    "props": {"uri": end, "stub": True, "sources": [source], "evidence": [],
                                              **derive_names({}, end)}}
        graph.relationships[uri] = {"type": rel["type"], "start": rel["start"], "end": rel["end"],
                                    "props": {**rel["props"], "uri": uri, "evidence": rel["evidence"],
                                              "sources": [source]}}
    return graph


def from_prepared(prepared: list[PreparedSource]) -> PropertyGraph:
    """Merge prepared inputs into the one property graph a load of them would write, no server needed."""
    merged = MappedGraph()
    for item in prepared:
        merged.merge(item.mapped)
    merged.attach_to_relationships({u: (r["type"], r["start"], r["end"]) for u, r in merged.relationships.items()})
    graph = from_mapped(merged)
    # ``sources`` as a load writes them: the keys of the files that state each node and relationship.
    stated: dict[str, list[str]] = {}
    for item in prepared:
        ends = {e for r in item.mapped.relationships.values() for e in (r["start"], r["end"])}  # reference rows
        for uri in (*item.mapped.nodes, *item.mapped.relationships, *ends):
            stated.setdefault(uri, []).append(item.source.key)
    for table in (graph.nodes, graph.relationships):
        for uri, entry in table.items():
            if uri in stated:
                entry["props"]["sources"] = sorted(set(stated[uri]))
    return graph


def from_files(paths: Iterable[Path] | None = None, schema: GraphSchema | None = None) -> PropertyGraph:
    """Read, map and merge RDF/CSV files (default: the seed corpus) into one property graph, no server needed."""
    return from_prepared(prepare(paths, schema))
