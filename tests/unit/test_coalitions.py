"""Coalitions: communities and their stability, k-cores, co-funding groups and descriptions."""

from __future__ import annotations

import networkx as nx
import pytest

from graph_loader.analysis.coalitions import (
    Partition,
    adjusted_rand_index,
    cofunding_groups,
    describe,
    find_coalitions,
    k_cores,
    leiden,
    louvain,
    main_core,
    stability,
)
from graph_loader.analysis.projections import UnknownProjection
from tests.unit.analysis_fixtures import small_full_graph, uri


def two_cliques() -> nx.Graph:
    """Two 5-cliques joined by one edge (4-5): the textbook two-community graph."""
    G = nx.barbell_graph(5, 0)
    nx.set_edge_attributes(G, 1.0, "strength")
    return G


CLIQUES = [set(range(5)), set(range(5, 10))]


@pytest.mark.parametrize("backend", ["networkx", "igraph"])
def test_louvain_splits_two_cliques(backend):
    part = louvain(two_cliques(), backend=backend)
    assert isinstance(part, Partition)
    assert sorted(map(sorted, part.communities)) == sorted(map(sorted, CLIQUES))
    assert part.backend == backend and part.method == "louvain"
    # Modularity of the split, by hand: m = 21 edges; each side holds 10 edges and has degree sum 21, so
    # Q = 2 * (10/21 - (21/42)^2) = 20/21 - 1/2.
    assert part.modularity == pytest.approx(20 / 21 - 0.5)


def test_leiden_splits_two_cliques():
    part = leiden(two_cliques(), seed=3)
    assert sorted(map(sorted, part.communities)) == sorted(map(sorted, CLIQUES))
    assert (part.method, part.backend, part.note) == ("leiden", "leidenalg", None)
    assert part.modularity == pytest.approx(20 / 21 - 0.5)


def test_leiden_falls_back_to_louvain_without_leidenalg(monkeypatch):
    from graph_loader.analysis import coalitions

    monkeypatch.setattr(coalitions, "leidenalg_available", lambda: False)
    part = coalitions.leiden(two_cliques())
    assert part.method == "louvain" and "Louvain was used" in part.note


def test_weights_are_strengths():
    # A 4-cycle a-b-c-d with strong a-b and c-d ties: the strong pairs are the communities.
    G = nx.cycle_graph(["a", "b", "c", "d"])
    nx.set_edge_attributes(G, {("a", "b"): 10.0, ("b", "c"): 1.0, ("c", "d"): 10.0, ("d", "a"): 1.0}, "strength")
    assert sorted(map(sorted, louvain(G).communities)) == [["a", "b"], ["c", "d"]]


def test_louvain_is_reproducible_with_a_seed_and_uses_igraph_for_large_graphs():
    G = nx.powerlaw_cluster_graph(6_000, 3, 0.3, seed=1)
    first, second = louvain(G, weight=None, seed=4), louvain(G, weight=None, seed=4)
    assert first.backend == "igraph"
    assert first.communities == second.communities
    assert 0.3 < first.modularity < 1


def test_directed_graphs_are_refused():
    with pytest.raises(nx.NetworkXNotImplemented):
        louvain(nx.DiGraph([(0, 1)]))


def test_stability_of_an_unambiguous_partition_is_one():
    result = stability(two_cliques(), seeds=range(5))
    assert result["mean_ari"] == 1.0 and result["min_ari"] == 1.0
    assert len(result["partitions"]) == 5
    assert stability(two_cliques(), method="leiden", seeds=range(3))["min_ari"] == 1.0


def test_stability_needs_two_runs_and_a_known_method():
    with pytest.raises(ValueError, match="two seeds"):
        stability(two_cliques(), seeds=[0])
    with pytest.raises(ValueError, match="unknown method"):
        stability(two_cliques(), method="infomap")


def test_adjusted_rand_index_worked_by_hand():
    # Contingency of [0,0,0,1,1,1] against [0,0,1,1,2,2]: rows (2,1,0), (0,1,2). Pairs together in both:
    # C(2,2) + C(2,2) = 2; in the first: 2 * C(3,2) = 6; in the second: 3 * C(2,2) = 3; all pairs C(6,2) = 15.
    # Expected = 6 * 3 / 15 = 1.2; maximum = (6 + 3) / 2 = 4.5; ARI = (2 - 1.2) / (4.5 - 1.2) = 0.2424...
    assert adjusted_rand_index([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]) == pytest.approx(0.8 / 3.3)
    assert adjusted_rand_index(["a", "b", "c"], [1, 2, 3]) == 1.0  # identical: all apart
    assert adjusted_rand_index([1, 1, 1], [2, 2, 2]) == 1.0  # identical: all together
    assert adjusted_rand_index([1, 1, 2, 2], [1, 2, 1, 2]) == pytest.approx(-0.5)
    with pytest.raises(ValueError):
        adjusted_rand_index([1, 2], [1])


def test_k_cores_worked_by_hand():
    # A 4-clique {0,1,2,3}; a triangle {3,4,5} hanging on node 3; a pendant 6 on node 5; an isolated 7.
    G = nx.complete_graph(4)
    G.add_edges_from([(3, 4), (4, 5), (5, 3), (5, 6)])
    G.add_node(7)
    G.add_edge(0, 0)  # a self-loop adds no neighbour
    assert k_cores(G) == {0: 3, 1: 3, 2: 3, 3: 3, 4: 2, 5: 2, 6: 1, 7: 0}
    assert main_core(G) == (3, {0, 1, 2, 3})
    assert main_core(nx.Graph()) == (0, set())
    multi = nx.MultiGraph([(0, 1), (0, 1), (1, 2)])
    assert k_cores(multi) == {0: 1, 1: 1, 2: 1}  # parallel ties count once


