"""Loading sources into Neo4j: read, validate, map, write; and unloading them again.

Each input file is a *source*, named by :func:`graph_loader.rdf.read.source_key`. A ``(:LoadedSource {key,
sha256, complete})`` node remembers what was loaded:

* unchanged file (same hash, complete) -> skipped, so a reload of unchanged input costs one hash per file;
* changed file, or a load that died half-way (``complete = false``) -> the source's previous facts are unloaded
  first, then it is loaded again; so a load interrupted by a crash and run again ends in the graph a clean load
  gives: nothing lost, nothing doubled.

Validation runs on all changed inputs together before anything is written; a violation stops the load (exit 1)
with the database unchanged. The steps up to it are :func:`prepare_and_validate`, the one sequence ``validate``,
``load`` and ``run --offline`` share, with a graph context (:class:`DatabaseContext` here); then the load plans
its rows (:func:`load_rows`; for the importer, :func:`graph_loader.merge.plan_graph`) and writes them.

Two ways to write (``method``): ``bolt`` writes batches in transactions (:mod:`graph_loader.neo4j.writer`), on any
server and into any graph; ``import`` has the managed instance build its empty database with Neo4j's bulk importer
(:mod:`graph_loader.neo4j.bulk_import`), the same graph in a fraction of the time, as one unit: until its schema and
ledger are written no other write gets in, and an import interrupted at any moment leaves the database empty.
``auto`` (the default) picks the importer for a first load into the managed instance's empty database of at least
:data:`IMPORT_MIN_ROWS` rows, and Bolt otherwise; the report says which ran and why. While another process's import
holds the managed database, ``bolt`` stops at once ("an import is running"); ``auto`` and ``import`` wait for it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import shacl
from .beside import Beside, gc_paused
from .errors import InputError, UsageError, ValidationFailed
from .merge import GraphPlan, WriteCounts, node_without, plan_graph, relationship_without
from .model import Lit, NodeRow, RelationshipRow, Term, Triple
from .neo4j import bulk_import, ledger, merges
from .neo4j.connection import Database
from .neo4j.read import read_touched
from .neo4j.server import ImportRunning
from .neo4j.writer import GraphWriter, check_names
from .ontology.schema import GraphSchema, load_schema
from .rdf.mapping import blank_form, python_value
from .rdf.read import SourceFile, from_rdflib, source_key
from .rdf.sources import (
    GraphContext,
    ParsedSource,
    PreparedSource,
    attach_relationship_updates,
    inspect_paths,
    map_sources,
    parse_sources,
    referenced_uris,
    source_rows,
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


#: Write methods of :func:`load`.
METHODS = ("auto", "bolt", "import")
#: Rows (nodes + relationships) from which ``auto`` uses the importer on an empty managed database. Below it the
#: importer's fixed cost (its JVM, stopping the database and starting it again: 3-4 s) outweighs what it saves
#: over Bolt's first load, which creates the planned graph whole: Bolt was 1 s faster at 29,000 rows and the
#: importer 4 s faster at 288,000 (``benchmarks/RESULTS.md``), so they meet near 80,000.
IMPORT_MIN_ROWS = 80_000
#: Rows from which a first Bolt load creates its indexes after the data (Neo4j fills each in one pass) rather than
#: before (each write updates all of them): measured, 0.5 s saved at 29,000 rows, 0.15 s lost at 2,700.
INDEXES_AFTER_ROWS = 10_000


@dataclass
class LoadReport:
    files: list[FileReport]
    validation: ValidationReport | None
    dry_run: bool
    seconds: float
    method: str | None = None  # bolt | import; None when nothing had to be written
    method_reason: str = ""

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
            "method": self.method, "method_reason": self.method_reason,
            "files": [f.to_dict() for f in self.files],
            "totals": self.totals.to_dict(),
            "validation": None if validation is None else {
                "conforms": validation.conforms,
                "violations": len(validation.violations), "warnings": len(validation.warnings),
                "results": validation.to_json(),
            },
        }


#: Triples from which validation runs in a forked process beside the mapping (:class:`graph_loader.beside.Beside`);
#: below it the fork's cost is not worth saving, and the compiled shapes stay cached in this process.
VALIDATE_BESIDE_MIN_TRIPLES = 50_000


def prepare_and_validate(files: list[SourceFile], context: GraphContext, *, schema: GraphSchema | None = None,
                         validator: str = shacl.DEFAULT_ENGINE) -> tuple[list[PreparedSource], ValidationReport]:
    """The one beginning of ``validate``, ``load`` and ``run --offline``: parse every file, then map it and, at the
    same time on the other core, validate all inputs together with what ``context`` (the files, or Neo4j:
    :class:`DatabaseContext`) already holds about them; attach the facts a file adds to an n-ary relationship
    defined elsewhere, and warn of untyped subjects.

    Returns the prepared inputs and the validation report; the caller decides what a violation means. Then a
    load plans (:func:`load_rows`, :func:`graph_loader.merge.plan_graph`) and writes.
    """
    with gc_paused():
        parsed = parse_sources(files)
        fork = sum(len(item.triples) for item in parsed) >= VALIDATE_BESIDE_MIN_TRIPLES
        with Beside(shacl.validate, parsed, context.triples(parsed), engine=validator, fork=fork) as validation:
            prepared = map_sources(parsed, schema)
            untyped = untyped_nodes(prepared)  # once: the attachment and the warning both start from it
            attach_relationship_updates(prepared, context.relationships(untyped))
            warn_untyped(prepared, context.typed(untyped), untyped)
            return prepared, validation.result()


@dataclass
class DatabaseContext:
    """A Neo4j graph as the context of a load: what it holds about the inputs, without what the ``replaced``
    sources alone assert (the load unloads them first); an ``empty`` database holds nothing to ask about."""

    db: Database
    schema: GraphSchema
    replaced: set[str] = field(default_factory=set)
    empty: bool = False

    def relationships(self, uris: set[str]) -> dict[str, tuple[str, str, str]]:
        return {} if self.empty else ledger.relationships_by_uri(self.db, uris)

    def typed(self, uris: set[str]) -> set[str]:
        return set() if self.empty else ledger.typed_uris(self.db, uris)

    def triples(self, parsed: list[ParsedSource]) -> list[Triple]:
        return [] if self.empty else context_from_database(self.db, parsed, self.schema, self.replaced)


def load_rows(prepared: list[PreparedSource]) -> dict[str, tuple[list[NodeRow], list[RelationshipRow]]]:
    """The rows each source writes, in the order a load writes them (:func:`graph_loader.rdf.sources.source_rows`)."""
    return {item.source.key: source_rows(item.mapped) for item in prepared}


def context_from_database(db: Database, prepared: list[ParsedSource], schema: GraphSchema,
                          replaced: set[str] = frozenset()) -> list[Triple]:
    """What the graph already holds about the resources the inputs touch, as triples to validate with them.

    A file loaded after another is checked against what the first one left: a second ``foundedYear``, a second
    class disjoint with the first, a second contributor of one contribution break the shapes exactly as they would
    if both files were validated together. The inputs' subjects come whole (properties, ties, n-ary
    relationships), what they point at by its classes. Facts only ``replaced`` sources assert are left out, even on
    a node other sources describe too: the load unloads them first. A value the input states again is not counted
    twice, even in another lexical form.
    """
    graph = read_touched(db, schema, subjects(prepared), referenced_uris(prepared))
    if not graph.nodes:
        return []
    for table in (graph.nodes, graph.relationships):
        for uri, item in list(table.items()):
            sources = set(item["props"].get("sources") or ["?"])
            if sources <= replaced:
                del table[uri]
                continue
            for source in sources & replaced:  # what the others assert, as the unload before the write leaves it
                if table is graph.nodes:
                    labels, props = node_without((item["labels"], item["props"]), source)
                    table[uri] = item = {"labels": tuple(labels), "props": props}
                else:
                    item["props"] = relationship_without(item["props"], source)
    stated = {(s, p, _value_key(o)) for item in prepared for s, p, o in blank_form(item.triples)}
    exporter = RdfExporter(schema, ledger.namespace_prefixes(db))
    return [t for t in blank_form(from_rdflib(exporter.to_rdflib(graph)))
            if (t[0], t[1], _value_key(t[2])) not in stated]


def _value_key(term: Term) -> object:
    """What makes two objects the same value: the IRI, or a literal's stored value and language."""
    return (python_value(term), term.lang) if isinstance(term, Lit) else term


