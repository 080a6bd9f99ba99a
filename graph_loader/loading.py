"""Loading sources into Neo4j: read, validate, map, write; and unloading them again.

Each input file is a *source*, named by :func:`graph_loader.rdf.read.source_key`. A ``(:LoadedSource {key,
sha256, complete})`` node remembers what was loaded:

* unchanged file (same hash, complete) -> skipped, so a reload of unchanged input costs one hash per file;
* changed file, or a load that died half-way (``complete = false``) -> the source's previous facts are unloaded
  first, then it is loaded again; so a load interrupted by a crash and run again ends in the graph a clean load
  gives: nothing lost, nothing doubled.

Validation runs on all changed inputs together before anything is written; a violation stops the load (exit 1)
with the database unchanged.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, ValidationFailed
from .neo4j.connection import Database
from .neo4j.writer import GraphWriter, WriteCounts
from .rdf.mapping import RDF_TYPE, MappedGraph, map_triples, python_value
from .rdf.read import (
    SUPPORTED,
    Lit,
    SourceFile,
    Term,
    Triple,
    expand_paths,
    inspect,
    iter_triples,
    source_key,
)
from .schema import RESOURCE_LABEL, GraphSchema, load_schema
from .settings import PROJECT_ROOT

DEFAULT_PATHS = (PROJECT_ROOT / "data" / "gazetteer", PROJECT_ROOT / "data" / "seed")


@dataclass
class PreparedSource:
    """A parsed and mapped input file, ready to validate and write."""

    source: SourceFile
    triples: list[Triple]
    mapped: MappedGraph


@dataclass
class FileReport:
    key: str
    status: str  # loaded | reloaded | unchanged | would-load
    triples: int = 0
    counts: WriteCounts = field(default_factory=WriteCounts)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {"source": self.key, "status": self.status, "triples": self.triples, **self.counts.to_dict(),
                "warnings": self.warnings, "seconds": round(self.seconds, 3)}


@dataclass
class LoadReport:
    files: list[FileReport]
    validation: object | None
    dry_run: bool
    seconds: float

    @property
    def totals(self) -> WriteCounts:
        total = WriteCounts()
        for report in self.files:
            total.add(report.counts)
        return total

    def to_dict(self) -> dict:
        validation = self.validation
        return {
            "dry_run": self.dry_run,
            "seconds": round(self.seconds, 3),
            "files": [f.to_dict() for f in self.files],
            "totals": self.totals.to_dict(),
            "validation": None if validation is None else {
                "conforms": validation.conforms,
                "violations": len(validation.violations), "warnings": len(validation.warnings),
                "results": validation.to_json(),
            },
        }


def prepare(paths: Iterable[Path], schema: GraphSchema | None = None) -> list[PreparedSource]:
    """Inspect, parse and map every file first, so a bad file stops the load before anything is written."""
    schema = schema or load_schema()
    files = expand_paths(paths)
    if not files:
        raise InputError(", ".join(map(str, paths)) or "(no path)", "no RDF or CSV file found")
    prepared = []
    for source in map(inspect, files):
        triples = list(iter_triples(source))
        prepared.append(PreparedSource(source, triples, map_triples(triples, schema)))
    return prepared


def attach_relationship_updates(prepared: list[PreparedSource], db: Database | None = None) -> None:
    """Let a file add facts to an n-ary relationship another file (or the graph) defines."""
    known = {uri: (r["type"], r["start"], r["end"]) for p in prepared for uri, r in p.mapped.relationships.items()}
    untyped = {u for p in prepared for u, row in p.mapped.nodes.items() if row["labels"] == (RESOURCE_LABEL,)}
    if db is not None and untyped - known.keys():
        rows = db.read("MATCH (a)-[r]->(b) WHERE r.uri IN $uris RETURN r.uri AS uri, type(r) AS type, "
                       "a.uri AS start, b.uri AS end", {"uris": sorted(untyped - known.keys())})
        known.update({r["uri"]: (r["type"], r["start"], r["end"]) for r in rows})
    for item in prepared:
        item.mapped.attach_to_relationships(known)


#: How many untyped subjects a warning names by IRI before it only counts them.
UNTYPED_EXAMPLES = 3


def warn_untyped(prepared: list[PreparedSource], db: Database | None = None) -> None:
    """Add one warning per file whose subjects have properties but no class, here or in the graph.

    Such a subject loads as a bare ``Resource`` node that no query, shape or analysis sees: most often a typo in
    an IRI or a forgotten ``rdf:type``. Called after :func:`attach_relationship_updates`, since a file may add
    facts to an n-ary relationship another file defines. A file alone cannot tell (another file or the graph may
    give the class), so this runs over all inputs together.
    """
    untyped = {item.source.key: [u for u, row in item.mapped.nodes.items() if row["labels"] == (RESOURCE_LABEL,)]
               for item in prepared}
    typed_here = {u for item in prepared for u, row in item.mapped.nodes.items() if row["labels"] != (RESOURCE_LABEL,)}
    candidates = {u for uris in untyped.values() for u in uris} - typed_here
    typed_in_graph = set()
    if db is not None and candidates:
        typed_in_graph = {r["uri"] for r in db.read(
            f"MATCH (n:{RESOURCE_LABEL}) WHERE n.uri IN $uris AND size(labels(n)) > 1 RETURN n.uri AS uri",
            {"uris": sorted(candidates)})}
    for item in prepared:
        uris = sorted(set(untyped[item.source.key]) & candidates - typed_in_graph)
        if uris:
            examples = ", ".join(f"<{u}>" for u in uris[:UNTYPED_EXAMPLES])
            item.mapped.warnings.append(
                f"{len(uris)} subject(s) have properties but no rdf:type (e.g. {examples}): they load as bare "
                "Resource nodes that no query, shape or analysis sees; add an rdf:type or check the IRIs for typos")


def referenced_uris(prepared: list[PreparedSource]) -> set[str]:
    """IRIs the inputs point at (ties, evidence, n-ary endpoints) but do not describe: they must exist already."""
    subjects = {s for p in prepared for s, _, _ in p.triples}
    objects = {o for p in prepared for _, pred, o in p.triples
               if pred != RDF_TYPE and isinstance(o, str) and not o.startswith("_:")}
    return objects - subjects


def context_from_database(db: Database, prepared: list[PreparedSource], schema: GraphSchema,
                          replaced: set[str] = frozenset()) -> list[Triple]:
    """What the graph already holds about the resources the inputs touch, as triples to validate with them.

    A file loaded after another is checked against what the first one left: a second ``foundedYear``, a second
    class disjoint with the first, a second contributor of one contribution break the shapes exactly as they would
    if both files were validated together. The inputs' subjects come whole (properties, ties, n-ary
    relationships), what they point at by its classes. Facts only ``replaced`` sources assert are left out: the
    load unloads them first. A value the input states again is not counted twice, even in another lexical form.
    """
    from .export import RdfExporter
    from .neo4j.read import read_touched
    from .rdf.read import from_rdflib

    subjects = {s for p in prepared for s, _, _ in p.triples if not s.startswith("_:")}
    graph = read_touched(db, schema, subjects, referenced_uris(prepared))
    if not graph.nodes:
        return []
    for table in (graph.nodes, graph.relationships):
        for uri in [u for u, item in table.items() if set(item["props"].get("sources") or ["?"]) <= replaced]:
            del table[uri]
    stated = {(s, p, _value_key(o)) for item in prepared for s, p, o in item.triples}
    exporter = RdfExporter(schema, namespace_prefixes(db))
    return [t for t in from_rdflib(exporter.to_rdflib(graph)) if (t[0], t[1], _value_key(t[2])) not in stated]


def _value_key(term: Term) -> object:
    """What makes two objects the same value: the IRI, or a literal's stored value and language."""
    return (python_value(term), term.lang) if isinstance(term, Lit) else term


