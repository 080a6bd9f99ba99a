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

from . import shacl
from .errors import ValidationFailed
from .model import RESOURCE_LABEL, Lit, Term, Triple
from .neo4j import ledger
from .neo4j.connection import Database
from .neo4j.read import read_touched
from .neo4j.writer import GraphWriter, WriteCounts
from .ontology.schema import GraphSchema, load_schema
from .rdf.mapping import python_value
from .rdf.read import from_rdflib
from .rdf.sources import (
    PreparedSource,
    attach_relationship_updates,
    inspect_paths,
    prepare_sources,
    referenced_uris,
    subjects,
    untyped_nodes,
    warn_untyped,
)
from .rdf.unmapping import RdfExporter
from .shacl import ValidationReport


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
    validation: ValidationReport | None
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


def context_from_database(db: Database, prepared: list[PreparedSource], schema: GraphSchema,
                          replaced: set[str] = frozenset()) -> list[Triple]:
    """What the graph already holds about the resources the inputs touch, as triples to validate with them.

    A file loaded after another is checked against what the first one left: a second ``foundedYear``, a second
    class disjoint with the first, a second contributor of one contribution break the shapes exactly as they would
    if both files were validated together. The inputs' subjects come whole (properties, ties, n-ary
    relationships), what they point at by its classes. Facts only ``replaced`` sources assert are left out: the
    load unloads them first. A value the input states again is not counted twice, even in another lexical form.
    """
    graph = read_touched(db, schema, subjects(prepared), referenced_uris(prepared))
    if not graph.nodes:
        return []
    for table in (graph.nodes, graph.relationships):
        for uri in [u for u, item in table.items() if set(item["props"].get("sources") or ["?"]) <= replaced]:
            del table[uri]
    stated = {(s, p, _value_key(o)) for item in prepared for s, p, o in item.triples}
    exporter = RdfExporter(schema, ledger.namespace_prefixes(db))
    return [t for t in from_rdflib(exporter.to_rdflib(graph)) if (t[0], t[1], _value_key(t[2])) not in stated]


def _value_key(term: Term) -> object:
    """What makes two objects the same value: the IRI, or a literal's stored value and language."""
    return (python_value(term), term.lang) if isinstance(term, Lit) else term


def load(paths: Iterable[Path] | None, db: Database, *, batch_size: int = 5000, dry_run: bool = False,
         force: bool = False, progress: Callable[[str, int], Callable[[int], None]] | None = None,
         schema: GraphSchema | None = None, validator: str = shacl.DEFAULT_ENGINE) -> LoadReport:
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
    validator : str
        The SHACL engine (:data:`graph_loader.shacl.ENGINES`): ``compiled`` (default) or ``pyshacl``.
    """
    started = time.perf_counter()
    schema = schema or load_schema()
    all_files = inspect_paths(paths)
    loaded = ledger.loaded_state(db, [f.key for f in all_files])
    changed = [f for f in all_files if force or loaded.get(f.key) != (f.sha256, True)]
    reports = [FileReport(f.key, "unchanged") for f in all_files if f not in changed]
    if not changed:
        return LoadReport(reports, None, dry_run, time.perf_counter() - started)

    prepared = prepare_sources(changed, schema)
    attach_relationship_updates(prepared, ledger.relationships_by_uri(db, untyped_nodes(prepared)))
    warn_untyped(prepared, ledger.typed_uris(db, untyped_nodes(prepared)))
    replaced = {f.key for f in changed if f.key in loaded}
    context = context_from_database(db, prepared, schema, replaced)
    validation = shacl.validate(prepared, context, engine=validator)
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


def _load_one(db: Database, writer: GraphWriter, item: PreparedSource, existed: bool, replace: bool,
              progress) -> FileReport:
    started = time.perf_counter()
    key = item.source.key
    if replace:
        ledger.unload(db, key)
    ledger.mark_started(db, key, item.source.sha256, item.source.path)
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
    ledger.mark_complete(db, key, triples=item.mapped.triples, nodes=len(item.mapped.nodes),
                         relationships=len(relationships), prefixes=item.mapped.prefixes)
    return FileReport(key, "reloaded" if existed else "loaded", item.mapped.triples, counts,
                      item.mapped.warnings, time.perf_counter() - started)


def _dry_run_report(db: Database, item: PreparedSource) -> FileReport:
    counts = WriteCounts()
    present = ledger.present_node_uris(db, list(item.mapped.nodes))
    for row in item.mapped.nodes.values():
        state = "present" if row["uri"] in present else "would-create"
        counts.nodes[state] += 1
        counts.by_label[row["labels"][0]][state] += 1
    present = ledger.present_relationship_uris(db, list(item.mapped.relationships))
    for row in item.mapped.relationships.values():
        state = "present" if row["uri"] in present else "would-create"
        counts.relationships[state] += 1
        counts.by_type[row["type"]][state] += 1
    return FileReport(item.source.key, "would-load", item.mapped.triples, counts, item.mapped.warnings)


