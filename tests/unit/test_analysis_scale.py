"""The analyses at scale: sparse and linear where they must be, and the same answers as the direct computations.

The graphs here imitate the synthetic corpus of the benchmarks (``benchmarks/analysis.py``): many agents with no
tie at all, hometown associations hanging off their federation (leaves of hubs), and small groups of agents
co-funding a project. Each fast path is checked against a direct computation on the same graph.
"""

from __future__ import annotations

import random
import time
from collections import Counter

import networkx as nx
import numpy as np
import pytest

from graph_loader.analysis.brokers import (
    ROLES,
    _path_population,
    _role,
    _sampled,
    betweenness,
    brokerage_roles,
    hoeffding_bound,
    rank_brokers,
)
from graph_loader.analysis.coalitions import adjusted_rand_index, find_coalitions, stability
from graph_loader.analysis.groups import annotate_groups, home_countries
from graph_loader.analysis.projections import (
    organisation_network,
    organisation_network_and_arcs,
)

HTA = ("HometownAssociation", "DiasporaOrganisation", "Organisation", "Agent")
FEDERATION = ("Federation", "DiasporaOrganisation", "Organisation", "Agent")
AGENCY = ("GovernmentAgency", "PublicBody", "Organisation", "Agent")
COUNTRY = ("Country", "Place")
PROJECT = ("Project",)


