"""Writing mapped rows to Neo4j: batched, parameterised, idempotent, safe under concurrent loads.

Nodes, then relationships (grouped by type), are written in batches, each one managed transaction (the driver
retries transient errors) of at most two statements:

1. ``UNWIND $rows … MERGE (n:Resource {uri: …})`` creates the missing nodes with their properties and labels in
   one step (``ON CREATE SET``), and takes a write lock on the ones that exist (``ON MATCH SET``), returning
   their current properties and labels — only theirs, so a load into an empty graph reads nothing back;
2. for those existing nodes the new properties are merged in Python with the old ones (values are unioned,
   never overwritten; ``sources`` and ``evidence`` accumulate) and written with ``SET n = row.props`` — only for
   the rows that change.

Because the lock is taken before the read, two loads touching the same node serialise instead of losing each
other's values. Relationships follow the same pattern, keyed by their ``uri``. Batches run one at a time in a
background thread while Python builds the next one, so the two processes work side by side; all nodes are
committed before the first relationship is written.

Labels and relationship types come from the ontology only: labels are checked against it and passed as
parameters (Neo4j 5.26's ``n:$(row.labels)``); relationship types are written into the Cypher text only after
:func:`graph_loader.neo4j.schema.quote_name` checked them (a per-type statement keeps the per-type ``uri`` index in
use). Every value travels as a parameter.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from neo4j.exceptions import Neo4jError
from neo4j.spatial import WGS84Point

from ..errors import OntologyMismatch, QueryError
from ..model import GeoPoint, as_list
from ..ontology.schema import DERIVED_NAME_KEYS, RESOURCE_LABEL, SCORE_PREFIX, GraphSchema
from ..rdf.mapping import ASSERTED_KEY, DERIVED_KEYS, derive_location, derive_names, merge_props
from .connection import Database
from .schema import drop_obsolete_statements, quote_name, schema_statements

#: Creates the missing nodes of a batch whole; locks and returns the existing ones. ``row.labels`` are checked
#: against the ontology first; as a parameter (Neo4j 5.26's dynamic labels) they let one statement, planned once,
#: write nodes of every class.
UPSERT_NODES = f"""
UNWIND $rows AS row
MERGE (n:{RESOURCE_LABEL} {{uri: row.uri}})
ON CREATE SET n = row.props, n.`_created` = true, n:$(row.labels)
ON MATCH SET n.uri = row.uri
WITH n, row, n.`_created` AS created
REMOVE n.`_created`
WITH n, row, created WHERE created IS NULL
RETURN row.uri AS uri, properties(n) AS props, labels(n) AS labels
"""
#: Creates the missing relationships of a batch whole; locks the existing ones and returns their properties.
#: Every row found (both endpoints exist) returns its ``uri``; the others are dangling.
UPSERT_RELATIONSHIPS = """
UNWIND $rows AS row
MATCH (a:{resource} {{uri: row.start}})
MATCH (b:{resource} {{uri: row.end}})
MERGE (a)-[r:{type} {{uri: row.uri}}]->(b)
ON CREATE SET r = row.props, r.`_created` = true
ON MATCH SET r.uri = row.uri
WITH r, row, r.`_created` AS created
REMOVE r.`_created`
RETURN row.uri AS uri, CASE WHEN created IS NULL THEN properties(r) END AS props
"""
SET_NODES = f"""
UNWIND $rows AS row
MATCH (n:{RESOURCE_LABEL} {{uri: row.uri}})
SET n = row.props, n:$(row.labels)
"""
SET_RELATIONSHIPS = """
UNWIND $rows AS row
MATCH ()-[r:{type} {{uri: row.uri}}]->()
SET r = row.props
"""
INTERNAL = {"_created"}


@dataclass
class WriteCounts:
    """Nodes and relationships created, updated and unchanged, by (most specific) label and by type."""

    nodes: Counter = field(default_factory=Counter)
    relationships: Counter = field(default_factory=Counter)
    by_label: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    by_type: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    dangling: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Rows these counts are about (dangling relationships included)."""
        return sum(self.nodes.values()) + sum(self.relationships.values()) + len(self.dangling)

    def add(self, other: WriteCounts) -> None:
        self.nodes.update(other.nodes)
        self.relationships.update(other.relationships)
        for key, counter in other.by_label.items():
            self.by_label[key].update(counter)
        for key, counter in other.by_type.items():
            self.by_type[key].update(counter)
        self.dangling += other.dangling

    def to_dict(self) -> dict:
        return {
            "nodes": dict(self.nodes), "relationships": dict(self.relationships),
            "nodes_by_label": {k: dict(v) for k, v in sorted(self.by_label.items())},
            "relationships_by_type": {k: dict(v) for k, v in sorted(self.by_type.items())},
            "dangling": self.dangling,
        }


