"""Graph Data Science on the server: projecting a network of agents in Neo4j and running GDS procedures on it.

Plain ``CALL gds.…`` through the project's own driver connection (:class:`~.connection.Database`), not the
``graphdatascience`` Python client: that client pulls in pandas (tens of MB in a process meant to stay small at
10^6 agents), has its own driver requirements, and returns data frames where this module wants NumPy arrays; every
call here is one parameterised Cypher statement.

Everything the network is made of (which labels make an agent, which relationship types make a direct tie and
how strong, which shared affiliations count) arrives as plain data (:class:`TieSpec`), built by the caller from
:mod:`graph_loader.analysis.projections`: this module holds the Cypher, never the definitions. Node ids in every
result are the ids GDS streams for a Cypher projection: Neo4j's own node ids (``id(n)``), which stay valid while the
graph is not changed.

The projection (:func:`project_agents`: the organisation network, or the Newman-weighted projection of the
affiliation network) builds, in one Cypher aggregation, an undirected GDS graph with one relationship per tied
pair of agents and every agent as a node (tied or not), with

``strength``
    the sum over the kinds of tie joining the pair of the direct tie strengths (each kind once per pair, either
    direction) plus, per shared project or programme, the shared-affiliation strength (or Newman's weight);
``distance``
    ``1 / strength``, the length betweenness uses;
``arcs``
    which arcs the *directed* organisation network has between the pair: 1 from the lower node id to the higher,
    2 the other way, 3 both (symmetric ties and shared affiliations are both ways).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from neo4j.exceptions import Neo4jError

from ..errors import DiasporaKGError, QueryError
from ..model import PropertyGraph
from ..ontology.schema import RESOURCE_LABEL
from .connection import Database
from .schema import quote_name
from .scores import SCORE_PREFIX, clear_scores

#: Rows per write transaction when scores are written back.
WRITE_BATCH = 10_000


class NoGds(DiasporaKGError):
    """The server has no Graph Data Science library."""

    def __init__(self, uri: str):
        super().__init__(f"the Neo4j at {uri} has no Graph Data Science library (gds.version() is unknown)",
                         hint="start the managed instance without --no-gds, or enable the GDS plugin "
                              "(docker compose: NEO4J_PLUGINS='[\"graph-data-science\"]'); or use --engine networkx")


@dataclass(frozen=True)
class TieSpec:
    """What makes the organisation network, as plain data (from :mod:`graph_loader.analysis.projections`).

    Attributes
    ----------
    agent_labels : tuple of str
        A node with any of these labels is an agent.
    affiliation_labels : tuple of str
        Labels of the projects and programmes agents share.
    direct : dict
        ``{relationship type: strength}`` of the direct ties between two agents (dimensionless).
    symmetric : tuple of str
        Direct tie types with no direction (both arcs in the directed network).
    shared : dict
        ``{kind: (relationship types to the shared project or programme, strength per shared one)}``; a strength
        of None is Newman's collaboration weight, ``1 / (n - 1)`` for a project or programme with ``n`` agents.
        A type in ``symmetric`` counts in either direction (the agent may be its start or its end).
    excluded_labels : tuple of str
        A node with any of these labels is no agent, whatever its other labels (the actor set's left-out
        classes, e.g. ``Collective``).
    """

    agent_labels: tuple[str, ...]
    affiliation_labels: tuple[str, ...]
    direct: dict[str, float]
    symmetric: tuple[str, ...]
    shared: dict[str, tuple[tuple[str, ...], float]] = field(default_factory=dict)
    excluded_labels: tuple[str, ...] = ()

    def agent_expression(self) -> str:
        """The label expression that matches an agent (``Resource&(A|B)&!(C)``), names quoted."""
        agents = f"{RESOURCE_LABEL}&({'|'.join(map(quote_name, self.agent_labels))})"
        if self.excluded_labels:
            agents += f"&!({'|'.join(map(quote_name, self.excluded_labels))})"
        return agents


def gds_version(db: Database) -> str | None:
    """The GDS version the server runs (``gds.version()``), or None when it has no GDS."""
    rows = db.read("SHOW FUNCTIONS YIELD name WHERE name = $name RETURN count(*) AS found", {"name": "gds.version"})
    if not rows or not rows[0]["found"]:
        return None
    return db.read("RETURN gds.version() AS version")[0]["version"]


def count_agents(db: Database, spec: TieSpec) -> int:
    """How many agents the organisation network has (its node count), from the label counts."""
    return db.read(f"MATCH (a:{spec.agent_expression()}) RETURN count(a) AS n")[0]["n"]


def _projection_query(spec: TieSpec) -> str:
    """The Cypher aggregation that projects the organisation network (see the module's docstring)."""
    affiliations = "|".join(map(quote_name, spec.affiliation_labels))
    direct = "|".join(map(quote_name, spec.direct))
    agent = spec.agent_expression()
    branches = [
        # every agent, tied or not
        f"MATCH (a:{agent}) RETURN a AS low, null AS high, null AS strength, null AS arcs",
    ]
    if spec.direct:
        # direct ties: each kind once per pair, whatever its direction and however many sources assert it
        branches.append(
            f"MATCH (a:{agent})-[r:{direct}]->(b:{agent}) WHERE a <> b "
            "WITH CASE WHEN id(a) < id(b) THEN a ELSE b END AS low, CASE WHEN id(a) < id(b) THEN b ELSE a END AS high, "
            "type(r) AS kind, CASE WHEN type(r) IN $symmetric THEN 3 WHEN id(a) < id(b) THEN 1 ELSE 2 END AS arc "
            "WITH low, high, kind, max(arc % 2) AS forward, max(arc / 2) AS backward "
            "RETURN low, high, $direct[kind] AS strength, forward + 2 * backward AS arcs")
    for number, (types, _) in enumerate(spec.shared.values()):
        shared = "|".join(map(quote_name, types))
        # the agents tied to the project or programme: out of the agent, or either way for a symmetric type
        either_way = set(types) & set(spec.symmetric)
        members = (f"MATCH (a:{agent})-[r:{shared}]-(p) WHERE startNode(r) = a OR type(r) IN $symmetric"
                   if either_way else f"MATCH (a:{agent})-[:{shared}]->(p)")
        # each pair of distinct agents tied to the same project or programme: one row per one
        branches.append(
            f"MATCH (p:{RESOURCE_LABEL}&({affiliations})) "
            f"CALL (p) {{ {members} RETURN collect(DISTINCT a) AS members }} "
            "WITH members WHERE size(members) > 1 "
            f"WITH members, coalesce($shared[{number}], 1.0 / (size(members) - 1)) AS strength "
            "UNWIND range(0, size(members) - 2) AS i UNWIND range(i + 1, size(members) - 1) AS j "
            "WITH members[i] AS x, members[j] AS y, strength "
            "RETURN CASE WHEN id(x) < id(y) THEN x ELSE y END AS low, CASE WHEN id(x) < id(y) THEN y ELSE x END "
            "AS high, strength, 3 AS arcs"
        )
    union = " UNION ALL ".join(branches)
    return (
        f"CALL () {{ {union} }} "
        "WITH low, high, sum(strength) AS strength, max(arcs % 2) + 2 * max(arcs / 2) AS arcs "
        "WITH gds.graph.project($name, low, high, {relationshipProperties: CASE WHEN high IS NULL THEN null "
        "ELSE {strength: strength, distance: 1.0 / strength, arcs: arcs} END}, "
        "{undirectedRelationshipTypes: ['*']}) AS g "
        "RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships"
    )


@dataclass
class ProjectedGraph:
    """A graph in GDS's catalogue: its name, size and how long projecting took (seconds)."""

    name: str
    nodes: int
    relationships: int  # each undirected tie counts twice, as GDS stores it
    seconds: float

    @property
    def ties(self) -> int:
        """Tied pairs (undirected relationships)."""
        return self.relationships // 2


@contextmanager
def projection(db: Database, spec: TieSpec) -> Iterator[ProjectedGraph]:
    """Project the network ``spec`` defines into GDS's catalogue for the ``with`` block, then drop it."""
    graph = project_agents(db, spec)
    try:
        yield graph
    finally:
        drop(db, graph.name)


def project_agents(db: Database, spec: TieSpec, name: str | None = None) -> ProjectedGraph:
    """Project the network ``spec`` defines (see the module's docstring) under ``name`` (default: a fresh one)."""
    name = name or f"dkg-agents-{secrets.token_hex(4)}"
    params = {"name": name, "symmetric": list(spec.symmetric), "direct": dict(spec.direct),
              "shared": [strength for _, strength in spec.shared.values()]}
    started = time.perf_counter()
    row = db.write(_projection_query(spec), params)[0]
    return ProjectedGraph(name, row["nodes"], row["relationships"], time.perf_counter() - started)


def drop(db: Database, name: str) -> None:
    """Remove a graph from GDS's catalogue (nothing happens when it is not there)."""
    db.write("CALL gds.graph.drop($name, false) YIELD graphName RETURN graphName", {"name": name})


#: Rows turned into NumPy at a time when a result is streamed (bounds the Python objects alive at once).
STREAM_CHUNK = 65_536


def _records(db: Database, query: str, params: dict) -> Iterator:
    """A query's records one at a time, none kept in a list (``Database.read`` returns them all at once), with the
    errors ``Database.read`` gives. A record is a tuple of the values, in the ``RETURN``'s order."""
    with db.connection_guard(), db.session() as session:
        try:
            yield from session.run(query, params)
        except Neo4jError as exc:
            raise QueryError(f"Neo4j refused the query: {exc.message or exc}", code=exc.code) from exc


def _columns(db: Database, query: str, params: dict, dtypes: tuple) -> list[np.ndarray]:
    """Stream a query's rows into one NumPy array per returned column, ``STREAM_CHUNK`` rows at a time.

    At most one chunk of rows is held as Python objects: at 10^6 agents a tie stream has millions of rows, which
    as Python lists would take about 0.5 GB.
    """
    chunks: list[list[np.ndarray]] = [[] for _ in dtypes]
    rows: list = []

    def flush() -> None:
        for j, (chunk, dtype) in enumerate(zip(chunks, dtypes, strict=True)):
            chunk.append(np.fromiter((row[j] for row in rows), dtype=dtype, count=len(rows)))
        rows.clear()

    for record in _records(db, query, params):
        rows.append(record)
        if len(rows) == STREAM_CHUNK:
            flush()
    flush()
    return [np.concatenate(chunk) for chunk in chunks]


def node_values(db: Database, procedure_call: str, value: str, params: dict,
                dtype=float) -> tuple[np.ndarray, np.ndarray]:
    """``(node ids, values)`` of a streaming procedure yielding ``nodeId`` and ``value``, ordered by node id."""
    ids, values = _columns(db, f"{procedure_call} YIELD nodeId, {value} RETURN nodeId, {value} AS value", params,
                           (np.int64, dtype))
    order = np.argsort(ids, kind="stable")
    return ids[order], values[order]


def betweenness(db: Database, graph: str, *, sampling_size: int | None = None,
                seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """GDS betweenness on ``distance`` (unnormalised: on an undirected graph each pair counts once, as NetworkX).

    With ``sampling_size`` GDS searches from that many sources, chosen with a probability that grows with the
    node's degree (``RandomDegreeSelectionStrategy``), and returns the unscaled sums over them.
    """
    config = {"relationshipWeightProperty": "distance"}
    if sampling_size is not None:
        config.update(samplingSize=sampling_size, samplingSeed=seed if seed is not None else 0)
    return node_values(db, "CALL gds.betweenness.stream($graph, $config)", "score",
                       {"graph": graph, "config": config})


def degrees(db: Database, graph: str) -> tuple[np.ndarray, np.ndarray]:
    """Each node's number of tied agents (one undirected relationship per pair)."""
    return node_values(db, "CALL gds.degree.stream($graph, {})", "score", {"graph": graph}, np.int64)


def core_numbers(db: Database, graph: str) -> tuple[np.ndarray, np.ndarray]:
    """Each node's k-core number (``gds.kcore``), unweighted."""
    return node_values(db, "CALL gds.kcore.stream($graph, {})", "coreValue", {"graph": graph}, np.int64)


def components(db: Database, graph: str) -> tuple[np.ndarray, np.ndarray]:
    """Each node's weakly connected component (``gds.wcc``): an arbitrary id shared by the component."""
    return node_values(db, "CALL gds.wcc.stream($graph, {})", "componentId", {"graph": graph}, np.int64)


#: Community procedures by method name.
COMMUNITY_PROCEDURES = {"louvain": "gds.louvain", "leiden": "gds.leiden"}


def communities(db: Database, graph: str, method: str, *, seed: int | None = 0,
                resolution: float = 1.0) -> tuple[np.ndarray, np.ndarray, float]:
    """``(node ids, community ids, modularity)`` of a Louvain or Leiden run weighted by ``strength``.

    Louvain runs on one thread (``concurrency: 1``): GDS's Louvain takes no seed and is deterministic only then.
    Leiden takes ``seed`` as ``randomSeed``; ``resolution`` is GDS's ``gamma`` (Leiden) / ``tolerance``-free
    modularity resolution. The modularity is the one GDS reports for the partition (weighted by ``strength``).
    """
    prop = f"dkg_{method}_{secrets.token_hex(4)}"
    config: dict = {"mutateProperty": prop, "relationshipWeightProperty": "strength", "concurrency": 1}
    if method == "leiden":
        config.update(gamma=resolution, randomSeed=seed if seed is not None else 0)
    elif resolution != 1.0:
        raise ValueError("GDS's Louvain optimises modularity at resolution 1 only")
    call = f"CALL {COMMUNITY_PROCEDURES[method]}.mutate($graph, $config) YIELD modularity RETURN modularity"
    modularity = db.write(call, {"graph": graph, "config": config})[0]["modularity"]
    try:
        ids, labels = node_values(db, "CALL gds.graph.nodeProperty.stream($graph, $property)", "propertyValue",
                                  {"graph": graph, "property": prop}, np.int64)
    finally:
        db.write("CALL gds.graph.nodeProperties.drop($graph, [$property]) YIELD propertiesRemoved "
                 "RETURN propertiesRemoved", {"graph": graph, "property": prop})
    return ids, labels, float(modularity)


def ties(db: Database, graph: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every tie's ``(source ids, target ids, strengths, arcs)``, each undirected tie in both directions.

    ``arcs`` says which arcs of the directed network join the pair (1: lower id to higher, 2: back, 3: both),
    whichever way the row runs. GDS stores an undirected tie as two relationships; only the one from the lower
    id is streamed, and the other direction is added here (half the rows through Bolt).
    """
    source, target, is_arcs, value = _columns(
        db, "CALL gds.graph.relationshipProperties.stream($graph, ['strength', 'arcs']) "
            "YIELD sourceNodeId, targetNodeId, relationshipProperty, propertyValue "
            "WITH sourceNodeId AS s, targetNodeId AS t, relationshipProperty, propertyValue WHERE s < t "
            "RETURN s, t, relationshipProperty = 'arcs', propertyValue",
        {"graph": graph}, (np.int64, np.int64, bool, float))
    # one relationship per pair: sorting by (source, target, property) pairs each tie's two values
    order = np.lexsort((is_arcs, target, source))
    source, target, is_arcs, value = source[order], target[order], is_arcs[order], value[order]
    low, high = source[~is_arcs], target[~is_arcs]
    strength, arcs = value[~is_arcs], value[is_arcs].astype(np.int64)
    return (np.concatenate([low, high]), np.concatenate([high, low]), np.concatenate([strength, strength]),
            np.concatenate([arcs, arcs]))


def uris(db: Database, ids: Iterable[int]) -> list[str | None]:
    """The ``uri`` of each node id, in order (None for a node without one)."""
    ids = [int(i) for i in ids]
    found: list[str | None] = []
    for start in range(0, len(ids), WRITE_BATCH):
        rows = db.read("UNWIND $ids AS i OPTIONAL MATCH (n) WHERE id(n) = i RETURN n.uri AS uri",
                       {"ids": ids[start:start + WRITE_BATCH]})
        found += [row["uri"] for row in rows]
    return found


def read_neighbourhood(db: Database, ids: Iterable[int], follow: Iterable[str], *, hop_types: Iterable[str] = (),
                       hop_labels: Iterable[str] = (), properties: Iterable[str] | None = None,
                       ties_among: bool = True) -> tuple[PropertyGraph, dict[int, str]]:
    """The nodes ``ids``, the chains of ``follow`` ties out of them, and their projects and programmes.

    Read: the nodes ``ids``; every relationship between two of them (unless ``ties_among`` is False); the
    chains of ``follow`` relationships out of them (places and parent bodies, all
    :func:`~graph_loader.analysis.groups.home_countries` walks); the
    ``hop_types`` relationships, either direction, between one of them and a node with one of ``hop_labels``
    (the projects and programmes members are bound to), and those nodes. Nothing else: a large coalition's
    projects have their own places and ties, which no description reads. ``properties``: the only properties
    read, of nodes and relationships alike (None: all). Returns the :class:`~graph_loader.model.PropertyGraph`
    (keyed by ``uri``) and ``{node id: uri}`` of ``ids``.
    """
    follow = "|".join(map(quote_name, follow))
    wanted = sorted(set(int(i) for i in ids))
    keys = None if properties is None else list(properties)
    # all properties, or only ``keys`` (as key-value pairs; the names are a parameter)
    chosen = ("properties({0})" if keys is None else "[k IN $keys WHERE {0}[k] IS NOT NULL | [k, {0}[k]]]").format
    # endpoints as node ids: every one is among the nodes read, whose uri strings are reused (not decoded again)
    returned = (f"RETURN r.uri AS uri, type(r) AS type, id(startNode(r)) AS start, id(endNode(r)) AS end, "
                f"{chosen('r')} AS props")
    queries = [f"UNWIND $ids AS i MATCH (a:{RESOURCE_LABEL})-[r]->(b:{RESOURCE_LABEL}) "
               f"WHERE id(a) = i AND id(b) IN $ids AND r.uri IS NOT NULL {returned}"] if ties_among else []
    reached = set(wanted)
    frontier = wanted
    while frontier and follow:
        rows = db.read(f"UNWIND $ids AS i MATCH (a:{RESOURCE_LABEL})-[:{follow}]->(b:{RESOURCE_LABEL}) "
                       "WHERE id(a) = i RETURN DISTINCT id(b) AS b", {"ids": frontier})
        frontier = [r["b"] for r in rows if r["b"] not in reached]
        reached.update(frontier)
    chains = sorted(reached)
    if follow:
        queries.append(f"UNWIND $chains AS i MATCH (a:{RESOURCE_LABEL})-[r:{follow}]->(:{RESOURCE_LABEL}) "
                       f"WHERE id(a) = i AND r.uri IS NOT NULL {returned}")
    hop_types, hop_labels = "|".join(map(quote_name, hop_types)), "|".join(map(quote_name, hop_labels))
    if hop_types and hop_labels:
        hop = (f"UNWIND $ids AS i MATCH (a:{RESOURCE_LABEL})-[r:{hop_types}]-(b:{RESOURCE_LABEL}&({hop_labels})) "
               "WHERE id(a) = i")
        reached.update(r["b"] for r in db.read(f"{hop} RETURN DISTINCT id(b) AS b", {"ids": wanted}))
        queries.append(f"{hop} AND r.uri IS NOT NULL {returned}")
    graph = PropertyGraph()
    uri_of: dict[int, str] = {}
    shared: dict = {}  # one object per distinct label set and relationship type, not one per row
    params = {"ids": wanted, "chains": chains, "reached": sorted(reached), "keys": keys}
    for record in _records(db, "UNWIND $reached AS i MATCH (n:Resource) WHERE id(n) = i "
                               f"RETURN i, n.uri AS uri, labels(n) AS labels, {chosen('n')} AS props", params):
        if record["uri"] is None:
            continue
        labels = tuple(record["labels"])
        graph.nodes[record["uri"]] = {"labels": shared.setdefault(labels, labels), "props": dict(record["props"])}
        uri_of[record["i"]] = record["uri"]
    for query in queries:
        for record in _records(db, query, params):
            if record["start"] in uri_of and record["end"] in uri_of:
                kind = record["type"]
                graph.relationships[record["uri"]] = {"type": shared.setdefault(kind, kind),
                                                      "start": uri_of[record["start"]],
                                                      "end": uri_of[record["end"]], "props": dict(record["props"])}
    return graph, {i: uri_of[i] for i in wanted if i in uri_of}


def write_node_scores(db: Database, ids: np.ndarray, scores: dict[str, np.ndarray]) -> int:
    """Write ``{measure: values aligned with ids}`` as ``score_<measure>``; NaN values are left out.

    Old values of those measures are cleared first, on every node, as :func:`.scores.write_scores` does.
    Returns the number of nodes that received a score.
    """
    clear_scores(db, scores)
    written = 0
    query = ("UNWIND $rows AS row MATCH (n) WHERE id(n) = row.id "
             "SET n += row.scores")
    measures = list(scores.items())
    for start in range(0, len(ids), WRITE_BATCH):
        rows = []
        for offset, node in enumerate(ids[start:start + WRITE_BATCH].tolist()):
            values = {}
            for measure, column in measures:
                value = column[start + offset]
                if value is not None and value == value:  # NaN / None: no score
                    values[SCORE_PREFIX + measure] = value.item() if isinstance(value, np.generic) else value
            if values:
                rows.append({"id": node, "scores": values})
        if rows:
            db.write(query, {"rows": rows})
            written += len(rows)
    return written
