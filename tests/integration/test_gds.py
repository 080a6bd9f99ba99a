"""The GDS engine cross-checked against NetworkX/igraph on a real Neo4j with Graph Data Science (never a mock).

On the seed corpus and on a synthetic graph of about 10^4 agents: the projected network is the one
``analysis.projections`` builds (same pairs, same strengths), exact betweenness agrees within 1e-6 after the same
normalisation, k-core numbers are identical, Louvain and Leiden reach a modularity within 0.02 of ours (the
adjusted Rand index between the partitions is printed: ``pytest -s``), and the top-10 brokers are the same.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from graph_loader.analysis import betweenness, k_cores, louvain, organisation_network, rank_brokers
from graph_loader.analysis.actors import EVERY_AGENT, ActorSet
from graph_loader.analysis.brokers import structural_holes
from graph_loader.analysis.coalitions import adjusted_rand_index, describe, leiden
from graph_loader.analysis.projections import shared_affiliation_network
from graph_loader.engines import choose_engine
from graph_loader.engines.gds import analyse_gds, tie_spec
from graph_loader.engines.networkx import analyse
from graph_loader.neo4j import gds_procedures as gds
from graph_loader.neo4j.read import read_property_graph
from graph_loader.ontology.schema import load_schema

pytestmark = pytest.mark.integration

SYNTH_TRIPLES = 340_000  # about 10^4 agents (benchmarks/analysis.py calibrates 341,763 triples to 10,149 agents)


@pytest.fixture
def gds_db(neo4j_db):
    if gds.gds_version(neo4j_db) is None:
        pytest.skip("the server has no Graph Data Science (NEO4J_URI points at one without it)")
    return neo4j_db


def _networkx_graphs(db):
    G_full = read_property_graph(db).to_networkx(load_schema())
    return G_full, organisation_network(G_full)


def _by_uri(db, ids, values) -> dict:
    return dict(zip(gds.uris(db, ids), np.asarray(values).tolist(), strict=True))


def _cross_check(db, G_full, G, *, exact_backend: str, label: str, projection: str = "organisations") -> None:
    with gds.projection(db, tie_spec(projection)) as graph:
        # the same network: the same agents, pairs and strengths
        ids, _ = gds.degrees(db, graph.name)
        assert set(gds.uris(db, ids)) == set(G)
        source, target, strength, _ = gds.ties(db, graph.name)
        uri = dict(zip(ids.tolist(), gds.uris(db, ids), strict=True))
        projected = {frozenset((uri[s], uri[t])): w for s, t, w in zip(source.tolist(), target.tolist(),
                                                                        strength.tolist(), strict=True)}
        ours = {frozenset((u, v)): w for u, v, w in G.edges(data="strength")}
        assert projected.keys() == ours.keys() and graph.ties == G.number_of_edges()
        # sums of 1.0 and 0.5 are exact; Newman's 1/(n-1) summed in another order may differ in the last bit
        assert all(math.isclose(projected[pair], ours[pair], rel_tol=1e-12) for pair in ours)

        # exact betweenness, normalised as NetworkX normalises
        got_ids, raw = gds.betweenness(db, graph.name)
        n = len(got_ids)
        theirs = _by_uri(db, got_ids, raw * 2.0 / ((n - 1) * (n - 2)))
        if exact_backend == "networkx":
            exact = betweenness(G, weight="distance", k=len(G), backend="networkx").scores
            worst = max(abs(theirs[v] - exact[v]) for v in G)
            assert worst < 1e-6, f"{label}: betweenness differs by {worst}"
        else:
            # NetworkX (exact path comparisons, as GDS) on every component but the largest, where it takes minutes;
            # betweenness is a sum within components, normalised by the whole graph's size.
            parts = sorted(nx.connected_components(G), key=len)
            scale = 2.0 / ((n - 1) * (n - 2))
            for part in parts[:-1]:
                raw_part = nx.betweenness_centrality(G.subgraph(part), normalized=False, weight="distance")
                assert all(abs(theirs[v] - raw_part[v] * scale) < 1e-6 for v in part), label
            # on the largest, igraph (which takes paths whose lengths differ by a rounding error as equal)
            exact = betweenness(G, weight="distance", k=len(G), backend="igraph").scores
            worst = max(abs(theirs[v] - exact[v]) for v in parts[-1])
            print(f"\n{label}: exact betweenness equal within 1e-6 on {len(parts) - 1} components "
                  f"({n - len(parts[-1])} agents); on the largest ({len(parts[-1])} agents) GDS and igraph differ "
                  f"by at most {worst:.2e}")
            assert worst < 1e-3

        # k-core numbers
        core_ids, cores = gds.core_numbers(db, graph.name)
        assert _by_uri(db, core_ids, cores) == k_cores(G)

        # communities: modularity within 0.02 of ours; the agreement of the partitions is stated
        for method, run in (("louvain", louvain), ("leiden", leiden)):
            got, labels, modularity = gds.communities(db, graph.name, method, seed=0)
            mine = run(G, weight="strength", seed=0)
            assert abs(modularity - mine.modularity) <= 0.02, (label, method, modularity, mine.modularity)
            label_of = _by_uri(db, got, labels)
            ours_labels = {v: i for i, c in enumerate(mine.communities) for v in c}
            nodes = sorted(G)
            ari = adjusted_rand_index([label_of[v] for v in nodes], [ours_labels[v] for v in nodes])
            print(f"\n{label} {method}: modularity GDS {modularity:.4f}, ours ({mine.backend}) "
                  f"{mine.modularity:.4f}; adjusted Rand index of the partitions {ari:.3f}")


def test_the_engines_agree_on_the_seed_corpus(seed_db, gds_db):
    G_full, G = _networkx_graphs(seed_db)
    _cross_check(seed_db, G_full, G, exact_backend="networkx", label="seed")

    ours = analyse(G_full, actors=EVERY_AGENT).brokers
    assert [r["uri"] for r in ours] == [r["uri"] for r in rank_brokers(G_full)]
    result = analyse_gds(seed_db, top=None, write=False, keep_scores=True, actors=EVERY_AGENT)
    _same_rows(result.brokers, ours)
    holes = structural_holes(G, weight="strength")
    assert all(math.isclose(result.scores["constraint"][v], holes[v]["constraint"], rel_tol=1e-12)
               for v in result.scores["constraint"])
    assert result.scores["core"] == k_cores(G)
    assert result.broker_info.betweenness.method == "exact"
    _same_descriptions(result, G_full)


def _same_rows(theirs: list[dict], ours: list[dict]) -> None:
    """The same top-10 brokers in the same order, and every agent's row equal (roles from its ego network too)."""
    assert [r["uri"] for r in theirs[:10]] == [r["uri"] for r in ours[:10]]
    mine = {r["uri"]: r for r in ours}
    for row in theirs:
        other = mine[row["uri"]]
        for key, value in row.items():
            if isinstance(value, float) and isinstance(other[key], float):
                assert math.isclose(value, other[key], rel_tol=1e-9, abs_tol=1e-9), (row["uri"], key)
            else:
                assert value == other[key], (row["uri"], key, value, other[key])