def neo4j_value(value):
    """A value Neo4j can store: lists are homogeneous (mixed lists become strings), no None inside lists; a
    :class:`~graph_loader.model.GeoPoint` becomes a WGS-84 point (srid 4326, x = longitude, y = latitude)."""
    if isinstance(value, GeoPoint):
        return WGS84Point((value.longitude, value.latitude))
    if isinstance(value, list):
        items = [v for v in value if v is not None]
        kinds = {type(v) for v in items}
        if len(kinds) > 1 and not kinds <= {int, float}:
            items = [v.isoformat() if isinstance(v, dt.date) else str(v) for v in items]
        elif kinds == {int, float}:
            items = [float(v) for v in items]
        return [json.dumps(v) if isinstance(v, dict | list) else v for v in items]
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def _clean(props: dict) -> dict:
    """Stored values only: no None, no empty list (a property without values is absent, as in RDF)."""
    cleaned = {}
    for key, value in props.items():
        if value is not None and key not in INTERNAL:
            value = neo4j_value(value)
            if value != []:
                cleaned[key] = value
    return cleaned


def merged_node_props(old: dict, row: dict, source: str, *, created: bool = False) -> dict:
    """The properties a node has after ``row`` from ``source`` is added to what it had (``created``: nothing)."""
    base = {k: v for k, v in old.items() if k not in INTERNAL and k not in DERIVED_KEYS}
    new = {k: v for k, v in row["props"].items() if k not in DERIVED_KEYS}
    props = merge_props(base, new)
    props["uri"] = row["uri"]
    props["sources"] = sorted(set(as_list(old.get("sources"))) | {source})
    props["evidence"] = sorted(set(as_list(old.get("evidence"))) | set(row.get("evidence", [])))
    if row.get("stub") and created:
        props["stub"] = True  # only referenced so far; the file that describes it will clear the flag
    elif not row.get("stub"):
        props.pop("stub", None)
    derived = {k: row["props"][k] for k in DERIVED_NAME_KEYS if k in row["props"]}
    if old or len(derived) != len(DERIVED_NAME_KEYS):
        # The names come from every label the node now has; a new node's are the ones its row was mapped with.
        derived = derive_names(props, row["uri"])
    props.update(derived)
    props.update(derive_location(props))  # from the merged lat and long
    return _clean(props)


def merged_relationship_props(old: dict, row: dict, source: str) -> dict:
    base = {k: v for k, v in old.items() if k not in INTERNAL}
    props = merge_props(base, row["props"])
    props["uri"] = row["uri"]
    props["sources"] = sorted(set(as_list(old.get("sources"))) | {source})
    props["evidence"] = sorted(set(as_list(old.get("evidence"))) | set(row.get("evidence", [])))
    return _clean(props)


def check_names(schema: GraphSchema, node_rows: Iterable[dict], relationship_rows: Iterable[dict]) -> None:
    """Refuse labels and relationship types the ontology does not define (they end up in Cypher or the store)."""
    labels, types = schema.node_labels, schema.relationship_types
    hint = "map the data with the ontology they are loaded with (see DKG_ONTOLOGY_DIR), then load again"
    unknown = {label for row in node_rows for label in row["labels"]} - labels
    if unknown:
        raise OntologyMismatch(f"labels not in the ontology: {', '.join(sorted(unknown))}", hint=hint)
    unknown = {row["type"] for row in relationship_rows} - types
    if unknown:
        raise OntologyMismatch(f"relationship types not in the ontology: {', '.join(sorted(unknown))}", hint=hint)