def sparse_full_graph(agents: int, seed: int = 0) -> nx.MultiDiGraph:
    """A full graph of ``agents`` agents: 60% without ties, the others in federations and co-funded projects.

    Federations of 2 to 40 associations (``MEMBER_OF``, some partnering each other); projects funded by an
    association, its federation and one of a few agencies; home countries among three. The network is sparse:
    about 0.6 ties per agent.
    """
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    countries = [f"c/{code}" for code in ("MX", "SV", "GT")]
    for country, code in zip(countries, ("MX", "SV", "GT"), strict=True):
        G.add_node(country, labels=COUNTRY, isoCode=code)
    agencies = [f"agency/{i}" for i in range(max(3, agents // 2000))]
    for a in agencies:
        G.add_node(a, labels=AGENCY, name=a)
        G.add_edge(a, rng.choice(countries), type="HOME_COUNTRY")
    tied = int(agents * 0.4)
    made, federations = 0, []
    while made < tied:
        federation = f"fed/{made}"
        G.add_node(federation, labels=FEDERATION, name=federation)
        country = rng.choice(countries)
        G.add_edge(federation, country, type="HOME_COUNTRY")
        members = [f"hta/{made}-{i}" for i in range(rng.randint(2, 40))]
        for m in members:
            G.add_node(m, labels=HTA, name=m)
            G.add_edge(m, federation, type="MEMBER_OF")
            if rng.random() < 0.8:  # some associations have no recorded home country
                G.add_edge(m, country, type="HOME_COUNTRY")
        for _ in range(len(members) // 8):
            project = f"project/{made}-{rng.randrange(10**9)}"
            G.add_node(project, labels=PROJECT, name=project)
            for funder in (rng.choice(members), federation, rng.choice(agencies)):
                G.add_edge(funder, project, type="FUNDS")
        if federations and rng.random() < 0.3:  # federations partner now and then: a few larger components
            G.add_edge(federation, rng.choice(federations), type="PARTNERS_WITH")
        federations.append(federation)
        made += len(members) + 1
    for i in range(agents - made - len(agencies)):
        G.add_node(f"alone/{i}", labels=HTA, name=f"alone/{i}")
    return G


@pytest.fixture(scope="module")
def big() -> nx.MultiDiGraph:
    return sparse_full_graph(60_000)


# -- coalitions -------------------------------------------------------------------------------------------------

def test_adjusted_rand_index_of_many_singletons_needs_no_dense_table():
    # 10^5 nodes, each alone in one partition, in pairs in the other: a dense contingency table would hold
    # 10^5 x 5 x 10^4 cells (40 GB); the sparse count is immediate. Pairs together: 0 in the first, 5 x 10^4 in
    # the second, 0 in both; expected 0, maximum 2.5 x 10^4: ARI = 0.
    n = 100_000
    assert adjusted_rand_index(np.arange(n), np.arange(n) // 2) == 0.0
    assert adjusted_rand_index(list(range(n)), list(range(n))) == 1.0


def test_adjusted_rand_index_agrees_with_pair_counting():
    rng = random.Random(1)
    for _ in range(20):
        n = rng.randint(2, 40)
        first = [rng.randrange(5) for _ in range(n)]
        second = [rng.choice("abcdefg") for _ in range(n)]
        pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
        both = sum(first[i] == first[j] and second[i] == second[j] for i, j in pairs)
        in_first = sum(first[i] == first[j] for i, j in pairs)
        in_second = sum(second[i] == second[j] for i, j in pairs)
        expected = in_first * in_second / len(pairs)
        maximum = (in_first + in_second) / 2
        reference = 1.0 if maximum == expected else (both - expected) / (maximum - expected)
        assert adjusted_rand_index(first, second) == pytest.approx(reference)
        assert adjusted_rand_index(np.array(first), np.array(first) * 7) == 1.0


def test_find_coalitions_on_a_sparse_60000_agent_graph_stays_sparse_and_fast(big):
    # Tens of thousands of single-agent communities: the stability check once built a dense
    # communities x communities table here (MemoryError at 10^5 agents).
    started = time.perf_counter()
    result = find_coalitions(big)
    elapsed = time.perf_counter() - started
    assert result["nodes"] >= 59_000 and result["backend"] == "igraph"
    assert result["singletons"] > 30_000
    assert result["stability"]["runs"] == 10 and 0 < result["stability"]["mean_ari"] <= 1
    assert sum(c["size"] for c in result["coalitions"]) + result["singletons"] == result["nodes"]
    assert elapsed < 20, f"find_coalitions took {elapsed:.1f} s"  # about 3 s on the benchmark machine


def test_find_coalitions_reports_the_stability_runs_it_made(big):
    G = organisation_network(big)
    result = find_coalitions(big, seed=3, stability_runs=4)
    runs = stability(G, seeds=range(4), weight="strength")
    assert result["stability"] == {"mean_ari": runs["mean_ari"], "min_ari": runs["min_ari"], "runs": 4}
    assert result["modularity"] == pytest.approx(stability(G, seeds=[3, 0], weight="strength")[
        "partitions"][0].modularity)


# -- projections and groups -------------------------------------------------------------------------------------

def test_organisation_network_and_arcs_equal_both_networks(big):
    undirected, (succ, pred) = organisation_network_and_arcs(big)
    reference, directed = organisation_network(big), organisation_network(big, directed=True)
    assert list(undirected.nodes(data=True)) == list(reference.nodes(data=True))
    assert list(undirected.edges(data=True)) == list(reference.edges(data=True))  # same order too
    assert list(succ) == list(pred) == list(directed)
    assert {(u, v) for u in succ for v in succ[u]} == set(directed.edges)
    assert {(u, v) for v in pred for u in pred[v]} == set(directed.edges)


def test_home_countries_of_some_nodes_equal_the_annotated_ones(big):
    agents = [v for v in big if v.startswith(("hta/", "fed/"))][:5_000]
    groups = annotate_groups(big)
    assert home_countries(big, agents) == {v: groups[v]["country"] for v in agents}
    assert annotate_groups(big, nodes=agents) == {v: groups[v] for v in agents}


# -- brokerage roles --------------------------------------------------------------------------------------------

def enumerated_roles(DG: nx.DiGraph, group_of: dict) -> dict:
    """Gould–Fernandez roles by enumerating every two-path a -> b -> c (the definition, quadratic in degree)."""
    roles = {}
    for b in DG:
        counts = dict.fromkeys((*ROLES, "total", "unclassified"), 0)
        for a in DG.predecessors(b):
            for c in DG.successors(b):
                if a == b or c in (a, b) or c in DG.succ[a]:
                    continue
                ga, gb, gc = group_of.get(a), group_of.get(b), group_of.get(c)
                counts["unclassified" if None in (ga, gb, gc) else _role(ga, gb, gc)] += 1
        counts["total"] = sum(counts[r] for r in ROLES)
        roles[b] = counts
    return roles


@pytest.mark.parametrize("seed", range(6))
def test_counted_brokerage_roles_equal_the_enumerated_ones(seed):
    rng = random.Random(seed)
    DG = nx.gnp_random_graph(60, rng.choice([0.05, 0.15, 0.4]), seed=seed, directed=True)
    DG.add_edges_from((v, v) for v in range(0, 60, 7))  # self-loops broker nothing
    DG.add_edges_from((0, v) for v in range(1, 60, 2))  # a hub
    group_of = {v: rng.choice(["MX", "SV", "GT", None]) for v in DG if rng.random() < 0.9}
    assert brokerage_roles(DG, group_of) == enumerated_roles(DG, group_of)


def test_brokerage_roles_of_a_hub_with_thousands_of_members_are_counted_not_enumerated():
    # 3,000 members -> federation -> 3,000 members (ties both ways) make 9 million two-paths through the hub.
    DG = nx.DiGraph()
    members = range(1, 3_001)
    DG.add_edges_from((m, 0) for m in members)
    DG.add_edges_from((0, m) for m in members)
    DG.add_edges_from((m, m + 1) for m in range(1, 3_000, 2))  # closes some two-paths
    group_of = {0: "MX", **{m: ("MX" if m % 3 else "SV") for m in members}}
    started = time.perf_counter()
    hub = brokerage_roles(DG, group_of)[0]
    assert time.perf_counter() - started < 2
    mx, sv = 2_000, 1_000
    closed = Counter("coordinator" if m % 3 and (m + 1) % 3 else "representative" if m % 3 else "gatekeeper"
                     for m in range(1, 3_000, 2))  # m -> hub -> m + 1 with an arc m -> m + 1
    assert hub["coordinator"] == mx * (mx - 1) - closed["coordinator"]
    assert hub["representative"] == mx * sv - closed["representative"]
    assert hub["gatekeeper"] == sv * mx - closed["gatekeeper"]
    assert hub["itinerant"] == sv * (sv - 1) - closed["itinerant"] and hub["liaison"] == 0


# -- betweenness ------------------------------------------------------------------------------------------------

def test_sampling_every_source_of_the_population_is_exact(big):
    # Leaves folded onto their hub and sources outside components of 3+ nodes skipped: with every candidate
    # source drawn, the estimate must be the exact betweenness.
    G = organisation_network(big)
    component = max(nx.connected_components(G), key=len)
    H = G.subgraph(sorted(component)[:1500] + [v for v in G if G.degree(v) == 0][:500]).copy()
    population = _path_population(H)
    assert len(population.nodes) < len(H)
    scores, _ = _sampled(H, population.nodes, len(population.nodes), "distance", True, "igraph")
    # igraph's own exact run as the reference: distances 1/strength make paths of equal length that differ in
    # the last bit, which igraph (with a tolerance) and NetworkX (without) count differently.
    exact = betweenness(H, k=len(H), backend="igraph").scores
    assert scores == pytest.approx(exact, rel=1e-9, abs=1e-15)


def test_default_sample_on_a_sparse_graph_draws_from_components_of_three_or_more(big):
    G = organisation_network(big)
    result = betweenness(G, seed=0)
    population = _path_population(G)
    assert result.method == "sampled" and result.population == len(population.nodes) < len(G)
    assert f"{result.k} of {result.population} source nodes" in result.error
    assert all(result.scores[v] == 0.0 for v in G if G.degree(v) == 0)


def test_default_sample_is_within_its_stated_error_of_the_exact_values():
    # 6,000 agents (above the 5,000 where sampling starts), exact values from igraph's full run.
    G = organisation_network(sparse_full_graph(15_000, seed=2))
    assert len(G) > 5_000
    sampled = betweenness(G, seed=1)
    exact = betweenness(G, k=len(G), backend="igraph").scores
    population = _path_population(G)
    scale = (len(population.nodes) - 1) * (population.largest - 2) / ((len(G) - 1) * (len(G) - 2))
    bound = hoeffding_bound(sampled.k, scale=scale)
    assert f"±{bound:.3f}" in sampled.error
    assert max(abs(sampled.scores[v] - exact[v]) for v in G) <= bound
    top = sorted(exact, key=exact.get, reverse=True)[:20]
    estimated = set(sorted(sampled.scores, key=sampled.scores.get, reverse=True)[:20])
    assert len(estimated & set(top)) >= 15


def test_rank_brokers_on_a_sparse_60000_agent_graph(big):
    started = time.perf_counter()
    rows = rank_brokers(big)
    elapsed = time.perf_counter() - started
    assert len(rows) == rows.metadata["nodes"] and rows.metadata["betweenness"]["method"] == "sampled"
    assert rows[0]["betweenness"] >= rows[-1]["betweenness"] and rows[0]["brokerage"] > 0
    assert elapsed < 30, f"rank_brokers took {elapsed:.1f} s"  # about 5 s on the benchmark machine
