"""Writing mapped rows to Neo4j: batched, parameterised, idempotent, safe under concurrent loads.

Each batch is one managed transaction (the driver retries transient errors) of two statements:

1. ``UNWIND $rows … MERGE (n:Resource {uri: …}) SET n.uri = …`` takes a write lock on every node of the batch
   (creating the missing ones) and returns their current properties and labels;
2. the new properties are merged in Python with the old ones (values are unioned, never overwritten; ``sources``
   and ``evidence`` accumulate) and written with ``SET n = row.props`` and the labels of the row — only for the
   rows that change.

Because the lock is taken before the read, two loads touching the same node serialise instead of losing each
other's values. Relationships follow the same pattern, keyed by their ``uri``. Labels and relationship types are
written into the Cypher text only after :func:`graph_loader.schema.quote_name` checked them, and they come from
the ontology; every value travels as a parameter.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..rdf.mapping import as_list, derive_names, merge_props
from ..schema import DERIVED_NAME_KEYS, RESOURCE_LABEL, GraphSchema, quote_name, schema_statements
from .connection import Database

LOCK_NODES = f"""
UNWIND $rows AS row
MERGE (n:{RESOURCE_LABEL} {{uri: row.uri}})
ON CREATE SET n.`_created` = true
SET n.uri = row.uri
RETURN row.uri AS uri, properties(n) AS props, labels(n) AS labels
"""
LOCK_RELATIONSHIPS = """
UNWIND $rows AS row
MATCH (a:{resource} {{uri: row.start}})
MATCH (b:{resource} {{uri: row.end}})
MERGE (a)-[r:{type} {{uri: row.uri}}]->(b)
ON CREATE SET r.`_created` = true
SET r.uri = row.uri
RETURN row.uri AS uri, properties(r) AS props
"""
SET_NODES = """
UNWIND $rows AS row
MATCH (n:{resource} {{uri: row.uri}})
SET n = row.props
SET n{labels}
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
    """A value Neo4j can store: lists are homogeneous (mixed lists become strings), no None inside lists."""
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
    return {k: neo4j_value(v) for k, v in props.items() if v is not None and k not in INTERNAL}


def merged_node_props(old: dict, row: dict, source: str) -> dict:
    """The properties a node has after ``row`` from ``source`` is added to what it had."""
    base = {k: v for k, v in old.items() if k not in INTERNAL and k not in DERIVED_NAME_KEYS}
    new = {k: v for k, v in row["props"].items() if k not in DERIVED_NAME_KEYS}
    props = merge_props(base, new)
    props["uri"] = row["uri"]
    props["sources"] = sorted(set(as_list(old.get("sources"))) | {source})
    props["evidence"] = sorted(set(as_list(old.get("evidence"))) | set(row.get("evidence", [])))
    if row.get("stub") and "_created" in old:
        props["stub"] = True  # only referenced so far; the file that describes it will clear the flag
    elif not row.get("stub"):
        props.pop("stub", None)
    props.update(derive_names(props, row["uri"]))
    return _clean(props)


def merged_relationship_props(old: dict, row: dict, source: str) -> dict:
    base = {k: v for k, v in old.items() if k not in INTERNAL}
    props = merge_props(base, row["props"])
    props["uri"] = row["uri"]
    props["sources"] = sorted(set(as_list(old.get("sources"))) | {source})
    props["evidence"] = sorted(set(as_list(old.get("evidence"))) | set(row.get("evidence", [])))
    return _clean(props)


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
        self.node_labels = schema.node_labels
        self.relationship_types = schema.relationship_types

    def ensure_schema(self) -> list[str]:
        """Create the constraints and indexes generated from the ontology (idempotent)."""
        statements = schema_statements(self.schema)
        for statement in statements:
            self.db.write(statement)
        self.db.write("CALL db.awaitIndexes(300)")
        return statements

    # -- nodes ------------------------------------------------------------------------------------------------
    def write_nodes(self, rows: list[dict], source: str) -> WriteCounts:
        counts = WriteCounts()
        for batch in batched(rows, self.batch_size):
            with self.db.session() as session:
                # The function returns its counts, so a retried transaction is counted once.
                counts.add(session.execute_write(self._node_batch, batch, source))
            self.on_progress(len(batch))
        return counts

    def _node_batch(self, tx, batch: list[dict], source: str) -> WriteCounts:
        local = WriteCounts()
        by_uri = {row["uri"]: row for row in batch}
        current = tx.run(LOCK_NODES, rows=[{"uri": uri} for uri in by_uri]).data()
        updates: dict[tuple[str, ...], list[dict]] = defaultdict(list)
        for record in current:
            row = by_uri[record["uri"]]
            labels = [lab for lab in row["labels"] if lab in self.node_labels]
            unknown = set(row["labels"]) - self.node_labels
            if unknown:
                raise ValueError(f"labels not in the ontology: {sorted(unknown)}")
            props = merged_node_props(record["props"], row, source)
            created = "_created" in record["props"]
            missing_labels = tuple(lab for lab in labels if lab not in record["labels"])
            kind = labels[0] if labels else RESOURCE_LABEL
            if created:
                state = "created"
            elif missing_labels or not _same(record["props"], props):
                state = "updated"
            else:
                state = "unchanged"
            local.nodes[state] += 1
            local.by_label[kind][state] += 1
            if state != "unchanged":
                updates[tuple(lab for lab in labels if lab != RESOURCE_LABEL)].append({"uri": row["uri"],
                                                                                       "props": props})
        for labels, rows in updates.items():
            label_text = "".join(f":{quote_name(lab)}" for lab in labels) if labels else f":{RESOURCE_LABEL}"
            tx.run(SET_NODES.format(resource=RESOURCE_LABEL, labels=label_text), rows=rows).consume()
        return local

    # -- relationships -------------------------------------------------------------------------------------
    def write_relationships(self, rows: list[dict], source: str) -> WriteCounts:
        counts = WriteCounts()
        by_type: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            if row["type"] not in self.relationship_types:
                raise ValueError(f"relationship type {row['type']!r} is not in the ontology")
            by_type[row["type"]].append(row)
        for rel_type, typed in sorted(by_type.items()):
            for batch in batched(typed, self.batch_size):
                with self.db.session() as session:
                    counts.add(session.execute_write(self._relationship_batch, rel_type, batch, source))
                self.on_progress(len(batch))
        return counts

    def _relationship_batch(self, tx, rel_type: str, batch: list[dict], source: str) -> WriteCounts:
        local = WriteCounts()
        by_uri = {row["uri"]: row for row in batch}
        params = [{"uri": r["uri"], "start": r["start"], "end": r["end"]} for r in batch]
        current = tx.run(LOCK_RELATIONSHIPS.format(resource=RESOURCE_LABEL, type=quote_name(rel_type)),
                         rows=params).data()
        found = set()
        updates = []
        for record in current:
            row = by_uri[record["uri"]]
            found.add(row["uri"])
            props = merged_relationship_props(record["props"], row, source)
            if "_created" in record["props"]:
                state = "created"
            elif not _same(record["props"], props):
                state = "updated"
            else:
                state = "unchanged"
            local.relationships[state] += 1
            local.by_type[rel_type][state] += 1
            if state != "unchanged":
                updates.append({"uri": row["uri"], "props": props})
        if updates:
            tx.run(SET_RELATIONSHIPS.format(type=quote_name(rel_type)), rows=updates).consume()
        local.dangling += [f"{by_uri[u]['start']} -{rel_type}-> {by_uri[u]['end']}" for u in by_uri
                           if u not in found]
        return local