def node_after(existing: tuple[Iterable[str], dict] | None, row: dict, source: str) -> tuple[str, list[str], dict]:
    """A node after ``row`` of ``source`` is written: ``(state, labels, props)``, state created|updated|unchanged.

    ``existing`` is the node's ``(labels, props)`` before, None when it is new. The one definition of merging
    that the Bolt writer applies in its transactions and :mod:`.bulk_import` applies ahead of the importer. A node
    that another source describes too keeps what each one asserted (:data:`ASSERTED`), so that an unload can take
    one source's values away again (:func:`node_without`).
    """
    if existing is None:
        return "created", list(row["labels"]), merged_node_props({}, row, source, created=True)
    labels, old = existing
    if set(as_list(old.get("sources"))) <= {source}:  # this source's node only: nothing to tell apart
        props = merged_node_props(old, row, source)
        new_labels = list(dict.fromkeys([*labels, *row["labels"]]))
    else:
        records = _records(labels, old)
        records[source] = _merged_record(records.get(source), _row_record(row))
        new_labels, props = _composed(row["uri"], records, old)
    changed = not set(new_labels) <= set(labels) or not _same(old, props)
    return ("updated" if changed else "unchanged"), list(dict.fromkeys([*labels, *new_labels])), props


def relationship_after(old: dict | None, row: dict, source: str) -> tuple[str, dict]:
    """A relationship after ``row`` of ``source`` is written: ``(state, props)``; ``old`` None when it is new.

    As for nodes, one that several sources describe keeps what each one asserted (:data:`ASSERTED`)."""
    if old is None:
        return "created", merged_relationship_props({}, row, source)
    if set(as_list(old.get("sources"))) <= {source}:
        props = merged_relationship_props(old, row, source)
    else:
        records = _records(None, old)
        records[source] = _merged_record(records.get(source), _row_record(row, labels=False))
        _, props = _composed(row["uri"], records, old, node=False)
    return ("unchanged" if _same(old, props) else "updated"), props


# -- what each source asserted ---------------------------------------------------------------------------------------
#: On a node or relationship that several sources describe: one JSON text per source, ``{"source", "labels",
#: "props", "evidence", "stub"}``, what that source asserted of it (``props`` as ``[key, value]`` pairs, dates as
#: ``{"date": ...}``). A node only one source describes has none: all its values are that source's (the common
#: case stays as cheap as it was).
ASSERTED = ASSERTED_KEY
#: Properties no source asserts: bookkeeping, names derived from the labels, and the analyses' scores.
_NOT_ASSERTED = {"uri", "sources", "evidence", "stub", ASSERTED, *INTERNAL, *DERIVED_KEYS}


def _asserted(props: dict) -> dict:
    return {k: v for k, v in props.items() if k not in _NOT_ASSERTED and not k.startswith(SCORE_PREFIX)}


def _row_record(row: dict, *, labels: bool = True) -> dict:
    return {"labels": sorted(row["labels"]) if labels else [], "props": _clean(_asserted(row["props"])),
            "evidence": sorted(set(row.get("evidence", []))), "stub": bool(row.get("stub"))}


def _merged_record(old: dict | None, new: dict) -> dict:
    if old is None:
        return new
    return {"labels": sorted(set(old["labels"]) | set(new["labels"])),
            "props": _clean(merge_props(old["props"], new["props"])),
            "evidence": sorted(set(old["evidence"]) | set(new["evidence"])), "stub": old["stub"] and new["stub"]}


def _records(labels: Iterable[str] | None, props: dict) -> dict[str, dict]:
    """``{source: record}`` of a stored node (``labels`` given) or relationship (None).

    A node one source described has no records yet: everything it holds is that source's. One that an older
    loader wrote for several sources without records gives each of them the whole node: its values then stay
    until the last of them is unloaded, as they did before.
    """
    records = {record.pop("source"): record for record in map(_decode, as_list(props.get(ASSERTED)))}
    whole = {"labels": sorted(labels or []), "props": _clean(_asserted(props)),
             "evidence": sorted(as_list(props.get("evidence"))), "stub": bool(props.get("stub"))}
    for source in as_list(props.get("sources")):
        records.setdefault(source, whole)
    return records