def load(paths: Iterable[Path] | None, db: Database, *, batch_size: int = 5000, dry_run: bool = False,
         force: bool = False, progress: Callable[[str, int], Callable[[int], None]] | None = None,
         schema: GraphSchema | None = None, validator: str = shacl.DEFAULT_ENGINE,
         method: str = "auto", echo: Callable[[str], None] = lambda message: None) -> LoadReport:
    """Load ``paths`` (default: the seed corpus and gazetteer) into ``db``; see the module docstring.

    Loads into one graph take turns (:func:`graph_loader.neo4j.ledger.load_lock`): from the ledger's first read to
    the last write this load holds the graph's load lock, so another load validates against what this one wrote
    (``echo`` says when this one waits). A dry run takes no lock: it tells what a load would do now.

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
    method : str
        ``auto``, ``bolt`` or ``import`` (see the module docstring); ``import`` fails with the reason when the
        importer cannot run (not the managed instance, a database that holds data, a value its CSV cannot carry).
    echo : callable
        Where to say that this load waits for another.
    """
    def give_way() -> None:
        """Another load's import holds the database: a Bolt load cannot write, and says so at once; a load that
        may import waits for the import without the load lock (see :class:`_ImportUnderWay`)."""
        if db.instance is not None and db.instance.import_running():
            if method == "bolt":
                raise ImportRunning(db.instance.data_dir)
            raise _ImportUnderWay

    if method not in METHODS:
        raise UsageError(f"unknown load method {method!r}", hint=f"use one of {', '.join(METHODS)}")
    arguments = dict(batch_size=batch_size, dry_run=dry_run, force=force, progress=progress, schema=schema,
                     validator=validator, method=method)
    with gc_paused():
        if dry_run:  # takes no lock: it tells what a load would do now
            try:
                give_way()
            except _ImportUnderWay:
                bulk_import.wait_for_import(db.instance, db)
            return _load(paths, db, lock=None, **arguments)
        while True:
            try:
                with ledger.load_lock(db, echo, while_waiting=give_way) as lock:
                    give_way()  # an import that started while this load took the lock
                    return _load(paths, db, lock=lock, **arguments)
            except _ImportUnderWay:
                bulk_import.wait_for_import(db.instance, db)  # then take turns again, into what the import wrote


