"""Projections and analysis groups on the hand-made full graph of ``analysis_fixtures`` (expected values by hand)."""

from __future__ import annotations

import networkx as nx
import pytest

from graph_loader.analysis.groups import annotate_groups, home_country, kind_group, setting
from graph_loader.analysis.projections import (
    PROJECTIONS,
    UnknownProjection,
    affiliation_network,
    affiliation_projection,
    full,
    organisation_network,
    project,
    shared_affiliation_network,
)
from graph_loader.errors import DiasporaKGError
from tests.unit.analysis_fixtures import small_full_graph, uri

AGENTS = {
    uri(local)
    for local in (
        "org/hta-a", "org/hta-b", "org/federation-f", "org/ngo-n", "org/government-z", "org/agency-g",
        "person/p", "org/hta-s", "org/umbrella-u", "org/government-sv", "org/io-i", "collective/k",
    )
}


@pytest.fixture
def G():
    return small_full_graph()


def edge_table(graph) -> dict:
    """``{(u, v): (strength, kinds)}`` with the synthetic prefix removed, for readable comparisons."""
    short = {v: v.rsplit("/", 1)[-1] for v in graph}
    return {
        (short[u], short[v]): (pytest.approx(d["strength"]), d.get("kinds"))
        for u, v, d in graph.edges(data=True)
    }


def test_full_drops_records_about_the_network_and_keeps_actors_and_institutions(G):
    F = full(G)
    # 8 places + 12 agents + 1 programme + 2 projects; evidence, source, publication, table, observation, rule
    # and concept go.
    assert F.number_of_nodes() == 23
    dropped = {"evidence/e1", "source/s1", "publication/a1", "table/t1", "observation/o1", "rule/r1",
               "concept/infrastructure"}
    assert not {uri(x) for x in dropped} & set(F)
    assert AGENTS <= set(F)
    assert not any(d["type"] in {"QUOTED_FROM", "HAS_RULE", "IN_CATEGORY", "ABOUT", "AUTHOR"}
                   for _, _, d in F.edges(data=True))
    # Edges among kept nodes keep their keys and attributes (n-ary relationships keyed by their URI).
    contribution = F.get_edge_data(uri("org/hta-a"), uri("project/p"), key=uri("contribution/hta-a-p"))
    assert contribution["share"] == 0.25 and contribution["type"] == "FUNDS"
    assert G.number_of_nodes() == 30, "the input graph is left alone"


def test_organisation_network_ties_strengths_and_kinds(G):
    network = organisation_network(G)
    assert set(network) == AGENTS
    assert network.nodes[uri("org/hta-a")]["name"] == "HTA A"
    # Worked by hand: direct ties 1.0 per kind, +0.5 per shared project/programme.
    assert edge_table(network) == {
        ("hta-a", "federation-f"): (1.5, ["CO_FUNDING", "MEMBER_OF"]),
        ("hta-a", "agency-g"): (0.5, ["CO_FUNDING"]),
        ("hta-b", "federation-f"): (1.0, ["MEMBER_OF"]),
        ("federation-f", "ngo-n"): (1.0, ["PARTNERS_WITH"]),
        ("federation-f", "agency-g"): (0.5, ["CO_FUNDING"]),
        ("government-z", "agency-g"): (1.5, ["CO_RUNNING", "SUB_ORGANISATION_OF"]),
        ("government-z", "k"): (1.0, ["LOBBIES"]),
        ("agency-g", "p"): (1.0, ["ADVISES"]),
        ("hta-s", "umbrella-u"): (1.0, ["MEMBER_OF"]),
        ("hta-s", "io-i"): (0.5, ["CO_FUNDING"]),
        ("umbrella-u", "government-sv"): (1.0, ["DEMANDS"]),
    }
    tie = network.edges[uri("org/hta-a"), uri("org/federation-f")]
    assert tie["distance"] == pytest.approx(1 / 1.5)
    assert tie["via"] == [uri("project/p")]
    assert network.edges[uri("org/government-z"), uri("org/agency-g")]["via"] == [uri("programme/m")]


def test_directed_organisation_network_keeps_directions_and_doubles_symmetric_ties(G):
    D = organisation_network(G, directed=True)
    assert isinstance(D, nx.DiGraph)
    hta_a, fed, ngo = uri("org/hta-a"), uri("org/federation-f"), uri("org/ngo-n")
    assert D.edges[hta_a, fed]["kinds"] == ["CO_FUNDING", "MEMBER_OF"]
    assert D.edges[fed, hta_a]["kinds"] == ["CO_FUNDING"]  # membership points one way only
    assert D.edges[fed, hta_a]["strength"] == pytest.approx(0.5)
    assert D.has_edge(fed, ngo) and D.has_edge(ngo, fed)  # partnership is symmetric
    assert not D.has_edge(uri("org/hta-b"), uri("org/hta-a"))
    assert D.has_edge(uri("collective/k"), uri("org/government-z"))
    assert not D.has_edge(uri("org/government-z"), uri("collective/k"))
    # Of the 11 ties, 5 are one-way only (HTA B and HTA S memberships, advising, lobbying, demands) and 6 have
    # arcs both ways (the 4 co-fundings, the partnership, and Agency G / Government Z, tied by co-running both
    # ways and by sub-organisation one way): 5 + 2 * 6 = 17 arcs.
    assert D.number_of_edges() == 17