def context_from_files(uris: set[str], paths: Iterable[Path] = DEFAULT_PATHS) -> list[Triple]:
    """``rdf:type`` triples for ``uris`` found in the default corpus (used when validating without a server)."""
    if not uris:
        return []
    triples = []
    for source in map(inspect, expand_paths(p for p in paths if Path(p).exists())):
        triples += [t for t in iter_triples(source) if t[1] == RDF_TYPE and t[0] in uris]
    return triples


#: Above this many triples the compiled validator (graph_loader.rdf.fast_validate) replaces pySHACL, whose time
#: grows to minutes; tests check that both give the same results on the examples, invalid cases and seed corpus.
FAST_VALIDATION_THRESHOLD = 20_000


def validate_prepared(prepared: list[PreparedSource], context: list[Triple] = (), *, engine: str = "auto"):
    """SHACL-validate the inputs together (plus ``context``); returns the report.

    ``engine`` is ``pyshacl``, ``fast`` (compiled shapes) or ``auto`` (pySHACL for small inputs).
    """
    origins: dict[str, str] = {}
    for item in prepared:
        for s, _, _ in item.triples:
            origins.setdefault(s if not s.startswith("_:") else s[2:], item.source.key)
    total = sum(len(item.triples) for item in prepared)
    if engine == "fast" or (engine == "auto" and total > FAST_VALIDATION_THRESHOLD):
        from itertools import chain

        from .rdf.fast_validate import validate_triples

        report = validate_triples(chain(context, *(item.triples for item in prepared)), origins=origins)
    else:
        from .rdf.read import to_rdflib
        from .rdf.validate import validate

        graph = to_rdflib(context)
        for item in prepared:
            to_rdflib(item.triples, graph)
        report = validate(graph, origins=origins)
    # Context resources (already loaded, known here only by their type) are not the inputs' to answer for.
    context_only = {s for s, _, _ in context} - origins.keys()
    return type(report)([r for r in report.results if r.focus_node not in context_only])