def test_the_engines_agree_on_the_affiliation_projection_of_the_seed_corpus(seed_db, gds_db):
    """``--projection affiliation-projection``: agents tied by shared programmes and projects, Newman-weighted."""
    G_full = read_property_graph(seed_db).to_networkx(load_schema())
    P = shared_affiliation_network(G_full)
    assert P.number_of_edges() > 0
    _cross_check(seed_db, G_full, P, exact_backend="networkx", label="seed, affiliation projection",
                 projection="affiliation-projection")
    result = analyse_gds(seed_db, projection="affiliation-projection", top=None, write=False, actors=EVERY_AGENT)
    _same_rows(result.brokers, analyse(G_full, projection="affiliation-projection", actors=EVERY_AGENT).brokers)
    assert not result.broker_info.directed_roles  # ties both ways
    _same_descriptions(result, G_full)


@pytest.mark.parametrize("actors", [ActorSet(), ActorSet(kinds=("PublicBody", "Person")),
                                    ActorSet(kinds=("DiasporaOrganisation",), include_collectives=True)],
                         ids=["default", "public-bodies-and-people", "diaspora-and-collectives"])
def test_the_engines_agree_on_an_actor_set(seed_db, gds_db, actors):
    """``--kinds`` and ``--include-collectives`` mean the same agents in both engines: the same rows, the same
    coalitions, and as many agents left out; by default no collective is ranked."""
    G_full = read_property_graph(seed_db).to_networkx(load_schema())
    ours = analyse(G_full, actors=actors)
    theirs = analyse_gds(seed_db, top=None, write=False, actors=actors)
    _same_rows(theirs.brokers, ours.brokers)
    assert len(theirs.brokers) == len(ours.brokers) and theirs.left_out == ours.left_out > 0
    network = actors.restrict(G_full)
    assert all(actors.admits(network.nodes[r["uri"]]["labels"]) for r in theirs.brokers)
    if not actors.collectives:
        assert not any("Collective" in G_full.nodes[r["uri"]]["labels"] for r in theirs.brokers)
    _same_descriptions(theirs, network)
    assert theirs.broker_info.actors == ours.broker_info.actors == actors
    assert theirs.coalition_info.actors == ours.coalition_info.actors == actors


