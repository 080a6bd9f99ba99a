"""Brokers: betweenness, Burt's structural holes and Gould–Fernandez roles, against hand-worked and published values."""

from __future__ import annotations

import math
import random

import networkx as nx
import pytest

from graph_loader.analysis import brokers
from graph_loader.analysis.brokers import (
    ROLES,
    betweenness,
    brokerage_roles,
    counted_roles,
    default_sample_size,
    hoeffding_bound,
    rank_brokers,
    structural_holes,
)
from graph_loader.analysis.projections import UnknownProjection
from tests.unit.analysis_fixtures import small_full_graph, uri


def top(scores: dict, n: int) -> set:
    return set(sorted(scores, key=scores.get, reverse=True)[:n])


def with_random_weights(G: nx.Graph, attribute: str, seed: int) -> nx.Graph:
    """Integer weights 1..5, so that equal-length paths are equal in floating point for both libraries."""
    rng = random.Random(seed)
    for _, _, data in G.edges(data=True):
        data[attribute] = rng.randint(1, 5)
    return G


# -- betweenness ------------------------------------------------------------------------------------------------


def test_betweenness_on_a_path_worked_by_hand():
    # Path 0-1-2-3-4: node 1 lies on the paths 0-2, 0-3, 0-4 (3 pairs), node 2 on 0-3, 0-4, 1-3, 1-4 (4),
    # node 3 on 0-4, 1-4, 2-4 (3); normalised by the (n-1)(n-2)/2 = 6 pairs that exclude the node.
    raw = betweenness(nx.path_graph(5), weight=None, normalized=False).scores
    assert raw == {0: 0.0, 1: 3.0, 2: 4.0, 3: 3.0, 4: 0.0}
    normalised = betweenness(nx.path_graph(5), weight=None).scores
    assert normalised == pytest.approx({0: 0.0, 1: 0.5, 2: 4 / 6, 3: 0.5, 4: 0.0})


def test_betweenness_on_a_star_worked_by_hand():
    # Star with centre 0 and 4 leaves: every one of the C(4, 2) = 6 leaf pairs goes through the centre.
    result = betweenness(nx.star_graph(4), weight=None, normalized=False)
    assert result.scores == {0: 6.0, 1: 0.0, 2: 0.0, 3: 0.0, 4: 0.0}
    assert betweenness(nx.star_graph(4)).scores[0] == 1.0
    assert (result.method, result.backend, result.k, result.error) == ("exact", "networkx", None, None)


def test_distance_weights_change_the_shortest_paths():
    # Triangle a-b-c with a long a-c edge: the path a-b-c (length 2) beats a-c (length 5), so b brokers a, c.
    G = nx.Graph([("a", "b", {"distance": 1}), ("b", "c", {"distance": 1}), ("a", "c", {"distance": 5})])
    assert betweenness(G).scores["b"] == 1.0
    assert betweenness(G, weight=None).scores["b"] == 0.0


@pytest.mark.parametrize(
    "G",
    [
        nx.karate_club_graph(),
        with_random_weights(nx.les_miserables_graph(), "distance", 1),
        with_random_weights(nx.gnp_random_graph(80, 0.06, seed=3, directed=True), "distance", 2),
    ],
    ids=["karate", "les-miserables-weighted", "directed-weighted"],
)
@pytest.mark.parametrize("normalized", [True, False])
def test_exact_betweenness_agrees_with_networkx_on_both_backends(G, normalized):
    reference = nx.betweenness_centrality(G, normalized=normalized, weight="distance")
    assert betweenness(G, normalized=normalized).scores == reference  # NetworkX backend: identical
    via_igraph = betweenness(G, normalized=normalized, backend="igraph")
    assert via_igraph.backend == "igraph" and via_igraph.method == "exact"
    assert via_igraph.scores == pytest.approx(reference, abs=1e-9)


