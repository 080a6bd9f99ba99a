"""Writing mapped rows to Neo4j: batched, parameterised, idempotent, one load at a time.

Loads take turns (:func:`graph_loader.neo4j.ledger.load_lock`), so a writer never races another for a node. A
first load into an empty graph creates the planned graph whole (:meth:`GraphWriter.create_graph`: the rows of
every file merged first by :func:`graph_loader.merge.plan_graph`, as for the bulk importer). Into a graph that
holds something, nodes, then relationships (grouped by type), are written in batches, each one managed
transaction (the driver retries transient errors):

1. the batch's nodes that exist are looked up; the others are created whole (one ``CREATE``, for every label);
2. the existing ones go through ``UNWIND $rows … MERGE (n:Resource {uri: …})``, which takes a write lock on them
   and returns their current properties and labels; the new properties are merged in Python with the old ones
   by the one merge, :func:`graph_loader.merge.node_after` (values are unioned, never overwritten; ``sources``
   and ``evidence`` accumulate) and written with ``SET n = row.props``, only for the rows that change.

Relationships follow the same pattern, keyed by their ``uri``: one with an end this writer created cannot exist
unless this writer made it, and is created whole; the others are merged. Batches run one at a time in a
background thread while Python builds the next one, so the two processes work side by side; all nodes are
committed before the first relationship is written.

Labels and relationship types come from the ontology only: labels are checked against it and passed as
parameters (Neo4j 5.26's ``n:$(row.labels)``), and so are the types of relationships created whole
(``r:$(row.type)``: one statement, planned once); a merge writes its type into the Cypher text only after
:func:`graph_loader.neo4j.schema.quote_name` checked it (a per-type statement keeps the per-type ``uri`` index in
use). Every value travels as a parameter.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from neo4j.exceptions import Neo4jError
from neo4j.spatial import WGS84Point

from ..errors import OntologyMismatch, QueryError
from ..merge import (
    WriteCounts,
    counted_label,
    dangling_text,
    merged_node_props,
    merged_relationship_props,
    node_after,
    relationship_after,
    stored_value,
)
from ..model import GeoPoint, NodeRow, PropertyGraph, RelationshipRow, stored_labels
from ..ontology.schema import RESOURCE_LABEL, GraphSchema
from .connection import Database
from .read import plain_props
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
#: A first load into an empty graph creates the planned graph (:func:`graph_loader.merge.plan_graph`, the bulk
#: importer's) whole: nothing to merge with, no lock to take first, and one statement each for every label and
#: type (planned once, where a statement per type costs a plan per type after the schema emptied the plan cache).
CREATE_NODES = """
UNWIND $rows AS row
CREATE (n:$(row.labels))
SET n = row.props
"""
CREATE_RELATIONSHIPS = f"""
UNWIND $rows AS row
MATCH (a:{RESOURCE_LABEL} {{uri: row.start}})
MATCH (b:{RESOURCE_LABEL} {{uri: row.end}})
CREATE (a)-[r:$(row.type)]->(b)
SET r = row.props
RETURN row.uri AS uri
"""
#: The nodes of a batch that exist: the others are created whole, as in a first load, and only these merged.
PRESENT_NODES = f"UNWIND $uris AS uri MATCH (n:{RESOURCE_LABEL} {{uri: uri}}) RETURN uri"
INTERNAL = {"_created"}


def neo4j_value(value):
    """A value as Neo4j stores it (:func:`graph_loader.merge.stored_value`); a
    :class:`~graph_loader.model.GeoPoint` becomes a WGS-84 point (srid 4326, x = longitude, y = latitude)."""
    if isinstance(value, GeoPoint):
        return WGS84Point((value.longitude, value.latitude))
    return stored_value(value)


def driver_props(props: dict) -> dict:
    """Merged properties (plain values) as parameters for the driver."""
    return {key: neo4j_value(value) for key, value in props.items()}


def merge_form(props: dict) -> dict:
    """Properties read from Neo4j in a transaction as :mod:`graph_loader.merge` takes them: plain values, no
    :data:`INTERNAL` key."""
    return plain_props({k: v for k, v in props.items() if k not in INTERNAL})


def check_names(schema: GraphSchema, node_rows: Iterable[NodeRow], relationship_rows: Iterable[RelationshipRow]) -> None:
    """Refuse labels and relationship types the ontology does not define (they end up in Cypher or the store)."""
    labels, types = schema.node_labels, schema.relationship_types
    hint = "map the data with the ontology they are loaded with (see DKG_ONTOLOGY_DIR), then load again"
    unknown = {label for row in node_rows for label in row.labels} - labels
    if unknown:
        raise OntologyMismatch(f"labels not in the ontology: {', '.join(sorted(unknown))}", hint=hint)
    unknown = {row.type for row in relationship_rows} - types
    if unknown:
        raise OntologyMismatch(f"relationship types not in the ontology: {', '.join(sorted(unknown))}", hint=hint)


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
        # What this writer created: no node had these uris before, so a relationship with one of them at an end
        # can only exist if this writer made it too.
        self._created_nodes: set[str] = set()
        self._created_relationships: set[str] = set()

    def ensure_schema(self, *, constraints_only: bool = False) -> list[str]:
        """Create the constraints and indexes generated from the ontology (idempotent).

        ``constraints_only``: only the constraints (``uri`` unique, which writes look nodes up by); a first load
        creates the indexes after its data, when Neo4j fills each in one pass instead of updating it per write."""
        for statement in drop_obsolete_statements():
            self.db.write(statement)
        statements = schema_statements(self.schema, constraints_only=constraints_only)
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
        if not constraints_only:  # a constraint is online once created; an index fills after its commit
            self.db.write("CALL db.awaitIndexes(300)")
        return statements

    def _create_in_one_transaction(self, statements: list[str]) -> None:
        with self.db.connection_guard(), self.db.session() as session:
            try:
                session.execute_write(lambda tx: [tx.run(statement).consume() for statement in statements])
            except Neo4jError as exc:
                raise QueryError(f"Neo4j refused the schema: {exc.message or exc}", code=exc.code) from exc

    # -- nodes ------------------------------------------------------------------------------------------------
    def write_nodes(self, rows: list[NodeRow], source: str) -> WriteCounts:
        check_names(self.schema, rows, [])

        def batches():
            for batch in batched(rows, self.batch_size):
                by_uri = {row.uri: row for row in batch}
                params = [{"uri": uri, "labels": list(row.labels),
                           "props": driver_props(merged_node_props({}, row, source, created=True))}
                          for uri, row in by_uri.items()]
                yield self._node_batch, by_uri, params, source

        return self._run(batches())

    def _node_batch(self, tx, by_uri: dict[str, NodeRow], params: list[dict], source: str) -> WriteCounts:
        local = WriteCounts()
        present = {record["uri"] for record in tx.run(PRESENT_NODES, uris=list(by_uri)).data()}
        new = [{"labels": stored_labels(item["labels"]), "props": item["props"]}
               for item in params if item["uri"] not in present]
        if new:  # one statement, planned once, for every label
            tx.run(CREATE_NODES, rows=new).consume()
        created = dict(by_uri)  # a copy: the driver may run this function again
        existing = tx.run(UPSERT_NODES, rows=[item for item in params if item["uri"] in present]).data() \
            if present else []
        updates = []
        for record in existing:
            row = created.pop(record["uri"])
            state, _, props = node_after((record["labels"], merge_form(record["props"])), row, source)
            local.nodes[state] += 1
            local.by_label[counted_label(row)][state] += 1
            if state == "updated":
                updates.append({"uri": row.uri, "labels": list(row.labels), "props": driver_props(props)})
        for row in created.values():  # created whole
            local.nodes["created"] += 1
            local.by_label[counted_label(row)]["created"] += 1
        self._created_nodes.update(created)
        if updates:
            tx.run(SET_NODES, rows=updates).consume()
        return local

    # -- relationships -------------------------------------------------------------------------------------
    def write_relationships(self, rows: list[RelationshipRow], source: str) -> WriteCounts:
        check_names(self.schema, [], rows)
        by_type: dict[str, list[RelationshipRow]] = defaultdict(list)
        for row in rows:
            by_type[row.type].append(row)

        def batches():
            for rel_type, typed in sorted(by_type.items()):
                for batch in batched(typed, self.batch_size):
                    by_uri = {row.uri: row for row in batch}
                    params = [{"uri": uri, "start": row.start, "end": row.end,
                               "props": driver_props(merged_relationship_props({}, row, source))}
                              for uri, row in by_uri.items()]
                    yield self._relationship_batch, rel_type, by_uri, params, source

        return self._run(batches())

    def _relationship_batch(self, tx, rel_type: str, by_uri: dict[str, RelationshipRow], params: list[dict],
                            source: str) -> WriteCounts:
        local = WriteCounts()
        missing = dict(by_uri)  # a copy: the driver may run this function again
        # One whose end this writer created cannot exist unless it made it too: created whole, without a merge.
        fresh = [dict(item, type=rel_type) for item in params if item["uri"] not in self._created_relationships
                 and (item["start"] in self._created_nodes or item["end"] in self._created_nodes)]
        found = tx.run(CREATE_RELATIONSHIPS, rows=fresh).data() if fresh else []
        fresh_uris = {item["uri"] for item in fresh}
        merged = [item for item in params if item["uri"] not in fresh_uris]
        if merged:
            found += tx.run(UPSERT_RELATIONSHIPS.format(resource=RESOURCE_LABEL, type=quote_name(rel_type)),
                            rows=merged).data()
        updates = []
        for record in found:
            row = missing.pop(record["uri"])
            state = "created"
            if record.get("props") is not None:
                state, props = relationship_after(merge_form(record["props"]), row, source)
                if state == "updated":
                    updates.append({"uri": row.uri, "props": driver_props(props)})
            local.relationships[state] += 1
            local.by_type[rel_type][state] += 1
            if state == "created":
                self._created_relationships.add(row.uri)
        if updates:
            tx.run(SET_RELATIONSHIPS.format(type=quote_name(rel_type)), rows=updates).consume()
        # What the upsert did not find lacks an endpoint.
        local.dangling += [dangling_text(row) for row in missing.values()]
        return local

    # -- a first load: the planned graph, created whole ---------------------------------------------------------
    def create_graph(self, graph: PropertyGraph) -> None:
        """Create ``graph`` (:func:`graph_loader.merge.plan_graph`'s, every endpoint in it) in a graph that holds
        none of its nodes: a first load, under the load lock. A node that exists after all breaks the uniqueness
        constraint on ``uri``, and the batch fails whole."""
        def node_batches():
            for batch in batched(list(graph.nodes.items()), self.batch_size):
                yield self._create, "nodes", CREATE_NODES, [
                    {"labels": stored_labels(node["labels"]),
                     "props": driver_props({**node["props"], "uri": uri})} for uri, node in batch]

        def relationship_batches():
            for batch in batched(list(graph.relationships.items()), self.batch_size):
                yield self._create, "relationships", CREATE_RELATIONSHIPS, [
                    {"type": rel["type"], "start": rel["start"], "end": rel["end"],
                     "props": driver_props({**rel["props"], "uri": uri})} for uri, rel in batch]

        self._run(node_batches())  # every node committed before the first relationship looks for its endpoints
        self._run(relationship_batches())

    @staticmethod
    def _create(tx, kind: str, statement: str, rows: list[dict]) -> WriteCounts:
        """Run a create ``statement`` on ``rows`` of ``kind`` (``nodes`` or ``relationships``); their counts."""
        tx.run(statement, rows=rows).consume()
        counts = WriteCounts()
        getattr(counts, kind)["created"] = len(rows)
        return counts

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