class _ImportUnderWay(Exception):
    """Another load's import holds the database. A load that may import waits for it without holding the load
    lock: the lock's transaction took a node id in the store the import replaces, and ended after the replacement
    it would give that id back to the new store, where Neo4j hands it out twice (:func:`ledger.load_lock`)."""


def _load(paths: Iterable[Path] | None, db: Database, *, lock: ledger.LoadLock | None, batch_size: int,
          dry_run: bool, force: bool, progress: Callable[[str, int], Callable[[int], None]] | None,
          schema: GraphSchema | None, validator: str, method: str) -> LoadReport:
    """:func:`load`, with the ``lock`` held (or a dry run), and no other load's import under way."""
    started = time.perf_counter()
    all_files = inspect_paths(paths)
    loaded = ledger.loaded_state(db, [f.key for f in all_files])
    changed = [f for f in all_files if force or loaded.get(f.key) != (f.sha256, True)]
    reports = [FileReport(f.key, "unchanged") for f in all_files if f not in changed]
    if not changed:
        return LoadReport(reports, None, dry_run, time.perf_counter() - started)

    schema = schema or load_schema()  # after the check above: an unchanged reload costs one hash per file
    empty = bulk_import.database_is_empty(db)
    context = DatabaseContext(db, schema, {f.key for f in changed if f.key in loaded}, empty)
    prepared, validation = prepare_and_validate(changed, context, schema=schema, validator=validator)
    if not validation.conforms:
        raise ValidationFailed(validation)
    merges.check_untouched(db, subjects(prepared) | referenced_uris(prepared), context.replaced,
                           f"loading {', '.join(f.key for f in changed)}")
    rows = load_rows(prepared)
    chosen, reason = choose_method(method, db, empty, sum(len(n) + len(r) for n, r in rows.values()))
    if dry_run:
        reports += [_dry_run_report(db, item) for item in prepared]
        return LoadReport(reports, validation, True, time.perf_counter() - started, chosen, reason)
    if chosen == "import":
        try:
            reports += _import_first_load(db, prepared, rows, schema, progress,
                                          release_lock=lock.release if lock else lambda: None)
            return LoadReport(reports, validation, False, time.perf_counter() - started, chosen, reason)
        except (bulk_import.NotImportable, bulk_import.NotEmpty) as exc:
            if method == "import":
                raise UsageError(f"the bulk importer cannot load this input: {exc}",
                                 hint="load with `--method bolt` (or `auto`)") from None
            chosen, reason = "bolt", f"the importer cannot be used ({exc})"

    writer = GraphWriter(db, schema, batch_size=batch_size)
    if empty:
        reports += _create_first_load(db, writer, prepared, rows, progress)
        return LoadReport(reports, validation, False, time.perf_counter() - started, chosen, reason)
    writer.ensure_schema()
    for item in prepared:
        # A changed file, or one whose last load died half-way, first loses the facts it asserted before.
        previous = loaded.get(item.source.key)
        replace = previous is not None and previous != (item.source.sha256, True)
        with db.connection_guard(f"loading {item.source.key}",
                                 "start Neo4j again (`diaspora-kg neo4j start` for the managed instance) and run "
                                 "the same `load`: the file is marked incomplete and is reloaded whole"):
            reports.append(_load_one(db, writer, item, rows[item.source.key], previous is not None, replace,
                                     progress))
    return LoadReport(reports, validation, False, time.perf_counter() - started, chosen, reason)