@pytest.mark.parametrize("backend", ["networkx", "igraph"])
@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("normalized", [True, False])
def test_sampled_betweenness_equals_networkx_with_the_same_seed(backend, directed, normalized):
    G = nx.gnp_random_graph(200, 0.04, seed=5, directed=directed)
    result = betweenness(G, weight=None, k=30, seed=7, backend=backend, normalized=normalized)
    reference = nx.betweenness_centrality(G, k=30, seed=7, normalized=normalized)
    assert result.method == "sampled" and result.k == 30 and result.backend == backend
    assert result.scores == pytest.approx(reference, rel=1e-9, abs=1e-12)
    assert set(result.stderr) == set(G)
    assert "30 of 200" in result.error and "Hoeffding" in result.error


def test_sampled_betweenness_ranks_the_top_brokers_of_a_power_law_graph():
    # A 2,000-node power-law graph with clustering (Holme & Kim 2002): 256 sampled sources against the exact
    # values (igraph's exact run, itself checked against NetworkX above).
    G = nx.powerlaw_cluster_graph(2000, 2, 0.1, seed=0)
    exact = betweenness(G, weight=None, backend="igraph").scores
    sampled = betweenness(G, weight=None, k=256, seed=0)
    assert len(top(exact, 20) & top(sampled.scores, 20)) >= 15
    assert len(top(exact, 5) & top(sampled.scores, 5)) >= 4
    bound = hoeffding_bound(256)
    assert all(abs(sampled.scores[v] - exact[v]) <= bound for v in G)
    # For the highest scores the batch-means standard error is fair: most lie within 3 of them.
    within = [abs(sampled.scores[v] - exact[v]) <= 3 * sampled.stderr[v] for v in top(exact, 20)]
    assert sum(within) >= 16


def test_large_graph_is_sampled_with_igraph_and_stable_across_seeds():
    G = nx.powerlaw_cluster_graph(20_000, 2, 0.1, seed=0)
    first = betweenness(G, weight=None, seed=1)
    second = betweenness(G, weight=None, seed=2)
    assert (first.method, first.backend, first.k) == ("sampled", "igraph", default_sample_size(G))
    assert 128 <= first.k <= 512  # about 40,000 edges per search: 10^7 / 40,000 = 250 sources
    assert len(top(first.scores, 10) & top(second.scores, 10)) >= 8
    assert first.metadata()["error"] == first.error and "of 20000 source nodes" in first.error


def test_default_sample_size_shrinks_with_the_number_of_edges():
    assert default_sample_size(nx.empty_graph(10_000)) == 512
    assert default_sample_size(nx.path_graph(300)) == 300  # never more than the nodes
    big = nx.empty_graph(100_000)
    big.add_edges_from((i, i + 1) for i in range(99_999))
    big.add_edges_from((i, i + 2) for i in range(99_998))
    big.add_edges_from((i, i + 3) for i in range(99_997))  # about 300,000 edges per search: 1e7 / 3e5 < 128
    assert default_sample_size(big) == 128


def test_betweenness_rejects_bad_arguments():
    with pytest.raises(ValueError, match="k must be"):
        betweenness(nx.path_graph(3), k=5)
    with pytest.raises(ValueError, match="backend"):
        betweenness(nx.path_graph(3), backend="graph-tool")


# -- structural holes -------------------------------------------------------------------------------------------

def borgatti_graph() -> nx.Graph:
    """The ego network of Borgatti (1997), "Structural holes: unpacking Burt's redundancy measures",
    Connections 20(1): 35-38, as used in NetworkX's tests (values first computed with UCINET)."""
    return nx.Graph([("A", "B"), ("A", "F"), ("A", "G"), ("A", "E"), ("E", "G"), ("F", "G"), ("B", "G"),
                     ("B", "D"), ("D", "G"), ("G", "C")])


BORGATTI_WEIGHTS = {("A", "B"): 2, ("A", "F"): 3, ("A", "G"): 5, ("A", "E"): 2, ("E", "G"): 8, ("F", "G"): 3,
                    ("B", "G"): 4, ("B", "D"): 1, ("D", "G"): 3, ("G", "C"): 10}