def test_merger_is_not_a_tie_and_non_agents_are_not_nodes(G):
    G.add_node(uri("org/old"), labels=("GovernmentAgency", "PublicBody", "Organisation", "Agent"), name="Old")
    G.add_edge(uri("org/old"), uri("org/agency-g"), key="MERGED_INTO", type="MERGED_INTO")
    network = organisation_network(G)
    assert uri("org/old") in network and network.degree(uri("org/old")) == 0
    assert uri("project/p") not in network and uri("place/mx") not in network


def test_non_financial_support_is_a_direct_tie_and_an_affiliation(G):
    G.add_edge(uri("org/io-i"), uri("org/umbrella-u"), type="SUPPORTS")
    G.add_edge(uri("org/ngo-n"), uri("project/p"), type="SUPPORTS")
    network = organisation_network(G)
    assert network.edges[uri("org/io-i"), uri("org/umbrella-u")]["kinds"] == ["SUPPORTS"]
    assert not network.has_edge(uri("org/ngo-n"), uri("org/hta-a"))  # supporting is not co-funding
    B = affiliation_network(G)
    assert B.edges[uri("org/ngo-n"), uri("project/p")]["kinds"] == ["SUPPORTS"]


def test_affiliation_network_is_bipartite_with_kinds(G):
    B = affiliation_network(G)
    top = {v for v, d in B.nodes(data=True) if d["bipartite"] == 0}
    bottom = {v for v, d in B.nodes(data=True) if d["bipartite"] == 1}
    assert top == AGENTS
    assert bottom == {uri("programme/m"), uri("project/p"), uri("project/q")}
    assert nx.is_bipartite(B)
    assert B.number_of_edges() == 7
    assert B.edges[uri("org/agency-g"), uri("programme/m")]["kinds"] == ["RUNS"]
    assert B.edges[uri("org/government-z"), uri("programme/m")]["kinds"] == ["CO_RUNS"]
    assert B.edges[uri("org/io-i"), uri("project/q")]["kinds"] == ["FUNDS"]


def test_affiliation_network_reads_a_partnership_stored_from_the_programme_side(G):
    G.add_edge(uri("programme/m"), uri("org/ngo-n"), key="PARTNERS_WITH", type="PARTNERS_WITH")
    B = affiliation_network(G)
    assert B.edges[uri("org/ngo-n"), uri("programme/m")]["kinds"] == ["PARTNERS_WITH"]


def test_newman_projection_weights_by_the_size_of_each_affiliation(G):
    P = affiliation_projection(affiliation_network(G))
    # Project P has 3 funders: each pair gets 1/(3-1); Programme M and Project Q have 2 each: 1/(2-1).
    assert edge_table(P) == {
        ("hta-a", "federation-f"): (0.5, None),
        ("hta-a", "agency-g"): (0.5, None),
        ("federation-f", "agency-g"): (0.5, None),
        ("government-z", "agency-g"): (1.0, None),
        ("hta-s", "io-i"): (1.0, None),
    }
    assert P.edges[uri("org/hta-a"), uri("org/agency-g")]["distance"] == pytest.approx(2.0)
    assert set(P) == AGENTS


def test_newman_projection_agrees_with_networkx():
    B = nx.Graph()
    B.add_nodes_from("abcde", bipartite=0)
    B.add_nodes_from([1, 2, 3], bipartite=1)
    B.add_edges_from([("a", 1), ("b", 1), ("c", 1), ("a", 2), ("b", 2), ("d", 3), ("e", 3), ("a", 3)])
    ours = affiliation_projection(B)
    reference = nx.bipartite.collaboration_weighted_projected_graph(B, "abcde")
    assert {frozenset(e) for e in ours.edges} == {frozenset(e) for e in reference.edges}
    for u, v, w in reference.edges(data="weight"):
        assert ours.edges[u, v]["strength"] == pytest.approx(w)
    counted = affiliation_projection(B, method="count")
    assert counted.edges["a", "b"]["strength"] == 2.0  # shared affiliations 1 and 2


