"""Brokers and coalitions inside Neo4j, with Graph Data Science: for graphs that outgrow one Python process.

The network is the one :mod:`graph_loader.analysis.projections` defines, built by Cypher in Neo4j from the same
definitions (:func:`tie_spec`: the labels, tie kinds and strengths are read from that module, never restated) and
projected into GDS's catalogue (:func:`graph_loader.neo4j.gds_procedures.project_agents`). Why Cypher rather than the
Python projection streamed into GDS: the whole point is to never hold the full graph in Python (at 10^6 agents
the NetworkX full graph passes 16 GB, where this engine's process stays under 500 MB: ``benchmarks/RESULTS.md``);
the cross-check tests compare the projected ties, pair by pair and strength by strength, with
:func:`~graph_loader.analysis.projections.organisation_network`.

What runs where:

* **GDS**: betweenness on ``distance`` (exact up to :data:`~graph_loader.analysis.backends.LARGE_GRAPH_NODES`
  agents, sampled above, with as many sources as the NetworkX engine), Louvain or Leiden on ``strength``
  (Leiden seeded; GDS's Louvain takes no seed and runs on one thread, where it is deterministic), k-core numbers,
  weakly connected components and degrees;
* **Python, on what GDS streams**: Burt's constraint, effective size and efficiency of every agent, by the same
  sparse computation as the NetworkX engine
  (:func:`~graph_loader.analysis.brokers.structural_hole_arrays`) on the tie strengths streamed from the
  projection (three arrays, about 24 bytes a tie);
* **Python, on ego networks**: Gould–Fernandez roles of the reported brokers only, by
  :func:`~graph_loader.analysis.brokers.counted_roles` on each one's ego network (its tied agents and the arcs among
  them, which is all the roles depend on) with home countries from
  :func:`~graph_loader.analysis.groups.home_countries` on the chains of places and parent bodies read from Neo4j
  (all that function follows); the coalitions reported are described the same way
  (:func:`~graph_loader.analysis.coalitions.describe` on the members, their ties and what binds them).

Scores are written back as the NetworkX engine writes them (``score_betweenness``, ``score_constraint``,
``score_effective_size``, ``score_efficiency``, ``score_degree``, ``score_coalition`` for every agent; the roles
and ``score_brokerage`` for the reported brokers only), so the report, the pictures and the notebooks read them
without knowing which engine ran. The Python process keeps a few arrays of one number per agent or tie.
"""

from __future__ import annotations

import ctypes
import math
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..analysis.actors import COLLECTIVE_LABEL, ActorSet
from ..analysis.backends import LARGE_GRAPH_NODES
from ..analysis.brokers import ROLES, counted_roles, sample_size, structural_hole_arrays
from ..analysis.coalitions import adjusted_rand_index, describe
from ..analysis.groups import AGENT_LABELS, home_countries
from ..analysis.projections import (
    AFFILIATION_LABELS,
    AFFILIATION_TIES,
    DIRECT_TIE_STRENGTH,
    SHARED_AFFILIATION_TIES,
    SYMMETRIC_TIES,
    check_agent_network,
)
from ..analysis.summary import (
    AnalysisParameters,
    AnalysisResult,
    BetweennessInfo,
    BrokerInfo,
    CoalitionInfo,
    Stability,
)
from ..neo4j import gds_procedures as procedures
from ..neo4j.connection import Database
from ..neo4j.gds_procedures import NoGds
from ..ontology.schema import load_schema
from ..ontology.terms import REL
from .source import GraphSource

NAME = "gds"

#: Ties followed to find an actor's home country (what :func:`graph_loader.analysis.groups.home_countries` reads).
COUNTRY_TIES = (REL.HOME_COUNTRY, REL.ORIGINATES_FROM, REL.SUB_ORGANISATION_OF, REL.EXECUTIVE_ARM_OF,
                REL.LOCATED_IN, REL.PART_OF)