def load(paths: Iterable[Path] | None, db: Database, *, batch_size: int = 5000, dry_run: bool = False,
         force: bool = False, progress: Callable[[str, int], Callable[[int], None]] | None = None,
         schema: GraphSchema | None = None) -> LoadReport:
    """Load ``paths`` (default: the seed corpus and gazetteer) into ``db``; see the module docstring.

    Parameters
    ----------
    batch_size : int
        Rows per transaction (nodes or relationships).
    dry_run : bool
        Validate and report what would be written; write nothing.
    force : bool
        Reload files even when their hash is unchanged.
    progress : callable, optional
        ``progress(description, total)`` returns an ``advance(n)`` callback; used for the progress bar.
    """
    started = time.perf_counter()
    schema = schema or load_schema()
    paths = list(paths or DEFAULT_PATHS)
    all_files = [inspect(p) for p in expand_paths(paths)]
    if not all_files:
        raise InputError(", ".join(map(str, paths)), "no RDF or CSV file found",
                         hint=f"name files, or folders holding {', '.join(SUPPORTED)} files")
    loaded = _loaded_sources(db, [f.key for f in all_files])
    changed = [f for f in all_files if force or loaded.get(f.key) != (f.sha256, True)]
    reports = [FileReport(f.key, "unchanged") for f in all_files if f not in changed]
    if not changed:
        return LoadReport(reports, None, dry_run, time.perf_counter() - started)

    prepared = prepare([f.path for f in changed], schema)
    attach_relationship_updates(prepared, db)
    warn_untyped(prepared, db)
    replaced = {f.key for f in changed if f.key in loaded}
    context = context_from_database(db, prepared, schema, replaced)
    validation = validate_prepared(prepared, context)
    if not validation.conforms:
        raise ValidationFailed(validation)
    if dry_run:
        reports += [_dry_run_report(db, item) for item in prepared]
        return LoadReport(reports, validation, True, time.perf_counter() - started)

    writer = GraphWriter(db, schema, batch_size=batch_size)
    writer.ensure_schema()
    for item in prepared:
        # A changed file, or one whose last load died half-way, first loses the facts it asserted before.
        previous = loaded.get(item.source.key)
        replace = previous is not None and previous != (item.source.sha256, True)
        with db.connection_guard(f"loading {item.source.key}",
                                 "start Neo4j again (`diaspora-kg neo4j start` for the managed instance) and run "
                                 "the same `load`: the file is marked incomplete and is reloaded whole"):
            reports.append(_load_one(db, writer, item, previous is not None, replace, progress))
    return LoadReport(reports, validation, False, time.perf_counter() - started)