def test_structural_holes_on_borgatti_1997():
    holes = structural_holes(borgatti_graph(), weight=None)
    # Effective size by Borgatti's formula n - 2t/n: G has 6 contacts with 4 ties among them: 6 - 8/6 = 4.67;
    # A has 4 contacts with 3 ties: 4 - 6/4 = 2.5; C has 1 contact: 1.
    assert holes["G"]["effective_size"] == pytest.approx(6 - 8 / 6)
    assert holes["A"]["effective_size"] == pytest.approx(2.5)
    assert holes["C"]["effective_size"] == pytest.approx(1.0)
    assert holes["G"]["efficiency"] == pytest.approx((6 - 8 / 6) / 6)
    # Constraint, as published with UCINET: G 0.400, A 0.595, C 1 (a single contact constrains completely).
    assert holes["G"]["constraint"] == pytest.approx(0.400, abs=1e-3)
    assert holes["A"]["constraint"] == pytest.approx(0.595, abs=1e-3)
    assert holes["C"]["constraint"] == pytest.approx(1.0)


def test_structural_holes_weighted_borgatti_1997():
    G = borgatti_graph()
    nx.set_edge_attributes(G, BORGATTI_WEIGHTS, "strength")
    holes = structural_holes(G)
    assert holes["G"]["constraint"] == pytest.approx(0.299, abs=1e-3)
    assert holes["A"]["constraint"] == pytest.approx(0.795, abs=1e-3)
    assert holes["G"]["effective_size"] == pytest.approx(5.47, abs=1e-2)
    assert holes["A"]["effective_size"] == pytest.approx(2.47, abs=1e-2)
    assert holes["C"]["effective_size"] == pytest.approx(1.0)


def test_structural_holes_directed_graph_of_networkx_tests():
    D = nx.DiGraph([(0, 1), (0, 2), (1, 0), (2, 1)])
    holes = structural_holes(D, weight=None)
    assert [holes[v]["constraint"] for v in (0, 1, 2)] == pytest.approx([1.003, 1.003, 1.389], abs=1e-3)
    assert [holes[v]["effective_size"] for v in (0, 1, 2)] == pytest.approx([1.167, 1.167, 1.0], abs=1e-3)
    nx.set_edge_attributes(D, {(0, 1): 2, (0, 2): 2, (1, 0): 1, (2, 1): 1}, "strength")
    weighted = structural_holes(D)
    assert [weighted[v]["constraint"] for v in (0, 1, 2)] == pytest.approx([0.840, 1.143, 1.378], abs=1e-3)
    assert [weighted[v]["effective_size"] for v in (0, 1, 2)] == pytest.approx([1.567, 1.083, 1.0], abs=1e-3)
    assert weighted[0]["efficiency"] == pytest.approx(1.567 / 2, abs=1e-3)  # two distinct neighbours


@pytest.mark.parametrize(
    "G",
    [
        nx.karate_club_graph(),  # its "weight" attribute: strengths of interaction
        with_random_weights(nx.les_miserables_graph(), "weight", 3),
        with_random_weights(nx.gnp_random_graph(60, 0.1, seed=2, directed=True), "weight", 4),
        nx.powerlaw_cluster_graph(150, 3, 0.3, seed=1),
    ],
    ids=["karate", "les-miserables", "directed", "powerlaw-unweighted"],
)
def test_structural_holes_agree_with_networkx(G):
    # nx.effective_size is compared through its per-node path (nodes=...): its vectorised path (nodes=None)
    # divides weighted mutual ties by the wrong axis in NetworkX 3.6 (networkx PR #8906).
    holes = structural_holes(G, weight="weight")
    nodes = list(G)
    constraint = nx.constraint(G, nodes=nodes, weight="weight")
    effective = nx.effective_size(G, nodes=nodes, weight="weight")
    for v in nodes:
        assert holes[v]["constraint"] == pytest.approx(constraint[v], rel=1e-9)
        assert holes[v]["effective_size"] == pytest.approx(effective[v], rel=1e-9)


def test_structural_holes_of_isolates_are_undefined_and_self_loops_ignored():
    G = nx.path_graph(3)
    G.add_node("alone")
    G.add_edge(1, 1)
    holes = structural_holes(G, weight=None)
    assert all(math.isnan(holes["alone"][key]) for key in ("constraint", "effective_size", "efficiency"))
    assert holes[1] == {"constraint": 0.5, "effective_size": 2.0, "efficiency": 1.0}
    assert structural_holes(nx.Graph()) == {}