#: The only properties the descriptions read (besides labels and relationship types): the names shown by
#: :func:`~graph_loader.analysis.coalitions.describe` and the broker rows, and the ``isoCode`` that
#: :func:`~graph_loader.analysis.groups.home_countries` ends its chains on. Reading all properties of a large
#: coalition's neighbourhood cost about 1 GB at 10^5 agents.
COUNTRY_PROPERTIES = ("isoCode",)
READ_PROPERTIES = ("name", "unnamed", *COUNTRY_PROPERTIES)


def _release_freed_memory() -> None:
    """Hand the memory freed by the last stage back to the operating system (glibc's ``malloc_trim``; nothing
    elsewhere).

    NumPy's temporary arrays of a few MB come from the C heap, and glibc keeps freed heap memory for reuse: without
    this the process's resident size only grows, stage after stage (at 10^6 agents about 450 MB more at the end).
    """
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _glibc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:  # not glibc (macOS, musl, Windows)
        return None


_LIBC = _glibc()


def tie_spec(projection: str = "organisations", actors: ActorSet | None = None) -> procedures.TieSpec:
    """A network of :mod:`graph_loader.analysis.projections` as plain data, for the projection in Neo4j.

    ``"organisations"``: :func:`~graph_loader.analysis.projections.organisation_network` (direct ties and shared
    affiliations with their strengths); ``"affiliation-projection"``:
    :func:`~graph_loader.analysis.projections.shared_affiliation_network` (agents tied by the programmes and
    projects they share, Newman-weighted: ``None`` below asks for his ``1 / (n - 1)``). The agents are those of
    ``actors`` (:class:`~graph_loader.analysis.actors.ActorSet`; default: every agent, collectives included, the
    network the functions of :mod:`graph_loader.analysis.projections` build from the whole graph).
    """
    actors = actors or ActorSet(include_collectives=True)
    agents = {"agent_labels": tuple(sorted(actors.kinds or AGENT_LABELS)),
              "excluded_labels": () if actors.collectives else (COLLECTIVE_LABEL,)}
    if check_agent_network(projection) == "affiliation-projection":
        return procedures.TieSpec(affiliation_labels=tuple(sorted(AFFILIATION_LABELS)), direct={},
                           symmetric=tuple(sorted(SYMMETRIC_TIES)),
                           shared={"AFFILIATION": (tuple(sorted(AFFILIATION_TIES)), None)}, **agents)
    return procedures.TieSpec(
        affiliation_labels=tuple(sorted(AFFILIATION_LABELS)),
        direct=dict(DIRECT_TIE_STRENGTH),
        symmetric=tuple(sorted(SYMMETRIC_TIES)),
        shared={kind: (tuple(sorted(types)), strength) for kind, (types, strength) in SHARED_AFFILIATION_TIES.items()},
        **agents,
    )


@dataclass
class GdsScores:
    """Per-agent arrays, aligned with ``ids`` (Neo4j node ids, ascending)."""

    ids: np.ndarray
    betweenness: np.ndarray
    degree: np.ndarray
    constraint: np.ndarray
    effective_size: np.ndarray
    efficiency: np.ndarray
    core: np.ndarray
    component: np.ndarray
    community: np.ndarray  # the reported partition's coalition id (0: alone in its community)