def _loaded_sources(db: Database, keys: list[str]) -> dict[str, tuple[str, bool]]:
    rows = db.read("MATCH (s:LoadedSource) WHERE s.key IN $keys RETURN s.key AS key, s.sha256 AS sha, "
                   "coalesce(s.complete, false) AS complete", {"keys": keys})
    return {r["key"]: (r["sha"], r["complete"]) for r in rows}


def _load_one(db: Database, writer: GraphWriter, item: PreparedSource, existed: bool, replace: bool,
              progress) -> FileReport:
    started = time.perf_counter()
    key = item.source.key
    if replace:
        unload(db, key)
    db.write("MERGE (s:LoadedSource {key: $key}) SET s.sha256 = $sha, s.complete = false, "
             "s.path = $path, s.startedAt = datetime()",
             {"key": key, "sha": item.source.sha256, "path": str(item.source.path)})
    nodes = list(item.mapped.nodes.values())
    # Endpoints defined elsewhere get a reference row, so they exist and record that this source uses them.
    defined = item.mapped.nodes.keys()
    for uri in sorted({u for r in item.mapped.relationships.values() for u in (r["start"], r["end"])} - defined):
        nodes.append({"uri": uri, "labels": (RESOURCE_LABEL,), "props": {}, "evidence": [], "stub": True})
    relationships = list(item.mapped.relationships.values())
    advance = progress(key, len(nodes) + len(relationships)) if progress else None
    writer.on_progress = advance or (lambda n: None)
    counts = writer.write_nodes(nodes, key)
    counts.add(writer.write_relationships(relationships, key))
    db.write("MATCH (s:LoadedSource {key: $key}) SET s.complete = true, s.loadedAt = datetime(), "
             "s.triples = $triples, s.nodes = $nodes, s.relationships = $rels, s.prefixes = $prefixes",
             {"key": key, "triples": item.mapped.triples, "nodes": len(item.mapped.nodes),
              "rels": len(relationships),
              "prefixes": [f"{p}={ns}" for p, ns in sorted(item.mapped.prefixes.items())]})
    return FileReport(key, "reloaded" if existed else "loaded", item.mapped.triples, counts,
                      item.mapped.warnings, time.perf_counter() - started)


def _dry_run_report(db: Database, item: PreparedSource) -> FileReport:
    counts = WriteCounts()
    node_uris = list(item.mapped.nodes)
    present = {r["uri"] for r in db.read(f"MATCH (n:{RESOURCE_LABEL}) WHERE n.uri IN $uris RETURN n.uri AS uri",
                                          {"uris": node_uris})}
    for row in item.mapped.nodes.values():
        state = "present" if row["uri"] in present else "would-create"
        counts.nodes[state] += 1
        counts.by_label[row["labels"][0]][state] += 1
    rel_uris = list(item.mapped.relationships)
    present = {r["uri"] for r in db.read("MATCH ()-[r]->() WHERE r.uri IN $uris RETURN r.uri AS uri",
                                          {"uris": rel_uris})} if rel_uris else set()
    for row in item.mapped.relationships.values():
        state = "present" if row["uri"] in present else "would-create"
        counts.relationships[state] += 1
        counts.by_type[row["type"]][state] += 1
    return FileReport(item.source.key, "would-load", item.mapped.triples, counts, item.mapped.warnings)