def test_structural_holes_on_a_larger_sparse_graph_match_networkx_per_node():
    G = nx.powerlaw_cluster_graph(20_000, 3, 0.2, seed=3)
    holes = structural_holes(G)  # no "strength" attribute: every tie 1
    # NetworkX's per-node path costs about degree^3 for a hub, so the check samples ordinary nodes (whose
    # neighbours include hubs, exercising the wedge search from both ends). A weight name keeps NetworkX off
    # its unweighted shortcut, which copies the whole graph for every node.
    sample = random.Random(0).sample(list(G), 25)
    constraint = nx.constraint(G, nodes=sample, weight="strength")
    effective = nx.effective_size(G, nodes=sample, weight="strength")
    for v in sample:
        assert holes[v]["constraint"] == pytest.approx(constraint[v], rel=1e-9)
        assert holes[v]["effective_size"] == pytest.approx(effective[v], rel=1e-9)


def test_structural_holes_are_the_same_whatever_the_wedge_chunk(monkeypatch):
    """The wedges are examined a chunk at a time (memory on 10^6 agents): chunks of 1, 7 and all give the same
    values, hubs (one tie with more wedges than a chunk) included."""
    G = with_random_weights(nx.powerlaw_cluster_graph(400, 3, 0.3, seed=5), "strength", 6)
    whole = structural_holes(G)
    for chunk in (1, 7):
        monkeypatch.setattr(brokers, "WEDGE_CHUNK", chunk)
        chunked = structural_holes(G)
        for v in G:
            for key in ("constraint", "effective_size", "efficiency"):
                assert chunked[v][key] == pytest.approx(whole[v][key], rel=1e-12), (chunk, v, key)


# -- Gould–Fernandez --------------------------------------------------------------------------------------------

def gould_fernandez_graph() -> tuple[nx.DiGraph, dict]:
    """Six nodes in three groups, X = {1, 2, 3}, Y = {4, 5}, Z = {6}, and eight arcs.

    Two-paths a -> b -> c with a != c and no arc a -> c, by broker b (groups in brackets):
      1: no predecessor.                                                    -> nothing
      2: 1->2->3 (X X X) coordinator.                                       -> coordinator 1
      3: 2->3->5 (X X Y) representative; 4->3->5 (Y X Y) itinerant.        -> representative 1, itinerant 1
      4: 1->4->3 (X Y X) itinerant; 5->4->3 (Y Y X) representative.        -> itinerant 1, representative 1
      5: 3->5->4 (X Y Y) gatekeeper; 3->5->6 (X Y Z) liaison;
         6->5->4 (Z Y Y) gatekeeper; 6->5->6 returns to its start.          -> gatekeeper 2, liaison 1
      6: 5->6->5 returns to its start.                                      -> nothing
    """
    DG = nx.DiGraph([(1, 2), (2, 3), (1, 4), (4, 3), (3, 5), (6, 5), (5, 4), (5, 6)])
    groups = {1: "X", 2: "X", 3: "X", 4: "Y", 5: "Y", 6: "Z"}
    return DG, groups


def counts(roles: dict, **nonzero) -> dict:
    return {**dict.fromkeys(ROLES, 0), **nonzero, "total": sum(nonzero.values()), "unclassified": 0}


def test_gould_fernandez_roles_worked_by_hand():
    DG, groups = gould_fernandez_graph()
    roles = brokerage_roles(DG, groups)
    assert roles == {
        1: counts(roles),
        2: counts(roles, coordinator=1),
        3: counts(roles, representative=1, itinerant=1),
        4: counts(roles, itinerant=1, representative=1),
        5: counts(roles, gatekeeper=2, liaison=1),
        6: counts(roles),
    }


def test_gould_fernandez_reads_groups_from_an_attribute_and_skips_closed_two_paths():
    DG, groups = gould_fernandez_graph()
    nx.set_node_attributes(DG, groups, "country")
    assert brokerage_roles(DG, "country") == brokerage_roles(DG, groups)
    DG.add_edge(6, 4)  # closes 6->5->4, and opens 6->4->3 (Z Y X: liaison for 4)
    roles = brokerage_roles(DG, "country")
    assert roles[5]["gatekeeper"] == 1
    assert roles[4]["liaison"] == 1 and roles[4]["total"] == 3