def unload(targets: Iterable[str], db: Database) -> list[dict]:
    """Unload each of ``targets`` as :func:`graph_loader.neo4j.ledger.unload` does: a source key, a file, or, as
    ``load`` takes them, a folder (every loaded source inside it; a folder's key also works once it is gone).

    Returns one result per unloaded source (its key and the nodes and relationships removed and kept). Every
    target is resolved before anything is removed, so a target that names nothing stops the unload untouched.
    """
    keys: list[str] = []
    for target in targets:
        path = Path(target)
        if path.is_dir() or (not path.exists() and not ledger.loaded_state(db, [target])):
            inside = ledger.source_keys_under(db, source_key(path) if path.is_dir() else target)
            if not inside and path.is_dir():
                raise InputError(target, "no loaded source is inside this folder",
                                 hint="`diaspora-kg sources` lists what is loaded")
            keys += inside or [target]  # not a folder either: ledger.unload says so
        else:
            keys.append(target)
    # decisions files first, the latest applied first: their merges undone before the data they merged goes
    applied = [s["key"] for s in reversed(merges.decisions_sources(db))]
    keys = sorted(dict.fromkeys(keys), key=lambda k: applied.index(k) if k in applied else len(applied))
    return [ledger.unload(db, key) for key in keys]


def choose_method(requested: str, db: Database, empty: bool, rows: int) -> tuple[str, str]:
    """``(method, why)`` for a load of ``rows`` rows into ``db`` (``empty``: it holds no node); see the module
    docstring. ``import`` that cannot run fails."""
    if requested == "bolt":
        return "bolt", "--method bolt"
    obstacle = None
    if db.instance is None:
        obstacle = f"{db.uri} is not the managed instance (the importer runs inside its JVM)"
    elif not db.instance.offers_import:
        obstacle = "the managed instance was started without an import port (`neo4j stop` and `start` gives one)"
    elif not empty:
        obstacle = "the database holds data (the importer only builds empty databases)"
    if requested == "import":
        if obstacle:
            raise UsageError(f"--method import cannot run: {obstacle}", hint="use `--method bolt` or `auto`")
        return "import", "--method import"
    if obstacle:
        return "bolt", obstacle
    if rows < IMPORT_MIN_ROWS:
        return "bolt", f"{rows:,} rows: below {IMPORT_MIN_ROWS:,}, where the importer's restart costs more than it saves"
    return "import", f"first load of {rows:,} rows into the managed instance's empty database"


def _import_first_load(db: Database, prepared: list[PreparedSource], rows: dict[str, tuple[list, list]],
                       schema: GraphSchema, progress, release_lock: Callable[[], None]) -> list[FileReport]:
    """Build the empty managed database with Neo4j's importer: the graph a Bolt load would leave, then the schema
    and the ledger as a Bolt load records them, all as one unit (:func:`bulk_import.exclusive_import`).

    ``release_lock()`` frees the load lock just before the importer replaces the store (from then on the import
    session refuses every other write): its transaction must end in the store it began in
    (:func:`ledger.load_lock`)."""
    started = time.perf_counter()
    plan = _first_load_plan(schema, rows)
    total = len(plan.graph.nodes) + len(plan.graph.relationships)

    def step(description: str) -> Callable[[int], None]:
        return progress(description, total) if progress else (lambda n: None)

    with bulk_import.exclusive_import(db.instance, db) as session:
        # From here until the commit the import is one unit: other writes are refused, and a failure or a kill
        # at any moment leaves the database empty, as it was.
        arguments = bulk_import.write_import_files(plan.graph, session.folder, step("bulk import: writing its files"))
        importing = step(f"Neo4j's importer: {len(plan.graph.nodes):,} nodes, "
                         f"{len(plan.graph.relationships):,} relationships")
        release_lock()
        session.run(arguments)
        importing(total)
        db.reconnect()  # a new store: the driver's bookmarks name transactions it never had
        with db.connection_guard("writing the imported graph's schema and ledger",
                                 "run `diaspora-kg neo4j start`, then the same `load`: an import not committed "
                                 "leaves an empty database"):
            indexing = step("constraints and indexes")
            GraphWriter(db, schema).ensure_schema()
            indexing(total)
            for item in prepared:
                ledger.mark_started(db, item.source.key, item.source.sha256, item.source.path)
                _mark_complete(db, item)
        session.commit()
    return _first_load_reports(prepared, plan, started)