def test_cofunding_groups_of_the_hand_made_graph():
    G = small_full_graph()
    groups = cofunding_groups(G)
    # Project P: HTA A, Federation F and Agency G fund it; Programme M: Agency G runs, Government Z co-runs it;
    # Project Q: HTA S and International Organisation I fund it.
    assert groups == [
        {"members": sorted([uri("org/agency-g"), uri("org/federation-f"), uri("org/hta-a")]), "size": 3,
         "binding": [uri("project/p")], "ties": ["FUNDS"]},
        {"members": [uri("org/agency-g"), uri("org/government-z")], "size": 2,
         "binding": [uri("programme/m")], "ties": ["CO_RUNS", "RUNS"]},
        {"members": [uri("org/hta-s"), uri("org/io-i")], "size": 2,
         "binding": [uri("project/q")], "ties": ["FUNDS"]},
    ]


def test_cofunding_groups_merge_identical_member_sets():
    G = small_full_graph()
    G.add_node(uri("project/r"), labels=("Project",), name="Project R")
    G.add_edge(uri("org/hta-s"), uri("project/r"), type="FUNDS")
    G.add_edge(uri("org/io-i"), uri("project/r"), type="FUNDS")
    G.add_node(uri("project/solo"), labels=("Project",), name="Project Solo")
    G.add_edge(uri("org/hta-b"), uri("project/solo"), type="FUNDS")  # a single funder makes no group
    groups = cofunding_groups(G)
    assert len(groups) == 3
    assert groups[2]["binding"] == [uri("project/q"), uri("project/r")]


def test_describe_a_coalition_from_the_facts():
    G = small_full_graph()
    members = {uri("org/hta-a"), uri("org/hta-b"), uri("org/federation-f"), uri("org/agency-g")}
    (coalition,) = describe(G, [members])
    assert coalition["id"] == 1 and coalition["size"] == 4
    assert {m["name"] for m in coalition["members"]} == {"HTA A", "HTA B", "Federation F", "Agency G"}
    assert all(m["country"] == "MX" for m in coalition["members"])
    assert (coalition["dominant_country"], coalition["dominant_country_count"]) == ("MX", 4)
    assert (coalition["dominant_kind"], coalition["dominant_kind_count"]) == ("HometownAssociation", 2)
    assert (coalition["dominant_kind_group"], coalition["dominant_kind_group_count"]) == ("diaspora", 3)
    # Project P is funded by three members; Programme M is run by only one of them (Agency G), so it does not bind.
    assert coalition["binding"] == [{"uri": uri("project/p"), "name": "Project P", "kind": "Project", "members": 3}]
    # Between members: the two memberships only (fundings point at the project, not at a member).
    assert coalition["internal_ties"] == {"MEMBER_OF": 2}
    assert coalition["summary"] == (
        "Coalition 1 has 4 members; most common kind HometownAssociation (2 of 4); most common home country MX "
        "(4 of 4); shared Project P (3 members); 2 internal ties (MEMBER_OF 2)."
    )


def test_describe_says_nothing_dominant_on_a_tie():
    G = small_full_graph()
    (coalition,) = describe(G, [{uri("org/hta-s"), uri("org/agency-g")}])
    assert coalition["dominant_country"] is None and coalition["dominant_country_count"] == 1  # SV vs MX
    assert coalition["dominant_kind"] is None and coalition["dominant_kind_group"] is None
    assert coalition["summary"] == "Coalition 1 has 2 members; no direct internal ties."


def test_find_coalitions_on_the_hand_made_graph():
    result = find_coalitions(small_full_graph(), seed=0)
    assert (result["method"], result["backend"], result["projection"]) == ("louvain", "networkx", "organisations")
    assert result["nodes"] == 12 and result["edges"] == 11
    # Two components: {HTA S, Umbrella U, National Government SV, International Organisation I} stays whole;
    # the Mexican component of eight splits in two around the Federation F / Agency G ties.
    sizes = sorted(c["size"] for c in result["coalitions"])
    assert sum(sizes) + result["singletons"] == 12
    salvadoran = {uri("org/hta-s"), uri("org/umbrella-u"), uri("org/government-sv"), uri("org/io-i")}
    assert any({m["uri"] for m in c["members"]} == salvadoran for c in result["coalitions"])
    assert result["stability"]["runs"] == 10 and 0 <= result["stability"]["min_ari"] <= 1
    assert len(result["cofunding_groups"]) == 3
    assert all(c["summary"].startswith(f"Coalition {c['id']} has") for c in result["coalitions"])


def test_find_coalitions_with_leiden_on_the_affiliation_projection():
    result = find_coalitions(small_full_graph(), projection="affiliation-projection", method="leiden")
    assert result["method"] == "leiden"
    assert find_coalitions(small_full_graph(), stability_runs=0)["stability"] is None
    with pytest.raises(ValueError, match="stability_runs"):
        find_coalitions(small_full_graph(), stability_runs=1)
    # Only shared projects and programmes tie: {HTA A, Federation F, Agency G, Government Z} and {HTA S, IO I};
    # the six agents without a shared affiliation are alone.
    assert sorted(c["size"] for c in result["coalitions"]) == [2, 4]
    assert result["singletons"] == 6
    with pytest.raises(UnknownProjection):
        find_coalitions(small_full_graph(), projection="full")
    with pytest.raises(ValueError, match="unknown method"):
        find_coalitions(small_full_graph(), method="walktrap")
