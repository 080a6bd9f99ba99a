"""Merges in Neo4j: the accepted pairs of a decisions file made one canonical node each, and undone exactly.

``resolve --apply decisions.csv`` (:func:`apply`) merges, for each group of accepted pairs
(:func:`graph_loader.resolution.merging.groups`), the other nodes into the canonical one, in one transaction (all
or nothing):

1. every relationship of a merged node is moved onto the canonical node (a relationship cannot change its ends in
   Neo4j: it is deleted and created again between the new ends, with the same type and properties, ``uri``
   included);
2. the canonical node takes the labels and values of all (:func:`graph_loader.resolution.merging.merged_node`);
3. the merged nodes are deleted;
4. the canonical node keeps, in :data:`~graph_loader.resolution.merging.MERGE_RECORDS`, one JSON text per
   decisions file: each node as it was before (labels and properties), every relationship moved (type, ``uri``,
   its ends as they were, properties), and the rows of the file that joined them (line, who, when, note: the
   provenance of the ``owl:sameAs`` facts).

The decisions file is a source in the ledger like any file (``LoadedSource`` with ``kind: 'decisions'`` and a
sequence number), so ``sources`` lists it and ``unload decisions.csv`` undoes it (:func:`undo`): the moved
relationships go off the canonical node, every node comes back exactly as it was, and the relationships are
created again between their own ends, in one transaction.

What keeps the undo exact: while a decisions file's merges are applied, the nodes it merged change only through
it. A load or unload of another file that states or points at a merged node (a canonical one or a merged URI) is
refused, naming the decisions file to unload first (:func:`check_untouched`); and decisions files are undone in
the reverse order of their application (a later one may merge nodes an earlier one made).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from ..errors import InputError, UsageError
from ..merge import LOCATION_KEY, _decode, _encode, derive_location
from ..merge import clean as _clean
from ..model import RESOURCE_LABEL, as_list
from ..rdf.read import inspect
from ..resolution.decisions import Decision, read_decisions
from ..resolution.merging import (
    MERGE_RECORDS,
    MERGE_SOURCES,
    MERGED_URIS,
    OWL,
    SAME_AS,
    Group,
    groups,
    merged_node,
)
from ..resolution.records import compatible_kinds
from .connection import Database

#: The ledger's mark of a decisions source.
KIND = "decisions"

NODES = (f"UNWIND $uris AS u MATCH (n:{RESOURCE_LABEL} {{uri: u}}) "
         "RETURN n.uri AS uri, labels(n) AS labels, properties(n) AS props")
DEGREE = f"MATCH (n:{RESOURCE_LABEL}) WHERE n.uri IN $uris RETURN n.uri AS uri, COUNT {{ (n)--() }} AS degree"
MERGED_INTO = (f"MATCH (n:{RESOURCE_LABEL}) WHERE n.{MERGED_URIS} IS NOT NULL "
               f"UNWIND n.{MERGED_URIS} AS merged WITH n, merged WHERE merged IN $uris "
               "RETURN merged, n.uri AS canonical")
RELATIONSHIPS = (f"MATCH (b:{RESOURCE_LABEL})-[r]-() WHERE b.uri IN $uris "
                 "RETURN DISTINCT elementId(r) AS id, type(r) AS type, startNode(r).uri AS start, "
                 "endNode(r).uri AS end, properties(r) AS props")
DELETE_RELATIONSHIPS = "MATCH ()-[r]->() WHERE elementId(r) IN $ids DELETE r"
CREATE_RELATIONSHIPS = (f"UNWIND $rows AS row MATCH (s:{RESOURCE_LABEL} {{uri: row.start}}) "
                        f"MATCH (e:{RESOURCE_LABEL} {{uri: row.end}}) "
                        "CREATE (s)-[r:$(row.type)]->(e) SET r = row.props RETURN count(r) AS n")
SET_NODE = (f"MATCH (n:{RESOURCE_LABEL} {{uri: $uri}}) SET n = $props, n:$($labels) "
            "REMOVE n:$($removed)")
DELETE_NODES = f"MATCH (n:{RESOURCE_LABEL}) WHERE n.uri IN $uris DETACH DELETE n"
CREATE_NODES = f"UNWIND $rows AS row CREATE (n:{RESOURCE_LABEL}) SET n = row.props, n:$(row.labels)"
MOVED = (f"UNWIND $rows AS row MATCH (s:{RESOURCE_LABEL} {{uri: row.start}})-[r]->(e:{RESOURCE_LABEL} "
         "{uri: row.end}) WHERE type(r) = row.type AND r.uri = row.uri RETURN DISTINCT elementId(r) AS id")
HOLDING = (f"MATCH (n:{RESOURCE_LABEL}) WHERE $key IN n.{MERGE_SOURCES} "
           f"RETURN n.uri AS uri, labels(n) AS labels, properties(n) AS props")
SOURCES = ("MATCH (s:LoadedSource) WHERE s.kind = $kind RETURN s.key AS key, s.path AS path, "
           "s.sequence AS sequence, s.complete AS complete ORDER BY s.sequence")
TOUCHING = (f"MATCH (n:{RESOURCE_LABEL}) WHERE n.{MERGE_SOURCES} IS NOT NULL AND (n.uri IN $uris "
            f"OR any(u IN n.{MERGED_URIS} WHERE u IN $uris) OR any(s IN n.sources WHERE s IN $sources)) "
            f"RETURN n.uri AS uri, n.{MERGE_SOURCES} AS decisions LIMIT 5")
APPLIED = (f"MATCH (n:{RESOURCE_LABEL}) WHERE n.{MERGE_SOURCES} IS NOT NULL "
           f"RETURN n.uri AS uri, n.name AS name, n.{MERGED_URIS} AS merged, n.{MERGE_SOURCES} AS decisions, "
           f"n.{MERGE_RECORDS} AS records ORDER BY uri")


# -- the ledger's decisions sources ----------------------------------------------------------------------------
def decisions_sources(db: Database) -> list[dict]:
    """``{key, path, sequence, complete}`` of every decisions file in the ledger, in the order they were applied."""
    return db.read(SOURCES, {"kind": KIND})


def is_decisions(db: Database, key: str) -> bool:
    return bool(db.read("MATCH (s:LoadedSource {key: $key}) WHERE s.kind = $kind RETURN s.key AS key",
                        {"key": key, "kind": KIND}))


def check_untouched(db: Database, uris: Iterable[str], sources: Iterable[str], doing: str) -> None:
    """Refuse (:class:`UsageError`) to change nodes that applied merges hold: those among ``uris`` (a canonical
    node or a URI merged into one) or stated by ``sources``. Free when no decisions file is applied."""
    if not decisions_sources(db):
        return
    rows = db.read(TOUCHING, {"uris": sorted(set(uris)), "sources": sorted(set(sources))})
    if rows:
        files = sorted({d for r in rows for d in r["decisions"]})
        raise UsageError(f"{doing} would change {rows[0]['uri']}, which the decisions in {', '.join(files)} merged "
                         "(a merge is undone exactly only if its nodes change through it alone)",
                         hint=f"run `diaspora-kg unload {' '.join(files)}` first, then this, then "
                              f"`diaspora-kg resolve --apply {' '.join(files)}` again")


# -- applying --------------------------------------------------------------------------------------------------
def apply_file(db: Database, path: Path) -> dict:
    """Apply the decisions file ``path`` (``resolve --apply``): its accepted pairs merged and its ledger entry
    written, in one transaction; a file applied before and changed since is undone first, in the same
    transaction. Unchanged since it was applied: nothing to do (``status: unchanged``).

    Refused with the database unchanged: a malformed file (:class:`InputError`, exit code 2), a decision naming a
    node the graph does not hold or two nodes whose kinds cannot be one thing (:class:`InvalidDecision`, exit
    code 1), each with the file and line.
    """
    source = inspect(Path(path))
    key = source.key
    decisions = read_decisions(source.path)
    counts = {"source": key, "status": "applied", "yes": sum(d.decision == "yes" for d in decisions),
              "no": sum(d.decision == "no" for d in decisions),
              "unsure": sum(d.decision == "unsure" for d in decisions),
              "open": sum(not d.decision for d in decisions), "groups": 0, "nodes_merged": 0,
              "relationships_moved": 0, "nodes_restored": 0}
    state = db.read("MATCH (s:LoadedSource {key: $key}) RETURN s.sha256 AS sha, s.complete AS complete, "
                    "s.kind AS kind", {"key": key})
    if state and state[0]["kind"] != KIND:
        raise UsageError(f"{key} is loaded as a data file, not as decisions",
                         hint=f"unload it first (`diaspora-kg unload {key}`)")
    if state and (state[0]["sha"], state[0]["complete"]) == (source.sha256, True):
        return {**counts, "status": "unchanged"}
    later = _later(db, key) if state else []
    if later:
        raise UsageError(f"{', '.join(later)} was applied after {key} and may build on its merges",
                         hint=f"unload {' '.join(reversed(later))} first, then apply {key} again")
    if state:
        counts["status"] = "reapplied"

    def work(tx) -> None:
        for k in ("groups", "nodes_merged", "relationships_moved", "nodes_restored"):
            counts[k] = 0
        if state:
            for row in tx.run(HOLDING, key=key).data():
                _split(tx, key, row, counts)
            counts["groups"] = 0
        for group in _checked_groups(tx, str(path), decisions):
            _merge(tx, key, group, counts)
        tx.run("OPTIONAL MATCH (o:LoadedSource) WHERE o.kind = $kind AND o.key <> $key "
               "WITH coalesce(max(o.sequence), 0) AS last "
               "MERGE (s:LoadedSource {key: $key}) SET s.kind = $kind, s.sequence = last + 1, s.sha256 = $sha, "
               "s.path = $path, s.complete = true, s.loadedAt = datetime(), s.triples = $yes, "
               "s.nodes = $nodes, s.relationships = $rels, s.prefixes = $prefixes",
               key=key, kind=KIND, sha=source.sha256, path=str(Path(source.path).resolve()), yes=counts["yes"],
               nodes=counts["nodes_merged"], rels=counts["relationships_moved"], prefixes=[f"owl={OWL}"]).consume()

    with db.session() as session:
        session.execute_write(work)
    return counts


class InvalidDecision(InputError):
    """A decision the graph cannot honour: a node it does not hold, two kinds that cannot be one thing."""

    exit_code = 1


def _checked_groups(tx, path: str, decisions: list[Decision]) -> list[Group]:
    """The groups of the accepted decisions, each URI read as the node that holds it now (itself, or the node
    another decisions file merged it into); every node checked to exist and every group's kinds to be one."""
    yes = [d for d in decisions if d.decision == "yes"]
    uris = sorted({u for d in yes for u in d.pair})
    rows = tx.run(NODES, uris=uris).data()
    holder = {r["merged"]: r["canonical"] for r in tx.run(MERGED_INTO, uris=uris).data()}
    rows += tx.run(NODES, uris=sorted(set(holder.values()) - {r["uri"] for r in rows})).data()
    nodes = {r["uri"]: set(r["labels"]) - {RESOURCE_LABEL} for r in rows}
    # the node most is said about (sources, evidence, ties) stays: the corpus's rather than a list's row
    degree = {r["uri"]: r["degree"] for r in tx.run(DEGREE, uris=sorted(nodes)).data()}
    weight = {r["uri"]: len(as_list(r["props"].get("sources"))) + len(as_list(r["props"].get("evidence")))
              + degree.get(r["uri"], 0) for r in rows}
    joined = []
    for d in yes:
        ends = []
        for uri in d.pair:
            now = uri if uri in nodes else holder.get(uri)
            if now is None or now not in nodes:
                raise InvalidDecision(path, f"{uri} is not in the graph (the pair {d.left} / {d.right})",
                                      line=d.line, hint="load the file that states it first, or correct the id "
                                                        "(`diaspora-kg lookup NAME` finds ids by name)")
            ends.append(now)
        if ends[0] != ends[1]:
            joined.append(d if tuple(ends) == d.pair else replace(d, left=ends[0], right=ends[1]))
    out = groups(joined, weight.get)
    for group in out:  # the decisions themselves first (their own line), then the pairs they imply
        implied = [(a, b) for a in group.uris for b in group.uris if a < b]
        for a, b in [d.pair for d in group.decisions] + implied:
            if compatible_kinds(frozenset(nodes[a]), frozenset(nodes[b])):
                continue
            direct = [d for d in group.decisions if d.pair in ((a, b), (b, a))]
            lines = sorted(d.line for d in group.decisions if d.line is not None)
            how = "" if direct else f" (one through the accepted pairs on lines {', '.join(map(str, lines))})"
            raise InvalidDecision(path, f"{a} ({_kinds(nodes[a])}) and {b} ({_kinds(nodes[b])}) cannot be one "
                                        f"thing{how}: the kinds of one must all be kinds of the other",
                                  line=(direct or group.decisions)[0].line,
                                  hint="decide no (or unsure) for this pair, or correct the kind of the record "
                                       "that is wrong")
    return out