def _same_descriptions(result, G_full) -> None:
    """The GDS engine describes each coalition from its neighbourhood only (only the properties it needs): the
    description equals the NetworkX engine's of the same members from the full graph."""
    shown = result.coalitions
    assert shown and shown == describe(G_full, [[m["uri"] for m in c["members"]] for c in shown])


def test_the_gds_engine_writes_the_scores_the_networkx_engine_writes(seed_db, gds_db, neo4j_env):
    from click.testing import CliRunner

    from graph_loader.cli import main

    def stored():
        rows = seed_db.read("MATCH (n:Resource) WHERE n.score_betweenness IS NOT NULL "
                            "RETURN n.uri AS uri, n.score_betweenness AS b, n.score_degree AS d, "
                            "n.score_coalition IS NOT NULL AS grouped, n.score_brokerage AS roles")
        return {r["uri"]: r for r in rows}

    try:
        run = CliRunner().invoke(main, ["analyze", "brokers", "--engine", "networkx", "--format", "json"])
        assert run.exit_code == 0, run.output
        by_networkx = stored()
        run = CliRunner().invoke(main, ["analyze", "brokers", "--engine", "gds", "--top", "5", "--format", "json"])
        assert run.exit_code == 0, run.output
        assert "Engine: gds (asked for)." in run.output and "Wrote scores" in run.output
        by_gds = stored()
    finally:  # the seed fixture's data must stay as loaded: scores are the only thing written
        seed_db.write("MATCH (n:Resource) WHERE any(k IN keys(n) WHERE k STARTS WITH 'score_') "
                      "SET n += $nulls", {"nulls": {k: None for k in (
                          "score_betweenness", "score_constraint", "score_effective_size", "score_efficiency",
                          "score_brokerage", "score_coordinator", "score_itinerant", "score_representative",
                          "score_gatekeeper", "score_liaison", "score_degree", "score_coalition")}})
    assert by_gds.keys() == by_networkx.keys()
    assert all(math.isclose(by_gds[u]["b"], by_networkx[u]["b"], abs_tol=1e-9) and by_gds[u]["d"] == by_networkx[u]["d"]
               for u in by_gds)
    assert sum(r["roles"] is not None for r in by_gds.values()) == 5  # the roles of the brokers shown


def test_engine_choice(seed_db, gds_db):
    assert choose_engine("gds", seed_db) == ("gds", "asked for")
    assert choose_engine("auto", seed_db)[0] == "networkx"  # 95 agents: below the threshold
    assert choose_engine("auto", None) == ("networkx", "reading files, not Neo4j")
    with pytest.raises(ValueError, match="needs Neo4j"):
        choose_engine("gds", None)


def test_the_engines_agree_on_a_synthetic_graph_of_ten_thousand_agents(db, gds_db, tmp_path):
    from graph_loader.loading import load
    from graph_loader.rdf.synth import write_synthetic

    path = tmp_path / "synthetic.nt"
    write_synthetic(path, SYNTH_TRIPLES, seed=0)
    load([path], db)
    G_full, G = _networkx_graphs(db)
    assert 8_000 < len(G) < 12_000
    _cross_check(db, G_full, G, exact_backend="igraph", label="synthetic 10^4")

    ours = rank_brokers(G_full)  # sampled above 5,000 agents, as is the GDS engine's: compare exact top-10s
    exact = betweenness(G, weight="distance", k=len(G), backend="igraph").scores
    top = sorted(G, key=lambda v: (-exact[v], -G.degree[v], str(G.nodes[v].get("name")), v))[:10]
    result = analyse_gds(db, top=10, write=False)
    assert result.broker_info.betweenness.method == "sampled"
    _same_descriptions(result, G_full)
    with gds.projection(db, tie_spec()) as graph:
        got_ids, raw = gds.betweenness(db, graph.name)
    n = len(got_ids)
    theirs = _by_uri(db, got_ids, raw * 2.0 / ((n - 1) * (n - 2)))
    gds_top = sorted(G, key=lambda v: (-theirs[v], -G.degree[v], str(G.nodes[v].get("name")), v))[:10]
    assert gds_top == top
    overlap = len({r["uri"] for r in result.brokers} & set(top))
    print(f"\nsynthetic 10^4: sampled top-10 brokers, GDS engine against exact: {overlap}/10; "
          f"ours (sampled) against exact: {len({r['uri'] for r in ours[:10]} & set(top))}/10")