def _aligned(ids: np.ndarray, other_ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    if not np.array_equal(ids, other_ids):
        raise RuntimeError("GDS streamed a different node set for two procedures on one graph")
    return values


def _betweenness(db: Database, graph: str, ids: np.ndarray, component: np.ndarray, degree: np.ndarray,
                 seed: int) -> tuple[np.ndarray, BetweennessInfo]:
    """Normalised betweenness (as NetworkX's ``normalized=True``) and how it was computed."""
    n = len(ids)
    sizes = np.bincount(np.unique(component, return_inverse=True)[1]) if n else np.zeros(0, np.int64)
    labels = np.unique(component, return_inverse=True)[1] if n else np.zeros(0, np.int64)
    in_paths = sizes[labels] >= 3
    candidates = int(in_paths.sum())
    k = None
    if n > LARGE_GRAPH_NODES and candidates:
        edges = np.bincount(labels, weights=degree, minlength=len(sizes)) / 2  # ties per component
        work = float(edges[labels][in_paths].mean())  # edges one source's search visits, on average
        k = min(n, sample_size(n, work))
        if k >= candidates:
            k = None  # as the NetworkX engine: a sample holding every useful source is the exact run
    got_ids, raw = procedures.betweenness(db, graph, sampling_size=k, seed=seed)
    raw = _aligned(ids, got_ids, raw)
    scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    if k is None:
        return raw * scale, BetweennessInfo(method="exact", backend="gds", k=None, n=n, weight="distance",
                                            normalized=True)
    # GDS returns the unscaled sums over its k sources; scaled up as a uniform sample would be (n / k).
    meta = BetweennessInfo(method="sampled", backend="gds", k=k, n=n, weight="distance", normalized=True, seed=seed,
                           population=n, error=(
        f"estimated by GDS from {k} of {n} source nodes (seed={seed}) and scaled by n/k; GDS chooses its sources "
        "with a probability that grows with their degree and favours low node ids "
        "(RandomDegreeSelectionStrategy), not uniformly, so the estimate is biased and no error bound is stated "
        "(the NetworkX engine samples uniformly and states one)"))
    return raw * scale * (n / k), meta


@dataclass
class Ties:
    """The projected ties as streamed by GDS, both directions of each: positions in ``ids``, strength, arcs."""

    source: np.ndarray
    target: np.ndarray
    strength: np.ndarray
    arcs: np.ndarray


def _ties(db: Database, graph: str, ids: np.ndarray) -> Ties:
    source, target, strength, arcs = procedures.ties(db, graph)
    return Ties(np.searchsorted(ids, source), np.searchsorted(ids, target), strength, arcs)


def _structural_holes(ties: Ties, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    A = sp.csr_array((ties.strength, (ties.source, ties.target)), shape=(n, n))
    return structural_hole_arrays(A)


def _partitions(db: Database, graph: str, ids: np.ndarray, method: str, seed: int,
                stability_runs: int) -> tuple[np.ndarray, float, Stability | None, str | None]:
    """The reported partition's community labels and modularity, and its stability across seeds."""
    if method == "louvain":
        got, labels, modularity = procedures.communities(db, graph, "louvain")
        note = "GDS's Louvain takes no seed: it ran on one thread, where it is deterministic; stability not measured"
        return _aligned(ids, got, labels), modularity, None, note
    order = [seed, *(s for s in range(stability_runs) if s != seed)]
    runs = {}
    for s in order:
        got, labels, modularity = procedures.communities(db, graph, "leiden", seed=s)
        runs[s] = (_aligned(ids, got, labels), modularity)
    stability = None
    if stability_runs:
        seeds = list(range(stability_runs))
        aris = [adjusted_rand_index(runs[a][0], runs[b][0]) for i, a in enumerate(seeds) for b in seeds[i + 1:]]
        stability = Stability(runs=stability_runs, mean_ari=float(np.mean(aris)), min_ari=float(np.min(aris)))
    return runs[seed][0], runs[seed][1], stability, None


def _coalition_ids(db: Database, ids: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Coalition numbers 1, 2, ... (0 for an agent alone in its community) in the NetworkX engine's order.

    Largest first, then by the smallest member URI as text (what ``coalitions._sorted_communities`` orders by).
    Returns the number of every agent and the member ids of each coalition, in order.
    """
    codes = np.unique(labels, return_inverse=True)[1]
    sizes = np.bincount(codes)
    grouped = np.flatnonzero(sizes[codes] >= 2)
    first: dict[int, str] = {}
    for start in range(0, len(grouped), 50_000):
        chunk = grouped[start:start + 50_000]
        for position, uri in zip(chunk.tolist(), procedures.uris(db, ids[chunk]), strict=True):
            code = int(codes[position])
            if code not in first or uri < first[code]:
                first[code] = uri
    order = sorted(first, key=lambda c: (-int(sizes[c]), first[c]))
    number = np.zeros(len(sizes), dtype=np.int64)
    number[order] = np.arange(1, len(order) + 1)
    coalition = number[codes]
    members_sorted = np.argsort(coalition, kind="stable")
    bounds = np.searchsorted(coalition[members_sorted], np.arange(1, len(order) + 2))
    members = [ids[members_sorted[bounds[i]:bounds[i + 1]]] for i in range(len(order))]
    return coalition, members


#: Agents whose home countries are resolved at a time (:func:`_home_countries`).
COUNTRY_CHUNK = 5_000


def _home_countries(db: Database, ids: list[int]) -> dict[int, str | None]:
    """:func:`~graph_loader.analysis.groups.home_countries` of the agents ``ids``, on the chains of places and
    parent bodies read from Neo4j, :data:`COUNTRY_CHUNK` agents at a time: a country depends on its agent's chain
    only, so the chunks give the same answer as one pass, in bounded memory (the ego networks of the brokers of a
    10^6-agent graph hold about 50,000 agents)."""
    schema = load_schema()
    country: dict[int, str | None] = {}
    for start in range(0, len(ids), COUNTRY_CHUNK):
        part = ids[start:start + COUNTRY_CHUNK]
        small, uri_of = procedures.read_neighbourhood(db, part, COUNTRY_TIES, properties=COUNTRY_PROPERTIES,
                                               ties_among=False)
        found = home_countries(small.to_networkx(schema, consume=True), [uri_of[v] for v in part if v in uri_of])
        country.update((v, found.get(uri_of.get(v))) for v in part)
    return country


def _top_brokers(db: Database, ties: Ties, scores: GdsScores, top: int | None) -> tuple[list[dict], list[int]]:
    """The ``top`` rows of :func:`~graph_loader.analysis.brokers.rank_brokers`, computed on their ego networks,
    and the node id of each row."""
    n = len(scores.ids)
    betweenness = np.where(np.isfinite(scores.betweenness), scores.betweenness, 0.0)
    order = np.lexsort((-scores.degree, -betweenness))
    wanted = n if top is None else min(top, n)
    if wanted < n:  # keep every agent tied with the last one on (betweenness, degree): names break the tie
        last = order[wanted - 1] if wanted else None
        cut = wanted
        while last is not None and cut < n and betweenness[order[cut]] == betweenness[last] \
                and scores.degree[order[cut]] == scores.degree[last]:
            cut += 1
        order = order[:cut]
    chosen = scores.ids[order]
    # the ego networks: the chosen agents, their tied agents, and every arc among all of them
    in_ego = np.zeros(n, dtype=bool)
    in_ego[order] = True
    in_ego[ties.target[in_ego[ties.source]]] = True
    among = in_ego[ties.source] & in_ego[ties.target]
    ego_set = set(scores.ids[in_ego].tolist())
    succ: dict[int, dict] = {v: {} for v in ego_set}
    pred: dict[int, dict] = {v: {} for v in ego_set}
    for s, t, arcs in zip(scores.ids[ties.source[among]].tolist(), scores.ids[ties.target[among]].tolist(),
                          ties.arcs[among].tolist(), strict=True):
        if s < t:  # each tie once; its arcs from the lower id to the higher (1), back (2), or both (3)
            if arcs & 1:
                succ[s][t] = pred[t][s] = None
            if arcs & 2:
                succ[t][s] = pred[s][t] = None
    # the roles come from the streamed arcs; read from Neo4j: the home countries, and the names of the chosen
    country = _home_countries(db, sorted(ego_set))
    roles = counted_roles(succ, pred, country, brokers=chosen.tolist())
    small, uri_of = procedures.read_neighbourhood(db, chosen.tolist(), (), properties=READ_PROPERTIES, ties_among=False)
    G = small.to_networkx(load_schema())
    rows = []
    for v in chosen.tolist():
        i = int(np.searchsorted(scores.ids, v))
        data = G.nodes[uri_of[v]] if v in uri_of and uri_of[v] in G else {}
        row = {"uri": data.get("uri", uri_of.get(v)), "name": data.get("name"),
               "kind": data.get("kind") or (data.get("labels") or (None,))[0], "country": country[v],
               "unnamed": data.get("unnamed") is True, "betweenness": float(scores.betweenness[i])}
        for key in ("constraint", "effective_size", "efficiency"):
            value = float(getattr(scores, key)[i])
            row[key] = value if math.isfinite(value) else None
        row.update({role: roles[v][role] for role in ROLES})
        row["brokerage"] = roles[v]["total"]
        row["degree"] = int(scores.degree[i])
        rows.append((row, v))
    # The NetworkX engine's order: betweenness, then degree, then name, then URI.
    rows.sort(key=lambda item: (-item[0]["betweenness"] if math.isfinite(item[0]["betweenness"]) else 0.0,
                                -item[0]["degree"], str(item[0]["name"]), str(item[0]["uri"])))
    rows = rows[:wanted]
    return [row for row, _ in rows], [v for _, v in rows]


def _described(db: Database, members: list[np.ndarray], limit: int | None) -> list[dict]:
    """:func:`~graph_loader.analysis.coalitions.describe` of the first ``limit`` coalitions (all with None).

    One coalition at a time, each from its own neighbourhood (a description depends on nothing else): the
    Python process holds one coalition's members, places and projects, not all of the reported ones'.
    """
    schema = load_schema()
    described = []
    for number, group in enumerate(members if limit is None else members[:limit], start=1):
        small, uri_of = procedures.read_neighbourhood(db, group.tolist(), COUNTRY_TIES, hop_types=sorted(AFFILIATION_TIES),
                                               hop_labels=sorted(AFFILIATION_LABELS), properties=READ_PROPERTIES)
        G = small.to_networkx(schema, consume=True)
        described += describe(G, [[uri_of[v] for v in group.tolist() if v in uri_of]], first=number)
        del G
        _release_freed_memory()
    return described


def analyse_gds(db: Database, *, projection: str = "organisations", method: str = "louvain", seed: int = 0,
                top: int | None = 15, stability_runs: int = 10, write: bool = True,
                keep_scores: bool = False, actors: ActorSet | None = None) -> AnalysisResult:
    """:func:`analyse_in_neo4j` with the parameters as keywords (``actors`` default, as the NetworkX engine's:
    organisations and people, collectives left out; ``top`` default 15)."""
    parameters = AnalysisParameters(projection=projection, method=method, seed=seed, top=top,
                                    stability_runs=stability_runs, actors=actors or ActorSet())
    return analyse_in_neo4j(db, parameters, write=write, keep_scores=keep_scores)


def analyse_in_neo4j(db: Database, parameters: AnalysisParameters, *, write: bool = True,
                     keep_scores: bool = False) -> AnalysisResult:
    """Brokers and coalitions of the graph in Neo4j, computed there by GDS (see the module's docstring).

    Parameters
    ----------
    parameters : AnalysisParameters
        The network, method, seed, actors; ``top`` brokers and coalitions are reported (and described), None:
        every one (small graphs, the cross-checks); ``stability_runs`` Leiden runs with seeds 0, 1, ... are
        compared for the stability.
    write : bool
        Write the scores back as ``score_*`` properties.
    keep_scores : bool
        Also return every agent's scores as ``{measure: {uri: value}}`` (plus ``core``), for comparisons on
        graphs small enough to hold them.

    Returns
    -------
    AnalysisResult
        ``graph`` is None (the full graph is never read); ``broker_info`` has the projection's time, the
        components and the main core.
    """
    projection, method, seed, top = parameters.projection, parameters.method, parameters.seed, parameters.top
    actors = parameters.actors
    spec = tie_spec(projection, actors)
    if procedures.gds_version(db) is None:
        raise NoGds(db.uri)
    timings: dict[str, float] = {}

    def done(stage: str) -> None:
        """Record the stage's seconds, and release what it freed before the next one builds its own."""
        nonlocal started
        timings[stage] = time.perf_counter() - started
        _release_freed_memory()
        started = time.perf_counter()

    with procedures.projection(db, spec) as graph:
        timings["project"] = graph.seconds
        started = time.perf_counter()
        ids, degree = procedures.degrees(db, graph.name)
        component = _aligned(ids, *procedures.components(db, graph.name))
        core = _aligned(ids, *procedures.core_numbers(db, graph.name))
        betweenness, between_info = _betweenness(db, graph.name, ids, component, degree, seed)
        done("betweenness")
        ties = _ties(db, graph.name, ids)
        constraint, effective_size, efficiency = _structural_holes(ties, len(ids))
        done("structural_holes")
        labels, modularity, stability, note = _partitions(db, graph.name, ids, method, seed,
                                                          parameters.stability_runs)
        coalition, members = _coalition_ids(db, ids, labels)
        done("communities")
        scores = GdsScores(ids, betweenness, degree, constraint, effective_size, efficiency, core, component,
                           coalition)
        brokers, broker_ids = _top_brokers(db, ties, scores, top)
        del ties
        done("brokerage_roles")
    described = _described(db, members, top)
    done("describe")
    written = None
    if write:
        written = _write(db, scores, brokers, broker_ids)
        done("write")
    main_k = int(core.max()) if len(core) else 0
    component_sizes = np.bincount(np.unique(component, return_inverse=True)[1]) if len(ids) else np.zeros(0)
    broker_info = BrokerInfo(
        engine=NAME, projection=projection, actors=actors, nodes=int(len(ids)), edges=graph.ties,
        betweenness=between_info, roles_of=len(brokers), components=int(len(component_sizes)),
        largest_component=int(component_sizes.max()) if len(component_sizes) else 0,
        main_core=(main_k, int((core == main_k).sum()) if len(core) else 0), seconds=timings)
    coalition_info = CoalitionInfo(
        engine=NAME, projection=projection, actors=actors, nodes=int(len(ids)), edges=graph.ties, method=method,
        backend="gds", modularity=modularity, resolution=1.0, seed=seed if method == "leiden" else None, note=note,
        count=len(members), singletons=int((coalition == 0).sum()), stability=stability)
    every = procedures.count_agents(db, tie_spec(projection, ActorSet(include_collectives=True)))
    result = AnalysisResult(parameters, brokers, broker_info, described, coalition_info,
                            left_out=every - len(ids), written=written)
    if keep_scores:
        result.scores = _scores_by_uri(db, scores)
    return result


class GdsEngine:
    """The engine ``gds`` of :data:`graph_loader.engines.ENGINES`: Graph Data Science inside Neo4j."""

    name = NAME

    def run(self, source: GraphSource, parameters: AnalysisParameters, *, write: bool = True) -> AnalysisResult:
        """The analysis of the graph in ``source.db``; with ``write`` the scores written back."""
        return analyse_in_neo4j(source.db, parameters, write=write)


ENGINE = GdsEngine()


def _write(db: Database, scores: GdsScores, brokers: list[dict], broker_ids: list[int]) -> int:
    """Write the scores back (``score_*``), as :func:`graph_loader.neo4j.scores.write_scores` names them."""
    n = len(scores.ids)
    # Integers stay integers (as the NetworkX engine writes them); NaN / None means "no score".
    columns = {"betweenness": scores.betweenness, "constraint": scores.constraint,
               "effective_size": scores.effective_size, "efficiency": scores.efficiency,
               "degree": scores.degree.astype(object),
               "coalition": np.where(scores.community > 0, scores.community.astype(object), None)}
    role_columns = {key: np.full(n, None, dtype=object) for key in (*ROLES, "brokerage")}
    for row, v in zip(brokers, broker_ids, strict=True):
        i = int(np.searchsorted(scores.ids, v))
        for key in role_columns:
            role_columns[key][i] = row[key]
    return procedures.write_node_scores(db, scores.ids, {**columns, **role_columns})


def _scores_by_uri(db: Database, scores: GdsScores) -> dict[str, dict]:
    uris = procedures.uris(db, scores.ids)
    out: dict[str, dict] = defaultdict(dict)
    for key in ("betweenness", "constraint", "effective_size", "efficiency", "degree", "core"):
        values = getattr(scores, key).tolist()
        out[key] = {u: v for u, v in zip(uris, values, strict=True) if v == v}
    out["coalition"] = {u: c for u, c in zip(uris, scores.community.tolist(), strict=True) if c > 0}
    return dict(out)
