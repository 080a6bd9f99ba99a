"""What the loader asks of and records in Neo4j, besides writing rows: the ledger of loaded sources, unloading,
and the questions a load asks about what the graph already holds. Every Cypher string of the loader not in
:mod:`.writer` or :mod:`.read` lives here.

The ledger is one ``(:LoadedSource {key, sha256, complete, path, triples, nodes, relationships, prefixes})`` node
per loaded file. ``complete`` is false from the moment a load or an unload of that file starts until it ends, so
a crash in between leaves a source that the next ``load`` reloads whole.

The load lock (:func:`load_lock`) makes loads into one graph take turns, so that what a load validates against is
what it writes onto.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from neo4j.exceptions import DriverError, Neo4jError

from ..errors import InputError, Neo4jUnavailable, QueryError
from ..merge import node_without, relationship_without
from ..model import RESOURCE_LABEL
from ..rdf.read import source_key
from . import merges
from .connection import Database, open_database
from .schema import LEDGER_CONSTRAINT
from .writer import driver_props, merge_form

#: The ledger key the load lock takes. It is never committed, and no file's key can hold a NUL character.
LOCK_KEY = "\x00load-lock"
#: Seconds to try for the lock before saying that this load waits for another.
LOCK_PATIENCE = 1.0

#: Relationships and nodes only the source asserted go whole (a node with its relationships: another source's
#: relationship would have made that source list the node too).
UNLOAD_RELATIONSHIPS = f"""
MATCH (n:{RESOURCE_LABEL})-[r]->() WHERE $key IN n.sources AND r.sources = [$key]
CALL (r) {{ DELETE r }} IN TRANSACTIONS OF 10000 ROWS
"""
UNLOAD_NODES = f"""
MATCH (n:{RESOURCE_LABEL}) WHERE n.sources = [$key]
CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 10000 ROWS
"""
#: What other sources also describe loses only this source's values: found here, recomputed in Python
#: (:func:`graph_loader.merge.node_without`), written back in batches. Each batch first takes its write
#: locks (``SET x.uri = x.uri``), so a concurrent load cannot slip a value in between the read and the write.
SHARED_RELATIONSHIPS = f"""
MATCH (n:{RESOURCE_LABEL})-[r]->() WHERE $key IN n.sources AND $key IN r.sources RETURN elementId(r) AS id
"""
SHARED_NODES = f"MATCH (n:{RESOURCE_LABEL}) WHERE $key IN n.sources RETURN elementId(n) AS id"
LOCK_RELATIONSHIPS = """
MATCH ()-[r]->() WHERE elementId(r) IN $ids SET r.uri = r.uri RETURN elementId(r) AS id, properties(r) AS props
"""
SET_RELATIONSHIPS = "UNWIND $rows AS row MATCH ()-[r]->() WHERE elementId(r) = row.id SET r = row.props"
LOCK_NODES = f"""
MATCH (n:{RESOURCE_LABEL}) WHERE elementId(n) IN $ids SET n.uri = n.uri
RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props
"""
SET_NODES = f"""
UNWIND $rows AS row MATCH (n:{RESOURCE_LABEL}) WHERE elementId(n) = row.id
SET n = row.props REMOVE n:$(row.removed)
"""
#: Shared nodes or relationships rewritten per transaction.
UNLOAD_BATCH = 2000


# -- the ledger ------------------------------------------------------------------------------------------------------
def loaded_state(db: Database, keys: list[str]) -> dict[str, tuple[str, bool]]:
    """``{key: (sha256, complete)}`` of the sources among ``keys`` that the graph has a ledger entry for."""
    rows = db.read("MATCH (s:LoadedSource) WHERE s.key IN $keys RETURN s.key AS key, s.sha256 AS sha, "
                   "coalesce(s.complete, false) AS complete", {"keys": keys})
    return {r["key"]: (r["sha"], r["complete"]) for r in rows}


def mark_started(db: Database, key: str, sha256: str, path: Path) -> None:
    """Record that ``key`` is being loaded: incomplete until :func:`mark_complete`."""
    db.write("MERGE (s:LoadedSource {key: $key}) SET s.sha256 = $sha, s.complete = false, "
             "s.path = $path, s.startedAt = datetime()", {"key": key, "sha": sha256, "path": str(path)})


def mark_complete(db: Database, key: str, *, triples: int, nodes: int, relationships: int,
                  prefixes: dict[str, str]) -> None:
    """Record that ``key`` is loaded whole, with its counts and the prefixes of its foreign predicates."""
    db.write("MATCH (s:LoadedSource {key: $key}) SET s.complete = true, s.loadedAt = datetime(), "
             "s.triples = $triples, s.nodes = $nodes, s.relationships = $rels, s.prefixes = $prefixes",
             {"key": key, "triples": triples, "nodes": nodes, "rels": relationships,
              "prefixes": [f"{p}={ns}" for p, ns in sorted(prefixes.items())]})


def loaded_sources(db: Database) -> list[dict]:
    """What has been loaded: key, completeness, counts, when."""
    return db.read("MATCH (s:LoadedSource) RETURN s.key AS source, s.complete AS complete, s.triples AS triples, "
                   "s.nodes AS nodes, s.relationships AS relationships, toString(s.loadedAt) AS loaded_at "
                   "ORDER BY source")


def source_keys_under(db: Database, folder_key: str) -> list[str]:
    """The keys of the loaded sources inside the folder whose key is ``folder_key`` (``data/seed``), sorted."""
    prefix = folder_key.rstrip("/") + "/"
    return [r["key"] for r in db.read("MATCH (s:LoadedSource) WHERE s.key STARTS WITH $prefix RETURN s.key AS key "
                                      "ORDER BY key", {"prefix": prefix})]


def namespace_prefixes(db: Database) -> dict[str, str]:
    """``{prefix: namespace}`` of predicates outside the ontology, as the loads recorded them (for export).

    One orientation everywhere: :attr:`MappedGraph.prefixes`, the ``prefix=namespace`` strings of
    ``LoadedSource.prefixes`` and :class:`graph_loader.rdf.unmapping.RdfExporter` all map a prefix to its
    namespace, since a property key ``dcterms__description`` is looked up by its prefix.
    """
    rows = db.read("MATCH (s:LoadedSource) UNWIND coalesce(s.prefixes, []) AS p RETURN DISTINCT p ORDER BY p")
    return dict(row["p"].split("=", 1) for row in rows if "=" in row["p"])


# -- the load lock ---------------------------------------------------------------------------------------------------
@contextmanager
def load_lock(db: Database, echo: Callable[[str], None] = lambda message: None, *,
              while_waiting: Callable[[], None] = lambda: None) -> Iterator[LoadLock]:
    """Hold the graph's load lock for the block: loads into one graph take turns (waiting as long as it takes).

    ``while_waiting()`` is called every half second while another load holds the lock; an error it raises ends
    the wait (a Bolt load gives way at once to a load that is importing: it could not write until the import
    ends, and then into a database the import has filled).

    A load reads the ledger and the graph, validates its files against what the graph holds, then writes: two
    loads that interleave would each validate without the other's facts, and both write (``foundedYear 1990``
    and ``1995`` for one association). Holding this lock from the ledger's first read to the last write, a
    second load starts only when the first has finished, and validates against what it wrote.

    The lock is the ledger entry :data:`LOCK_KEY`, MERGEd in a write transaction that stays open for the block
    and is rolled back at its end: it never exists for anyone else, and another load's MERGE of the same key
    waits on the ledger's uniqueness constraint until the transaction ends. So it is held in the server, and
    works for any server a load reaches (the managed instance, or NEO4J_URI), whichever machine the loads run on.

    It cannot outlive its load: a load that ends in any way (an error, Ctrl-C, ``kill -9``, a crash of the
    machine) closes its connection, and the server rolls the transaction back, which frees the lock. (A load
    stopped with SIGSTOP keeps it until it goes on or is killed; a machine cut off the network, until the
    server's Bolt keep-alive finds the connection dead.) The transaction runs on a connection of its own, so
    the load's reconnecting does not free it.

    The block gets a :class:`LoadLock`; a load that has the bulk importer replace the store calls its
    :meth:`~LoadLock.release` first (the importer's own lock and its refusal of other writes cover the
    import): the lock's MERGE took a node id in the old store, and a transaction still open when the store is
    replaced gives that id back to the new store when it ends, where Neo4j hands it out a second time. The
    next load then waited for ever: its lock held the id, and its own ledger MERGE, given the same id, waited
    on the node lock (issue 25, the full disk undone).
    """
    _ensure_ledger_constraint(db)
    holder = {"pid": os.getpid(), "host": socket.gethostname(), "since": time.strftime("%Y-%m-%d %H:%M:%S")}
    user, password = db.auth or ("neo4j", "")
    own = open_database(db.uri, user, password, db.database)
    try:
        session = own.driver.session(database=own.database)
        try:
            tx = _take(session, holder, on_wait=lambda: echo(
                f"Waiting for another load into {db.uri} to finish ({_holder(own)}) ..."), while_waiting=while_waiting)
        except (DriverError, Neo4jError) as exc:  # the server stopped, or restarted for an import, meanwhile
            session.close()
            raise Neo4jUnavailable(f"Neo4j at {db.uri} stopped serving this load while it waited for the load lock "
                                   f"({exc.__class__.__name__})",
                                   hint="run the same `load` again (once the other load or the import is done)") from exc
        lock = LoadLock(tx, session)
        try:
            yield lock
        finally:
            lock.release()
    finally:
        own.close()


class LoadLock:
    """The held load lock of :func:`load_lock`: its open transaction, until :meth:`release`."""

    def __init__(self, tx, session):
        self._tx, self._session = tx, session

    @property
    def held(self) -> bool:
        return self._tx is not None

    def release(self) -> None:
        """Roll the lock's transaction back (nothing was written: this only frees the lock); once is enough."""
        tx, session, self._tx, self._session = self._tx, self._session, None, None
        if tx is None:
            return
        try:
            tx.rollback()
        except (DriverError, Neo4jError):
            pass  # the connection is gone (the database stopped): the server ended the transaction
        try:
            session.close()
        except (DriverError, Neo4jError):
            pass


def _ensure_ledger_constraint(db: Database, timeout: float = 300) -> None:
    """Create the ledger's uniqueness constraint unless it exists, and return once it is online: before, a MERGE
    would not wait for another's (two loads that start together on a fresh database both get here)."""
    deadline = time.monotonic() + timeout
    while True:
        # Looked up first: a schema transaction, even one that finds the constraint there, would queue for the
        # label's lock behind the load that holds the load lock.
        owned = [row["index"] for row in db.read(
            "SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties, ownedIndex WHERE type = 'UNIQUENESS' "
            "AND labelsOrTypes = ['LoadedSource'] AND properties = ['key'] RETURN ownedIndex AS index")]
        if owned and db.read("SHOW INDEXES YIELD name, state WHERE name IN $names AND state = 'ONLINE' "
                             "RETURN name", {"names": owned}):
            return
        if time.monotonic() > deadline:
            raise QueryError("the ledger's uniqueness constraint on :LoadedSource(key) did not come online",
                             hint="see `SHOW CONSTRAINTS` and `SHOW INDEXES` on the server")
        if not owned:
            try:
                db.write(LEDGER_CONSTRAINT)
                continue  # created, and online once created: look again at once
            except QueryError as exc:  # another load is creating it: wait for it to come online
                if "AlreadyExists" not in (exc.code or ""):
                    raise
        time.sleep(0.05)


def _take(session, holder: dict, on_wait: Callable[[], None], while_waiting: Callable[[], None] = lambda: None):
    """The open transaction that holds the lock, once it does; ``on_wait()`` after :data:`LOCK_PATIENCE` seconds
    without it, then ``while_waiting()`` every half second. (No transaction timeout: it would end the transaction,
    and free the lock, when it runs out.) When ``while_waiting`` raises, the waiting transaction is left to the
    session's closing, which rolls it back."""
    outcome: dict = {}

    def take() -> None:
        try:
            tx = session.begin_transaction(metadata={"dkgLoadLock": holder})
            tx.run("MERGE (s:LoadedSource {key: $key})", key=LOCK_KEY).consume()
            outcome["tx"] = tx
        except BaseException as exc:  # noqa: BLE001 — handed to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=take, name="diaspora-kg-load-lock", daemon=True)
    worker.start()
    worker.join(LOCK_PATIENCE)
    if worker.is_alive():
        on_wait()
        while worker.is_alive():  # in steps, so that Ctrl-C is seen (the server frees the lock when we exit)
            while_waiting()
            worker.join(0.5)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["tx"]


def _holder(db: Database) -> str:
    """Who holds the lock, from the holder's transaction metadata (when this user may see it)."""
    try:
        rows = db.read("SHOW TRANSACTIONS YIELD metaData, status WHERE metaData.dkgLoadLock IS NOT NULL "
                       "AND status STARTS WITH 'Running' RETURN metaData.dkgLoadLock AS holder")
    except Exception:  # noqa: BLE001 — only a courtesy
        rows = []
    for row in rows:
        holder = row["holder"] or {}
        return f"pid {holder.get('pid')} on {holder.get('host')}, since {holder.get('since')}"
    return "it holds the load lock"


# -- unloading --------------------------------------------------------------------------------------------------------
def unload(db: Database, key_or_path: str) -> dict:
    """Remove what only this source asserted; keep what other sources also assert (minus this source).

    Nodes and relationships only this source describes go whole; on the others, every value, evidence and label
    that only this source asserted goes too (a node another file merely points at becomes a bare reference again).

    ``key_or_path`` is a source key as stored (see ``diaspora-kg sources``) or the path of the file. The ledger
    entry is marked incomplete before anything is deleted, so an unload that dies half-way leaves a source that
    the next ``load`` reloads whole and the next ``unload`` finishes; the entry goes only when nothing is left.
    """
    key = key_or_path
    if Path(key_or_path).exists():
        key = source_key(Path(key_or_path))
    known = db.read("MATCH (s:LoadedSource {key: $key}) RETURN count(s) AS n", {"key": key})[0]["n"]
    before = _count_for(db, key)
    if not known and not any(before.values()):
        raise InputError(key_or_path, "no loaded source has this key or path",
                         hint="`diaspora-kg sources` lists what is loaded")
    if known and merges.is_decisions(db, key):  # a decisions file: its merges undone, nothing else is its
        undone = merges.undo(db, key)
        return {"source": key, "nodes_removed": 0, "nodes_kept": 0, "relationships_removed": 0,
                "relationships_kept": 0, "merges_undone": undone["groups"],
                "nodes_restored": undone["nodes_restored"],
                "relationships_restored": undone["relationships_restored"]}
    merges.check_untouched(db, [], [key], f"unloading {key}")
    db.write("MATCH (s:LoadedSource {key: $key}) SET s.complete = false, s.unloadingSince = datetime()",
             {"key": key})
    with db.connection_guard(f"unloading {key}", "start Neo4j again and run the same `unload` (or `load`, "
                                                "which reloads the source whole)"):
        with db.session() as session:
            session.run(UNLOAD_RELATIONSHIPS, key=key).consume()
        _without_source(db, key, [r["id"] for r in db.read(SHARED_RELATIONSHIPS, {"key": key})], nodes=False)
        with db.session() as session:
            session.run(UNLOAD_NODES, key=key).consume()
        _without_source(db, key, [r["id"] for r in db.read(SHARED_NODES, {"key": key})], nodes=True)
    db.write("MATCH (s:LoadedSource {key: $key}) DELETE s", {"key": key})
    return {"source": key, **before}


def _without_source(db: Database, key: str, ids: list[str], *, nodes: bool) -> None:
    """Take what ``key`` alone asserted off the nodes (``nodes``) or relationships ``ids``, which other sources
    describe too: values, evidence, labels (see :func:`graph_loader.merge.node_without`)."""
    def batch(tx, chunk: list[str]) -> None:
        rows = []
        if nodes:
            for record in tx.run(LOCK_NODES, ids=chunk):
                labels, props = node_without((record["labels"], merge_form(record["props"])), key)
                rows.append({"id": record["id"], "props": driver_props(props),
                             "removed": sorted(set(record["labels"]) - set(labels) - {RESOURCE_LABEL})})
            tx.run(SET_NODES, rows=rows).consume()
        else:
            for record in tx.run(LOCK_RELATIONSHIPS, ids=chunk):
                rows.append({"id": record["id"],
                             "props": driver_props(relationship_without(merge_form(record["props"]), key))})
            tx.run(SET_RELATIONSHIPS, rows=rows).consume()

    with db.session() as session:
        for start in range(0, len(ids), UNLOAD_BATCH):
            session.execute_write(batch, ids[start:start + UNLOAD_BATCH])


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


# -- what the graph already holds -----------------------------------------------------------------------------------
def relationships_by_uri(db: Database, uris: set[str]) -> dict[str, tuple[str, str, str]]:
    """``{uri: (type, start, end)}`` of the relationships among ``uris`` (for facts added to n-ary ones)."""
    if not uris:
        return {}
    rows = db.read("MATCH (a)-[r]->(b) WHERE r.uri IN $uris RETURN r.uri AS uri, type(r) AS type, "
                   "a.uri AS start, b.uri AS end", {"uris": sorted(uris)})
    return {r["uri"]: (r["type"], r["start"], r["end"]) for r in rows}


def typed_uris(db: Database, uris: set[str]) -> set[str]:
    """The ``uris`` the graph holds as nodes with a class (a label besides ``Resource``)."""
    if not uris:
        return set()
    return {r["uri"] for r in db.read(
        f"MATCH (n:{RESOURCE_LABEL}) WHERE n.uri IN $uris AND size(labels(n)) > 1 RETURN n.uri AS uri",
        {"uris": sorted(uris)})}


def present_node_uris(db: Database, uris: list[str]) -> set[str]:
    """The ``uris`` the graph holds as nodes (for a dry run's report)."""
    return {r["uri"] for r in db.read(f"MATCH (n:{RESOURCE_LABEL}) WHERE n.uri IN $uris RETURN n.uri AS uri",
                                      {"uris": uris})} if uris else set()


def present_relationship_uris(db: Database, uris: list[str]) -> set[str]:
    """The ``uris`` the graph holds as relationships (for a dry run's report)."""
    return {r["uri"] for r in db.read("MATCH ()-[r]->() WHERE r.uri IN $uris RETURN r.uri AS uri",
                                      {"uris": uris})} if uris else set()


def label_counts(db: Database) -> list[dict]:
    """Nodes per class label, most first (the run's summary)."""
    return db.read(f"MATCH (n:{RESOURCE_LABEL}) WITH labels(n) AS ls UNWIND ls AS label "
                   f"WITH label, count(*) AS nodes WHERE label <> '{RESOURCE_LABEL}' "
                   "RETURN label, nodes ORDER BY nodes DESC, label")