def _composed(uri: str, records: dict[str, dict], old: dict, *, node: bool = True) -> tuple[list[str], dict]:
    """The labels and properties of a node (``node``) or relationship made of ``records``; the analyses' scores
    of ``old`` stay."""
    props: dict = {}
    labels: dict[str, None] = {}
    evidence: set[str] = set()
    for source in sorted(records):
        record = records[source]
        props = merge_props(props, record["props"])
        labels.update(dict.fromkeys(record["labels"]))
        evidence |= set(record["evidence"])
    props.update({k: v for k, v in old.items() if k.startswith(SCORE_PREFIX)})
    props["uri"] = uri
    props["sources"] = sorted(records)
    props["evidence"] = sorted(evidence)
    if node:
        if all(record["stub"] for record in records.values()):
            props["stub"] = True
        props.update(derive_names(props, uri))
        props.update(derive_location(props))
    if len(records) > 1:
        props[ASSERTED] = [_encode({"source": source, **records[source]}) for source in sorted(records)]
    return (list(labels) or [RESOURCE_LABEL]), _clean(props)


def node_without(existing: tuple[Iterable[str], dict], source: str) -> tuple[list[str], dict]:
    """A node that ``source`` and at least one other source describe, once ``source`` is unloaded: ``(labels,
    props)`` made of what the other sources asserted (labels only ``source`` gave go too)."""
    labels, old = existing
    records = _records(labels, old)
    records.pop(source, None)
    return _composed(old.get("uri"), records, old)


def relationship_without(old: dict, source: str) -> dict:
    """A relationship that ``source`` and at least one other source describe, once ``source`` is unloaded."""
    records = _records(None, old)
    records.pop(source, None)
    return _composed(old.get("uri"), records, old, node=False)[1]


def _encode(record: dict) -> str:
    # Properties as [key, value] pairs: a property named "date" must never read back as a typed date.
    record = {**record, "props": sorted([key, value] for key, value in record["props"].items())}
    return json.dumps(record, ensure_ascii=False, sort_keys=True, default=_typed)


def _typed(value):
    """JSON for the stored values JSON has no type for: dates and date-times (the driver's or Python's)."""
    if hasattr(value, "to_native"):
        value = value.to_native()
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    return str(value)


def _decode(text: str) -> dict:
    def typed(obj: dict):
        if obj.keys() == {"datetime"}:
            return dt.datetime.fromisoformat(obj["datetime"])
        if obj.keys() == {"date"}:
            return dt.date.fromisoformat(obj["date"])
        return obj

    record = json.loads(text, object_hook=typed)
    record["props"] = dict(record["props"])
    return record


def _same(a: dict, b: dict) -> bool:
    return _clean({k: v for k, v in a.items() if k not in INTERNAL}) == b


