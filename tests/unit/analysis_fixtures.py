"""A small hand-made full graph following the NetworkX contract, for the analysis tests.

Every organisation, person and project here is synthetic (``synth:`` URIs, names like "HTA A"); only the
countries and the ISO 3166-2 code of Cuscatlán (``SV-CU``) are real. The shape imitates the article's
transnational ties: two hometown associations from a Mexican town, members of a federation in a US city; the
first association, the federation and a state agency funding one project of a matching-fund programme that the
agency runs with its state government; a Salvadoran association in an umbrella group that makes demands of
its national government, co-funding a project with an international organisation. Provenance nodes, a
statistical observation, a programme rule and a category concept are there to be dropped by the projections.

The expected results of the tests are worked by hand from this picture (see each test).
"""

from __future__ import annotations

import networkx as nx

SYNTH = "https://w3id.org/diaspora-kg/synthetic/"
SOURCE_KEY = "tests/unit/analysis_fixtures.py"

HTA = ("HometownAssociation", "DiasporaOrganisation", "Organisation", "Agent")
FEDERATION = ("Federation", "DiasporaOrganisation", "Organisation", "Agent")
UMBRELLA = ("UmbrellaGroup", "DiasporaOrganisation", "Organisation", "Agent")
NGO = ("NGO", "PartnerOrganisation", "Organisation", "Agent")
STATE_GOVERNMENT = ("StateGovernment", "Government", "PublicBody", "Organisation", "Agent")
NATIONAL_GOVERNMENT = ("NationalGovernment", "Government", "PublicBody", "Organisation", "Agent")
AGENCY = ("GovernmentAgency", "PublicBody", "Organisation", "Agent")
INTERNATIONAL = ("InternationalOrganisation", "Organisation", "Agent")
PERSON = ("Person", "Agent")
COLLECTIVE = ("Collective", "Agent")
COUNTRY = ("Country", "Place")
STATE = ("State", "AdministrativeArea", "Place")
DEPARTMENT = ("Department", "AdministrativeArea", "Place")
MUNICIPALITY = ("Municipality", "Place")
CITY = ("City", "Place")
MATCHING_PROGRAMME = ("MatchingFundProgramme", "Programme")
PROJECT = ("Project",)


def uri(local: str) -> str:
    """The synthetic URI of a fixture resource."""
    return SYNTH + local


def _node(G: nx.MultiDiGraph, local: str, name: str, labels: tuple[str, ...], **properties) -> None:
    G.add_node(
        uri(local),
        uri=uri(local),
        name=name,
        labels=labels,
        kind=labels[0],
        unnamed=properties.pop("unnamed", False),
        altNames=[],
        evidence=properties.pop("evidence", []),
        sources=[SOURCE_KEY],
        **properties,
    )


def _tie(G: nx.MultiDiGraph, source: str, kind: str, target: str, *, key: str | None = None, **properties) -> None:
    """A relationship keyed by its own URI when it has one (an n-ary instance), else by its type."""
    G.add_edge(
        uri(source),
        uri(target),
        key=uri(key) if key else kind,
        type=kind,
        evidence=[uri("evidence/e1")],
        sources=[SOURCE_KEY],
        **properties,
    )