def _first_load_plan(schema: GraphSchema, rows: dict[str, tuple[list, list]]) -> GraphPlan:
    """The graph a first load writes, all sources merged (:func:`graph_loader.merge.plan_graph`), its labels and
    types checked against the ontology."""
    for nodes, relationships in rows.values():
        check_names(schema, nodes, relationships)
    return plan_graph((key, *r) for key, r in rows.items())


def _create_first_load(db: Database, writer: GraphWriter, prepared: list[PreparedSource],
                       rows: dict[str, tuple[list, list]], progress) -> list[FileReport]:
    """A Bolt load into an empty graph: the planned graph, the importer's, created whole in batches.

    Every source is marked started first and complete last, so a load that dies half-way leaves them all
    incomplete, and the next load unloads what was written and loads them again."""
    started = time.perf_counter()
    plan = _first_load_plan(writer.schema, rows)
    total = len(plan.graph.nodes) + len(plan.graph.relationships)
    writer.on_progress = progress(f"{len(plan.graph.nodes):,} nodes, {len(plan.graph.relationships):,} "
                                  "relationships", total) if progress else (lambda n: None)
    with db.connection_guard(f"loading {', '.join(item.source.key for item in prepared)}",
                             "start Neo4j again (`diaspora-kg neo4j start` for the managed instance) and run the "
                             "same `load`: the files are marked incomplete and are reloaded whole"):
        indexes_after = total >= INDEXES_AFTER_ROWS
        writer.ensure_schema(constraints_only=indexes_after)
        for item in prepared:
            ledger.mark_started(db, item.source.key, item.source.sha256, item.source.path)
        writer.create_graph(plan.graph)
        if indexes_after:
            writer.ensure_schema()  # the indexes, filled in one pass each
        for item in prepared:
            _mark_complete(db, item)
    return _first_load_reports(prepared, plan, started)


def _first_load_reports(prepared: list[PreparedSource], plan: GraphPlan, started: float) -> list[FileReport]:
    """What a first load reports per file: the plan's counts, and an equal share of the time since ``started``."""
    seconds = (time.perf_counter() - started) / max(len(prepared), 1)
    return [FileReport(item.source.key, "loaded", item.mapped.triples, plan.counts[item.source.key],
                       item.mapped.warnings, seconds) for item in prepared]


def _mark_complete(db: Database, item: PreparedSource) -> None:
    """Record in the ledger that ``item`` is loaded whole, with its counts and prefixes."""
    ledger.mark_complete(db, item.source.key, triples=item.mapped.triples, nodes=len(item.mapped.nodes),
                         relationships=len(item.mapped.relationships), prefixes=item.mapped.prefixes)


def _load_one(db: Database, writer: GraphWriter, item: PreparedSource, rows: tuple[list, list], existed: bool,
              replace: bool, progress) -> FileReport:
    started = time.perf_counter()
    key = item.source.key
    if replace:
        ledger.unload(db, key)
    ledger.mark_started(db, key, item.source.sha256, item.source.path)
    nodes, relationships = rows
    advance = progress(key, len(nodes) + len(relationships)) if progress else None
    writer.on_progress = advance or (lambda n: None)
    counts = writer.write_nodes(nodes, key)
    counts.add(writer.write_relationships(relationships, key))
    _mark_complete(db, item)
    return FileReport(key, "reloaded" if existed else "loaded", item.mapped.triples, counts,
                      item.mapped.warnings, time.perf_counter() - started)


def _dry_run_report(db: Database, item: PreparedSource) -> FileReport:
    counts = WriteCounts()
    present = ledger.present_node_uris(db, list(item.mapped.nodes))
    for row in item.mapped.nodes.values():
        state = "present" if row.uri in present else "would-create"
        counts.nodes[state] += 1
        counts.by_label[row.labels[0]][state] += 1
    present = ledger.present_relationship_uris(db, list(item.mapped.relationships))
    for row in item.mapped.relationships.values():
        state = "present" if row.uri in present else "would-create"
        counts.relationships[state] += 1
        counts.by_type[row.type][state] += 1
    return FileReport(item.source.key, "would-load", item.mapped.triples, counts, item.mapped.warnings)