def _kinds(labels: set[str]) -> str:
    return ", ".join(sorted(labels)) or "no kind"


def _later(db: Database, key: str) -> list[str]:
    keys = [s["key"] for s in decisions_sources(db)]
    return keys[keys.index(key) + 1:] if key in keys else []


def _merge(tx, key: str, group: Group, counts: dict) -> None:
    rows = tx.run(NODES, uris=list(group.uris)).data()
    found = {r["uri"]: (r["labels"], r["props"]) for r in rows}
    canonical = group.canonical
    others = [u for u in group.others if u in found]
    rels = tx.run(RELATIONSHIPS, uris=others).data()
    members = set(group.uris)

    def end(uri: str) -> str:
        return canonical if uri in members else uri

    labels, props = merged_node((canonical, *found[canonical]), [(u, *found[u]) for u in others], key)
    record = {
        "decisions": key,
        "canonical": _encode(_snapshot(*found[canonical])),
        "merged": [_encode(_snapshot(*found[u])) for u in others],
        "relationships": [_encode({"type": r["type"], "start": r["start"], "end": r["end"], "props": r["props"]})
                          for r in rels],
        "rows": [{"line": d.line, "left": d.left, "right": d.right, "who": d.who, "when": d.when, "note": d.note}
                 for d in group.decisions],
    }
    old_labels, old_props = found[canonical]
    props[MERGE_RECORDS] = [*as_list(old_props.get(MERGE_RECORDS)), json.dumps(record, ensure_ascii=False,
                                                                               sort_keys=True)]
    for u in others:  # merged nodes that were canonical nodes themselves: their merged URIs come along
        for inner in as_list(found[u][1].get(MERGED_URIS)):
            for prop in (MERGED_URIS, SAME_AS):
                if inner not in props[prop]:
                    props[prop].append(inner)
    tx.run(DELETE_RELATIONSHIPS, ids=[r["id"] for r in rels]).consume()
    tx.run(DELETE_NODES, uris=others).consume()
    tx.run(SET_NODE, uri=canonical, props=_clean(props), labels=labels,
           removed=sorted(set(old_labels) - set(labels))).consume()
    moved = [{"type": r["type"], "start": end(r["start"]), "end": end(r["end"]), "props": _clean(r["props"])}
             for r in rels]
    if moved:
        tx.run(CREATE_RELATIONSHIPS, rows=moved).consume()
    counts["groups"] += 1
    counts["nodes_merged"] += len(others)
    counts["relationships_moved"] += len(moved)