def small_full_graph() -> nx.MultiDiGraph:
    """The hand-made full graph described in the module docstring (23 actor/institution nodes, 7 others)."""
    G = nx.MultiDiGraph()
    # places
    _node(G, "place/mx", "Mexico", COUNTRY, isoCode="MX")
    _node(G, "place/sv", "El Salvador", COUNTRY, isoCode="SV")
    _node(G, "place/us", "United States", COUNTRY, isoCode="US")
    _node(G, "place/state-z", "State Z", STATE)
    _node(G, "place/town-z", "Town Z", MUNICIPALITY)
    _node(G, "place/cuscatlan", "Cuscatlán", DEPARTMENT, isoCode="SV-CU")  # no PART_OF: its code says SV
    _node(G, "place/town-s", "Town S", MUNICIPALITY)
    _node(G, "place/city-c", "City C", CITY)
    _tie(G, "place/state-z", "PART_OF", "place/mx")
    _tie(G, "place/town-z", "PART_OF", "place/state-z")
    _tie(G, "place/town-s", "PART_OF", "place/cuscatlan")
    _tie(G, "place/city-c", "PART_OF", "place/us")

    # agents
    _node(G, "org/hta-a", "HTA A", HTA, evidence=[uri("evidence/e1")])
    _node(G, "org/hta-b", "HTA B", HTA)
    _node(G, "org/federation-f", "Federation F", FEDERATION)
    _node(G, "org/ngo-n", "NGO N", NGO)
    _node(G, "org/government-z", "Government of State Z", STATE_GOVERNMENT, governmentLevel="state")
    _node(G, "org/agency-g", "Agency G", AGENCY)
    _node(G, "person/p", "Person P", PERSON)
    _node(G, "org/hta-s", "HTA S", HTA)
    _node(G, "org/umbrella-u", "Umbrella U", UMBRELLA)
    _node(G, "org/government-sv", "National Government SV", NATIONAL_GOVERNMENT, governmentLevel="national")
    _node(G, "org/io-i", "International Organisation I", INTERNATIONAL)
    _node(G, "collective/k", "HTAs of State Z in City C", COLLECTIVE, unnamed=True)

    for hta in ("org/hta-a", "org/hta-b"):
        _tie(G, hta, "ORIGINATES_FROM", "place/town-z")
        _tie(G, hta, "LOCATED_IN", "place/city-c")
        _tie(G, hta, "MEMBER_OF", "org/federation-f", key=f"membership/{hta[4:]}-f", role="member")
    _tie(G, "org/federation-f", "HOME_COUNTRY", "place/mx")
    _tie(G, "org/federation-f", "LOCATED_IN", "place/city-c")
    _tie(G, "org/federation-f", "PARTNERS_WITH", "org/ngo-n")
    _tie(G, "org/ngo-n", "LOCATED_IN", "place/city-c")
    _tie(G, "org/government-z", "LOCATED_IN", "place/state-z")
    _tie(G, "org/agency-g", "SUB_ORGANISATION_OF", "org/government-z")
    _tie(G, "person/p", "ADVISES", "org/agency-g")
    _tie(G, "collective/k", "LOBBIES", "org/government-z", key="lobbying/k-z")
    _tie(G, "org/hta-s", "ORIGINATES_FROM", "place/town-s")
    _tie(G, "org/hta-s", "LOCATED_IN", "place/city-c")
    _tie(G, "org/hta-s", "MEMBER_OF", "org/umbrella-u", key="membership/s-u")
    _tie(G, "org/umbrella-u", "HOME_COUNTRY", "place/sv")
    _tie(G, "org/umbrella-u", "DEMANDS", "org/government-sv", key="demand/u-sv")
    _tie(G, "org/government-sv", "HOME_COUNTRY", "place/sv")

    # programmes and projects
    _node(G, "programme/m", "Programme M", MATCHING_PROGRAMME)
    _node(G, "project/p", "Project P", PROJECT)
    _node(G, "project/q", "Project Q", PROJECT)
    _tie(G, "org/agency-g", "RUNS", "programme/m")
    _tie(G, "org/government-z", "CO_RUNS", "programme/m")
    _tie(G, "project/p", "IN_PROGRAMME", "programme/m")
    _tie(G, "project/p", "LOCATED_IN", "place/town-z")
    _tie(G, "project/q", "LOCATED_IN", "place/town-s")
    for funder, share in (("org/hta-a", 0.25), ("org/federation-f", 0.25), ("org/agency-g", 0.5)):
        _tie(G, funder, "FUNDS", "project/p", key=f"contribution/{funder[4:]}-p", share=share, year=2002)
    for funder, share in (("org/hta-s", 0.47), ("org/io-i", 0.53)):
        _tie(G, funder, "FUNDS", "project/q", key=f"contribution/{funder[4:]}-q", share=share)

    # records about the network, not part of it
    _node(G, "evidence/e1", "evidence e1", ("Evidence",))
    _node(G, "source/s1", "source s1", ("Source",))
    _node(G, "publication/a1", "Article A1", ("Publication",))
    _node(G, "table/t1", "Table T1", ("StatisticalTable",))
    _node(G, "observation/o1", "Observation O1", ("Observation",), value=3.0, unit="count")
    _node(G, "rule/r1", "Rule R1", ("ProgrammeRule",), ruleText="synthetic rule")
    _node(G, "concept/infrastructure", "infrastructure", ("ProjectCategory",))
    _tie(G, "evidence/e1", "QUOTED_FROM", "source/s1")
    _tie(G, "publication/a1", "AUTHOR", "person/p")
    _tie(G, "observation/o1", "IN_DATASET", "table/t1")
    _tie(G, "observation/o1", "ABOUT", "project/p")
    _tie(G, "observation/o1", "REPORTED_BY", "org/agency-g")
    _tie(G, "programme/m", "HAS_RULE", "rule/r1")
    _tie(G, "project/p", "IN_CATEGORY", "concept/infrastructure")
    return G