def test_gould_fernandez_unknown_groups_are_unclassified():
    DG = nx.DiGraph([("a", "b"), ("b", "c")])
    roles = brokerage_roles(DG, {"a": "SV", "b": "MX"})
    assert roles["b"]["total"] == 0 and roles["b"]["unclassified"] == 1
    with pytest.raises(nx.NetworkXNotImplemented):
        brokerage_roles(nx.Graph(DG), {})


def test_roles_of_chosen_brokers_equal_their_roles_among_all():
    """``counted_roles(..., brokers=)`` (the GDS engine's path) walks two-paths from the brokers' predecessors only;
    on a random directed graph with three groups, unknown groups, mutual arcs and self-loops it gives the same
    counts as the roles of every node."""
    DG = nx.gnp_random_graph(120, 0.06, seed=7, directed=True)
    DG.add_edges_from([(3, 3), (5, 5)])
    rng = random.Random(1)
    groups = {v: rng.choice(["MX", "SV", "GT", None]) for v in DG}
    succ, pred = DG._succ, DG._pred
    everyone = counted_roles(succ, pred, groups)
    chosen = [3, 5, 17, 42, 99]
    assert counted_roles(succ, pred, groups, brokers=chosen) == {b: everyone[b] for b in chosen}
    assert everyone == brokerage_roles(DG, groups)


# -- rank_brokers -----------------------------------------------------------------------------------------------

def test_rank_brokers_on_the_hand_made_graph():
    rows = rank_brokers(small_full_graph())
    # Betweenness on distances (1/strength), 12 agents, 55 pairs. Agency G joins {HTA A, HTA B, Federation F,
    # NGO N} to {Government Z, Person P, Collective K} (12 pairs) and Person P to Government Z and Collective K
    # (2): 14/55. Federation F is on every path from HTA B (6) and NGO N (5) except HTA A's direct one to
    # Agency G (length 2 against 2/3 + 2): 11/55. Government Z: Collective K to the other 6: 6/55. HTA S and
    # Umbrella U each join 2 pairs of their 4-node component: 2/55 (tie broken by degree, then name).
    assert [(r["name"], round(r["betweenness"] * 55, 9)) for r in rows[:5]] == [
        ("Agency G", 14), ("Federation F", 11), ("Government of State Z", 6), ("HTA S", 2), ("Umbrella U", 2)
    ]
    agency = rows[0]
    assert agency["uri"] == uri("org/agency-g") and agency["country"] == "MX"
    assert agency["kind"] == "GovernmentAgency" and agency["degree"] == 4
    # Directed two-paths through Agency G (all Mexican): HTA A -> G -> Government Z, Federation F -> G -> Z,
    # Z -> G -> HTA A, Z -> G -> Federation F are coordinations; Person P (no country) -> G -> three more are
    # unclassified. HTA A <-> Federation F are tied, so those two-paths are closed.
    assert agency["coordinator"] == 4 and agency["brokerage"] == 4
    assert rows.metadata["brokerage"]["unclassified_two_paths"] >= 3
    assert rows.metadata["betweenness"]["method"] == "exact"
    assert rows.metadata["nodes"] == 12 and rows.metadata["edges"] == 11
    assert set(ROLES) <= set(agency)
    collective = next(r for r in rows if r["name"] == "HTAs of State Z in City C")
    assert collective["constraint"] == 1.0 and collective["effective_size"] == 1.0


def test_rank_brokers_top_and_projection_choice():
    G = small_full_graph()
    assert len(rank_brokers(G, top=3)) == 3
    affiliation = rank_brokers(G, projection="affiliation-projection")
    # Only shared programmes/projects: Agency G joins Government Z to the three funders of Project P.
    assert affiliation[0]["name"] == "Agency G"
    assert affiliation.metadata["projection"] == "affiliation-projection"
    isolated = next(r for r in affiliation if r["name"] == "Person P")
    assert isolated["constraint"] is None and isolated["degree"] == 0
    with pytest.raises(UnknownProjection):
        rank_brokers(G, projection="full")