def test_projection_registry_selects_by_name(G):
    assert set(PROJECTIONS) == {"full", "organisations", "affiliation", "affiliation-projection"}
    assert nx.utils.graphs_equal(project(G, "affiliation-projection"), shared_affiliation_network(G))
    assert project(G, "organisations", directed=True).is_directed()
    with pytest.raises(UnknownProjection) as raised:
        project(G, "people")
    assert isinstance(raised.value, ValueError) and isinstance(raised.value, DiasporaKGError)
    assert "organisations" in raised.value.hint


def test_unknown_affiliation_projection_method(G):
    with pytest.raises(ValueError, match="newman"):
        affiliation_projection(affiliation_network(G), method="jaccard")


# -- groups -----------------------------------------------------------------------------------------------------

EXPECTED_GROUPS = {
    # node: (home country, setting, kind group), worked out from the fixture's ties
    "org/hta-a": ("MX", "US", "diaspora"),  # ORIGINATES_FROM Town Z -> State Z -> MX; LOCATED_IN City C -> US
    "org/federation-f": ("MX", "US", "diaspora"),  # HOME_COUNTRY MX
    "org/ngo-n": ("US", "US", "partner"),  # LOCATED_IN City C -> US
    "org/government-z": ("MX", "home", "government"),  # LOCATED_IN State Z -> MX
    "org/agency-g": ("MX", "home", "government"),  # SUB_ORGANISATION_OF Government of State Z; no location
    "person/p": (None, None, "person"),
    "org/hta-s": ("SV", "US", "diaspora"),  # Town S -> Cuscatlán, isoCode SV-CU
    "org/umbrella-u": ("SV", None, "diaspora"),  # HOME_COUNTRY SV; nothing says where it is based
    "org/government-sv": ("SV", "home", "government"),
    "org/io-i": (None, "international", "international"),
    "collective/k": (None, None, "collective"),
    "project/p": ("MX", None, None),  # a project's country: where it is located
    "place/city-c": ("US", None, None),
    "evidence/e1": (None, None, None),
}


@pytest.mark.parametrize("local", sorted(EXPECTED_GROUPS))
def test_groups_of_each_node(G, local):
    node = uri(local)
    assert (home_country(G, node), setting(G, node), kind_group(G, node)) == EXPECTED_GROUPS[local]


def test_annotate_groups_returns_and_optionally_sets_attributes(G):
    groups = annotate_groups(G)
    assert set(groups) == set(G)
    assert groups[uri("org/hta-s")] == {"country": "SV", "setting": "US", "kind_group": "diaspora"}
    assert "country" not in G.nodes[uri("org/hta-s")]
    annotate_groups(G, set_attributes=True)
    assert G.nodes[uri("org/hta-s")]["setting"] == "US"


def test_location_does_not_make_a_diaspora_organisation_a_us_one(G):
    """An association in a US city with no recorded origin has no known home country (not "US")."""
    G.add_node(uri("org/hta-x"), labels=("HometownAssociation", "DiasporaOrganisation", "Organisation", "Agent"))
    G.add_edge(uri("org/hta-x"), uri("place/city-c"), type="LOCATED_IN")
    assert home_country(G, uri("org/hta-x")) is None
    assert setting(G, uri("org/hta-x")) == "US"


def test_location_does_not_give_a_population_of_emigrants_a_home_country(G):
    """A collective or a person in a US city may be émigrés: their location is not their home country."""
    G.add_edge(uri("collective/k"), uri("place/city-c"), type="LOCATED_IN")
    G.add_edge(uri("person/p"), uri("place/city-c"), type="LOCATED_IN")
    for local in ("collective/k", "person/p"):
        assert (home_country(G, uri(local)), setting(G, uri(local))) == (None, "US")


def test_conflicting_home_countries_give_none(G):
    G.add_edge(uri("org/federation-f"), uri("place/sv"), key="HOME_COUNTRY-2", type="HOME_COUNTRY")
    assert home_country(G, uri("org/federation-f")) is None


def test_consulate_belongs_to_its_state_but_acts_in_the_us(G):
    consulate = uri("org/consulate-c")
    G.add_node(consulate, labels=("Consulate", "PublicBody", "Organisation", "Agent"))
    G.add_edge(consulate, uri("org/government-z"), type="SUB_ORGANISATION_OF")
    G.add_edge(consulate, uri("place/city-c"), type="LOCATED_IN")
    assert (home_country(G, consulate), setting(G, consulate)) == ("MX", "US")


def test_containment_cycle_does_not_loop(G):
    G.add_edge(uri("place/state-z"), uri("place/town-z"), type="PART_OF")
    G.remove_edge(uri("place/state-z"), uri("place/mx"), key="PART_OF")
    assert home_country(G, uri("org/hta-a")) is None