def _snapshot(labels: list[str], props: dict) -> dict:
    """A node as it is, to be made again: labels and properties (``location`` is made again from lat/long)."""
    return {"labels": sorted(labels), "props": {k: v for k, v in props.items() if k != LOCATION_KEY}}


# -- undoing ---------------------------------------------------------------------------------------------------
def undo(db: Database, key: str) -> dict:
    """Undo the merges of the decisions file ``key`` and drop its ledger entry, in one transaction: every node as
    it was, every moved relationship between its own ends again. Refused while a decisions file applied after it
    is loaded."""
    later = _later(db, key)
    if later:
        raise UsageError(f"{', '.join(later)} was applied after {key} and may build on its merges",
                         hint=f"unload {' '.join(reversed(later))} first, then {key}")
    counts = {"groups": 0, "nodes_restored": 0, "relationships_restored": 0}

    def work(tx) -> None:
        counts.update(groups=0, nodes_restored=0, relationships_restored=0)
        for row in tx.run(HOLDING, key=key).data():
            _split(tx, key, row, counts)
        tx.run("MATCH (s:LoadedSource {key: $key}) DELETE s", key=key).consume()

    with db.session() as session:
        session.execute_write(work)
    return counts


def _split(tx, key: str, row: dict, counts: dict) -> None:
    records = [json.loads(text) for text in as_list(row["props"].get(MERGE_RECORDS))]
    mine = [r for r in records if r["decisions"] == key]
    if not mine:
        return
    record = mine[-1]
    canonical = row["uri"]
    before = _decode(record["canonical"])
    merged = [_decode(text) for text in record["merged"]]
    rels = [_decode(text) for text in record["relationships"]]
    members = {canonical, *(m["props"]["uri"] for m in merged)}

    def end(uri: str) -> str:
        return canonical if uri in members else uri

    ids = [r["id"] for r in tx.run(MOVED, rows=[{"type": r["type"], "start": end(r["start"]), "end": end(r["end"]),
                                                 "uri": r["props"].get("uri")} for r in rels]).data()]
    tx.run(DELETE_RELATIONSHIPS, ids=ids).consume()
    tx.run(SET_NODE, uri=canonical, props=_restored(before["props"]), labels=before["labels"],
           removed=sorted(set(row["labels"]) - set(before["labels"]))).consume()
    tx.run(CREATE_NODES, rows=[{"props": _restored(m["props"]), "labels": m["labels"]} for m in merged]).consume()
    if rels:
        tx.run(CREATE_RELATIONSHIPS, rows=[{"type": r["type"], "start": r["start"], "end": r["end"],
                                            "props": _clean(r["props"])} for r in rels]).consume()
    counts["groups"] += 1
    counts["nodes_restored"] = counts.get("nodes_restored", 0) + len(merged)
    counts["relationships_restored"] = counts.get("relationships_restored", 0) + len(rels)


def _restored(props: dict) -> dict:
    return _clean({**props, **derive_location(props)})


# -- what is applied ---------------------------------------------------------------------------------------------
def applied(db: Database) -> list[dict]:
    """One row per merged node: its URI and name, the URIs merged into it, and per decisions file the rows that
    joined them (line, who, when, note)."""
    out = []
    for r in db.read(APPLIED):
        rows = [{**row, "decisions": rec["decisions"]} for rec in map(json.loads, as_list(r["records"]))
                for row in rec["rows"]]
        out.append({"uri": r["uri"], "name": r["name"], "merged": list(r["merged"] or []),
                    "decisions": list(r["decisions"] or []), "rows": rows})
    return out