def batched(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class GraphWriter:
    """Writes node and relationship rows of one source; see the module docstring for the protocol."""

    def __init__(self, db: Database, schema: GraphSchema, *, batch_size: int = 5000,
                 on_progress: Callable[[int], None] | None = None):
        self.db = db
        self.schema = schema
        self.batch_size = batch_size
        self.on_progress = on_progress or (lambda n: None)

    def ensure_schema(self) -> list[str]:
        """Create the constraints and indexes generated from the ontology (idempotent)."""
        for statement in drop_obsolete_statements():
            self.db.write(statement)
        statements = schema_statements(self.schema)
        try:
            self._create_in_one_transaction(statements)  # one commit instead of one per index: seconds saved
        except QueryError as exc:
            if "AlreadyExists" not in (exc.code or ""):
                raise
            # A concurrent load created one of them between our IF NOT EXISTS check and our commit.
            for statement in statements:
                try:
                    self.db.write(statement)
                except QueryError as again:
                    if "AlreadyExists" not in (again.code or ""):
                        raise
        self.db.write("CALL db.awaitIndexes(300)")
        return statements

    def _create_in_one_transaction(self, statements: list[str]) -> None:
        with self.db.connection_guard(), self.db.session() as session:
            try:
                session.execute_write(lambda tx: [tx.run(statement).consume() for statement in statements])
            except Neo4jError as exc:
                raise QueryError(f"Neo4j refused the schema: {exc.message or exc}", code=exc.code) from exc

    # -- nodes ------------------------------------------------------------------------------------------------
    def write_nodes(self, rows: list[dict], source: str) -> WriteCounts:
        check_names(self.schema, rows, [])

        def batches():
            for batch in batched(rows, self.batch_size):
                by_uri = {row["uri"]: row for row in batch}
                params = [{"uri": uri, "labels": list(row["labels"]),
                           "props": merged_node_props({}, row, source, created=True)} for uri, row in by_uri.items()]
                yield self._node_batch, by_uri, params, source

        return self._run(batches())

    def _node_batch(self, tx, by_uri: dict[str, dict], params: list[dict], source: str) -> WriteCounts:
        local = WriteCounts()
        created = dict(by_uri)  # a copy: the driver may run this function again
        existing = tx.run(UPSERT_NODES, rows=params).data()
        updates = []
        for record in existing:
            row = created.pop(record["uri"])
            state, _, props = node_after((record["labels"], record["props"]), row, source)
            local.nodes[state] += 1
            local.by_label[counted_label(row)][state] += 1
            if state == "updated":
                updates.append({"uri": row["uri"], "labels": list(row["labels"]), "props": props})
        for row in created.values():  # created whole by the upsert
            local.nodes["created"] += 1
            local.by_label[counted_label(row)]["created"] += 1
        if updates:
            tx.run(SET_NODES, rows=updates).consume()
        return local

    # -- relationships -------------------------------------------------------------------------------------
    def write_relationships(self, rows: list[dict], source: str) -> WriteCounts:
        check_names(self.schema, [], rows)
        by_type: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            by_type[row["type"]].append(row)

        def batches():
            for rel_type, typed in sorted(by_type.items()):
                for batch in batched(typed, self.batch_size):
                    by_uri = {row["uri"]: row for row in batch}
                    params = [{"uri": uri, "start": row["start"], "end": row["end"],
                               "props": merged_relationship_props({}, row, source)} for uri, row in by_uri.items()]
                    yield self._relationship_batch, rel_type, by_uri, params, source

        return self._run(batches())

    def _relationship_batch(self, tx, rel_type: str, by_uri: dict[str, dict], params: list[dict],
                            source: str) -> WriteCounts:
        local = WriteCounts()
        missing = dict(by_uri)  # a copy: the driver may run this function again
        found = tx.run(UPSERT_RELATIONSHIPS.format(resource=RESOURCE_LABEL, type=quote_name(rel_type)),
                       rows=params).data()
        updates = []
        for record in found:
            row = missing.pop(record["uri"])
            state = "created"
            if record["props"] is not None:
                state, props = relationship_after(record["props"], row, source)
                if state == "updated":
                    updates.append({"uri": row["uri"], "props": props})
            local.relationships[state] += 1
            local.by_type[rel_type][state] += 1
        if updates:
            tx.run(SET_RELATIONSHIPS.format(type=quote_name(rel_type)), rows=updates).consume()
        # What the upsert did not find lacks an endpoint.
        local.dangling += [f"{row['start']} -{rel_type}-> {row['end']}" for row in missing.values()]
        return local

    # -- running batches ---------------------------------------------------------------------------------------
    def _run(self, batches: Iterator[tuple]) -> WriteCounts:
        """Run each ``(function, *args)`` of ``batches`` in its own managed write transaction, in order.

        One transaction at a time, in a background thread, while this thread builds the next batch: Python's
        work overlaps Neo4j's, and the batches never contend for locks with each other. The functions return
        their counts, so a retried transaction is counted once.
        """
        counts = WriteCounts()

        def collect(future: Future) -> None:
            batch_counts = future.result()  # re-raises the batch's error
            counts.add(batch_counts)
            self.on_progress(batch_counts.rows)

        with ThreadPoolExecutor(1, thread_name_prefix="dkg-writer") as pool:
            running: Future | None = None
            try:
                for function, *args in batches:
                    if running is not None:
                        collect(running)
                    running = pool.submit(self._transaction, function, *args)
                if running is not None:
                    collect(running)
            except BaseException:
                if running is not None:
                    running.cancel()
                raise
        return counts

    def _transaction(self, function, *args) -> WriteCounts:
        with self.db.session() as session:
            return session.execute_write(function, *args)


#: What a reference row is counted under instead of a label: a node a source points at (the end of one of its
#: ties) without describing it. An existing node gains only the source in its ``sources``; a missing one is made
#: as a bare ``stub`` node, until a file describes it.
REFERENCED = "(referenced)"


def counted_label(row: dict) -> str:
    """The label a node row is counted under: its most specific one, or :data:`REFERENCED` for a reference row."""
    if row.get("stub"):
        return REFERENCED
    return row["labels"][0] if row["labels"] else RESOURCE_LABEL