UNLOAD_RELATIONSHIPS = f"""
MATCH (n:{RESOURCE_LABEL})-[r]->() WHERE $key IN n.sources AND $key IN r.sources
CALL (r) {{
  WITH r, size(r.sources) AS count
  FOREACH (_ IN CASE WHEN count = 1 THEN [1] ELSE [] END | DELETE r)
  FOREACH (_ IN CASE WHEN count > 1 THEN [1] ELSE [] END | SET r.sources = [s IN r.sources WHERE s <> $key])
}} IN TRANSACTIONS OF 10000 ROWS
"""
UNLOAD_NODES = f"""
MATCH (n:{RESOURCE_LABEL}) WHERE $key IN n.sources
CALL (n) {{
  WITH n, size(n.sources) AS count
  FOREACH (_ IN CASE WHEN count = 1 THEN [1] ELSE [] END | DETACH DELETE n)
  FOREACH (_ IN CASE WHEN count > 1 THEN [1] ELSE [] END | SET n.sources = [s IN n.sources WHERE s <> $key])
}} IN TRANSACTIONS OF 10000 ROWS
"""


def unload(db: Database, key_or_path: str) -> dict:
    """Remove what only this source asserted; keep what other sources also assert (minus this source).

    ``key_or_path`` is a source key as stored (see ``diaspora-kg sources``) or the path of the file. The ledger
    entry is marked incomplete before anything is deleted, so an unload that dies half-way leaves a source that
    the next ``load`` reloads whole and the next ``unload`` finishes; the entry goes only when nothing is left.
    """
    key = key_or_path
    if Path(key_or_path).exists():
        key = source_key(Path(key_or_path))
    known = db.read("MATCH (s:LoadedSource {key: $key}) RETURN count(s) AS n", {"key": key})[0]["n"]
    before = _count_for(db, key)
    if not known and not (before["nodes_removed"] or before["nodes_kept"] or before["relationships_removed"]
                          or before["relationships_kept"]):
        raise InputError(key_or_path, "no loaded source has this key or path",
                         hint="`diaspora-kg sources` lists what is loaded")
    db.write("MATCH (s:LoadedSource {key: $key}) SET s.complete = false, s.unloadingSince = datetime()",
             {"key": key})
    with db.connection_guard(f"unloading {key}", "start Neo4j again and run the same `unload` (or `load`, "
                                                "which reloads the source whole)"):
        with db.session() as session:
            session.run(UNLOAD_RELATIONSHIPS, key=key).consume()
            session.run(UNLOAD_NODES, key=key).consume()
    db.write("MATCH (s:LoadedSource {key: $key}) DELETE s", {"key": key})
    return {"source": key, **before}


def _count_for(db: Database, key: str) -> dict:
    row = db.read(
        f"""MATCH (n:{RESOURCE_LABEL}) WHERE $key IN n.sources
        WITH count(n) AS nodes, count(CASE WHEN size(n.sources) = 1 THEN 1 END) AS only_nodes
        OPTIONAL MATCH (:{RESOURCE_LABEL})-[r]->() WHERE $key IN r.sources
        RETURN nodes, only_nodes, count(r) AS relationships,
               count(CASE WHEN size(r.sources) = 1 THEN 1 END) AS only_relationships""",
        {"key": key})[0]
    return {"nodes_removed": row["only_nodes"], "nodes_kept": row["nodes"] - row["only_nodes"],
            "relationships_removed": row["only_relationships"],
            "relationships_kept": row["relationships"] - row["only_relationships"]}


def loaded_sources(db: Database) -> list[dict]:
    """What has been loaded: key, hash, completeness, counts, when."""
    return db.read("MATCH (s:LoadedSource) RETURN s.key AS source, s.complete AS complete, s.triples AS triples, "
                   "s.nodes AS nodes, s.relationships AS relationships, toString(s.loadedAt) AS loaded_at "
                   "ORDER BY source")


def namespace_prefixes(db: Database) -> dict[str, str]:
    """``{prefix: namespace}`` of predicates outside the ontology, as the loads recorded them (for export).

    One orientation everywhere: :attr:`MappedGraph.prefixes`, the ``prefix=namespace`` strings of
    ``LoadedSource.prefixes`` and :class:`graph_loader.export.RdfExporter` all map a prefix to its namespace,
    since a property key ``dcterms__description`` is looked up by its prefix.
    """
    rows = db.read("MATCH (s:LoadedSource) UNWIND coalesce(s.prefixes, []) AS p RETURN DISTINCT p ORDER BY p")
    return dict(row["p"].split("=", 1) for row in rows if "=" in row["p"])
