"""Analysis groups of the full graph: an actor's home country, where it is based, and what kind of actor it is.

Gould and Fernandez's brokerage roles, and the description of a coalition, need each actor put in a group. The
groups are read off the graph's own ties, never guessed from names:

* **home country** (ISO 3166-1 alpha-2): the country whose state or diaspora an actor belongs to. A Salvadoran
  hometown association in Los Angeles has home country ``"SV"``, not ``"US"``.
* **setting**: whether an actor is based in the US (the host country of the diasporas studied), in its home
  country, or is an international organisation.
* **kind group**: diaspora organisation, government, international organisation, partner, person or collective.

The full graph follows the project's NetworkX contract: an ``nx.MultiDiGraph`` keyed by URI, node attribute
``labels`` (ontology classes, most specific first) and edge attribute ``type`` (the relationship type).

Examples
--------
>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("sv", labels=("Country", "Place"), isoCode="SV")
>>> G.add_node("us", labels=("Country", "Place"), isoCode="US")
>>> G.add_node("la", labels=("City", "Place"))
>>> G.add_node("hta", labels=("HometownAssociation", "DiasporaOrganisation", "Organisation", "Agent"))
>>> _ = G.add_edge("la", "us", type="PART_OF")
>>> _ = G.add_edge("hta", "la", type="LOCATED_IN")
>>> _ = G.add_edge("hta", "sv", type="HOME_COUNTRY")
>>> home_country(G, "hta"), setting(G, "hta"), kind_group(G, "hta")
('SV', 'US', 'diaspora')
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

import networkx as nx

from ..ontology.terms import REL
from .backends import paused_gc

#: The country where the diasporas of the corpus settled; actors based there have setting ``"US"``.
HOST_COUNTRY = "US"

#: Labels that make a node an agent (an actor that can broker or join a coalition).
AGENT_LABELS = frozenset({"Agent", "Organisation", "Person", "Collective"})

#: Kind groups, tested in this order against a node's labels.
KIND_GROUPS = (
    ("DiasporaOrganisation", "diaspora"),
    ("PublicBody", "government"),
    ("InternationalOrganisation", "international"),
    ("PartnerOrganisation", "partner"),
    ("Person", "person"),
    ("Collective", "collective"),
    ("Organisation", "organisation"),  # an organisation whose type the sources do not give
)

#: Ties along which a place's country is found (place -> containing place).
_PLACE_UP = frozenset({REL.PART_OF, REL.LOCATED_IN})
#: Agents whose location says nothing of their home country (diaspora organisations are handled apart).
_LOCATION_SILENT_ON_HOME = frozenset({"InternationalOrganisation", "Person", "Collective"})
#: Ties from an organisation to a parent whose state it belongs to.
_PARENT_TIES = frozenset({REL.SUB_ORGANISATION_OF, REL.EXECUTIVE_ARM_OF})


def labels_of(G: nx.Graph, node: Hashable) -> tuple[str, ...]:
    """The ontology labels of ``node`` (most specific first); empty when the node has none."""
    return tuple(G.nodes[node].get("labels") or ())


def is_agent(G: nx.Graph, node: Hashable) -> bool:
    """True when ``node`` is an Organisation (any subclass), a Person or a Collective."""
    return not AGENT_LABELS.isdisjoint(labels_of(G, node))


def nodes_with_labels(G: nx.Graph, wanted: frozenset[str]) -> dict[Hashable, None]:
    """The nodes having any of the ``wanted`` labels, in the graph's order (a dict used as an ordered set).

    One pass over the node labels, for code that would otherwise test :func:`is_agent` edge by edge.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("hta", labels=("HometownAssociation", "Organisation", "Agent"))
    >>> G.add_node("town", labels=("Municipality", "Place"))
    >>> list(nodes_with_labels(G, AGENT_LABELS))
    ['hta']
    """
    found = {}
    for v, data in G._node.items():  # NetworkX's own node dict, read only: the node view costs a call per node
        labels = data.get("labels")
        if labels and not wanted.isdisjoint(labels):
            found[v] = None
    return found


def kind_group(G: nx.Graph, node: Hashable) -> str | None:
    """The kind group of an agent, or None for a node that is not an agent.

    Returns
    -------
    str or None
        ``"diaspora"`` (DiasporaOrganisation and subclasses), ``"government"`` (PublicBody), ``"international"``
        (InternationalOrganisation), ``"partner"`` (PartnerOrganisation), ``"person"``, ``"collective"``, or
        ``"organisation"`` for an Organisation of no more specific class.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("fisdl", labels=("GovernmentAgency", "PublicBody", "Organisation", "Agent"))
    >>> kind_group(G, "fisdl")
    'government'
    """
    labels = labels_of(G, node)
    for label, group in KIND_GROUPS:
        if label in labels:
            return group
    return None


def home_country(G: nx.Graph, node: Hashable) -> str | None:
    """The ISO 3166-1 alpha-2 code of the country ``node`` belongs to, or None when the graph does not say.

    The first rule that applies decides:

    1. a Country node: its own ``isoCode``; a place whose ``isoCode`` is an ISO 3166-2 subdivision code
       (``"SV-CU"``): the country part;
    2. ``HOME_COUNTRY`` ties;
    3. ``ORIGINATES_FROM`` ties (a hometown association's home community), up the places to a Country;
    4. ``SUB_ORGANISATION_OF`` / ``EXECUTIVE_ARM_OF`` ties: the parent organisation's home country (an agency
       inside a ministry, a consulate under a foreign ministry);
    5. ``LOCATED_IN`` ties up to a Country, for organisations other than diaspora organisations based abroad
       (all but home community committees) and international organisations, and for projects and events.
       Where a diaspora organisation, an international organisation, a person or a collective (often a
       population of émigrés) is located says nothing of its home country;
    6. for a place, ``PART_OF`` / ``LOCATED_IN`` ties up to a Country.

    When a rule finds several different countries (a binational body) the answer is None rather than a guess.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("cu", labels=("Department", "AdministrativeArea", "Place"), isoCode="SV-CU")
    >>> G.add_node("town", labels=("Municipality", "Place"))
    >>> G.add_node("hta", labels=("HometownAssociation", "DiasporaOrganisation", "Organisation", "Agent"))
    >>> _ = G.add_edge("town", "cu", type="PART_OF")
    >>> _ = G.add_edge("hta", "town", type="ORIGINATES_FROM")
    >>> home_country(G, "hta")
    'SV'
    """
    return _CountryResolver(G).home_country(node)


def based_country(G: nx.Graph, node: Hashable) -> str | None:
    """The ISO 3166-1 alpha-2 code of the country where ``node`` is located (its ``LOCATED_IN`` ties), or None."""
    return _CountryResolver(G).based_country(node)


def setting(G: nx.Graph, node: Hashable) -> str | None:
    """Where an agent acts from: ``"US"``, ``"home"``, ``"international"``, or None.

    * ``"international"``: an InternationalOrganisation;
    * ``"US"``: located (``LOCATED_IN``, up to a Country) in the US, whatever its home country;
    * ``"home"``: located in its home country; or, with no location in the graph, a home community committee
      (by definition in the home community) or a public body other than a consulate or embassy (a state's own
      bodies sit in its territory);
    * None: not an agent, located in a third country, or nothing in the graph says where it is.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("mx", labels=("Country", "Place"), isoCode="MX")
    >>> G.add_node("gov", labels=("StateGovernment", "Government", "PublicBody", "Organisation", "Agent"))
    >>> _ = G.add_edge("gov", "mx", type="HOME_COUNTRY")
    >>> setting(G, "gov")
    'home'
    """
    return _CountryResolver(G).setting(node)


@paused_gc()  # a dict per node: see paused_gc
def annotate_groups(
    G: nx.Graph, *, nodes: Iterable[Hashable] | None = None, set_attributes: bool = False
) -> dict[Hashable, dict]:
    """The home country, setting and kind group of every node (or of the given ones).

    Parameters
    ----------
    G : nx.MultiDiGraph
        The full graph.
    nodes : iterable of nodes, optional
        Only these nodes (for instance the agents of a projection); default every node of ``G``. The chains of
        ties behind an answer are followed through the whole graph either way.
    set_attributes : bool
        Also store the three values as node attributes ``country``, ``setting`` and ``kind_group``.

    Returns
    -------
    dict
        ``{node: {"country": str | None, "setting": str | None, "kind_group": str | None}}`` for every node;
        places have a country but no setting or kind group.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("io", labels=("InternationalOrganisation", "Organisation", "Agent"))
    >>> annotate_groups(G)["io"]
    {'country': None, 'setting': 'international', 'kind_group': 'international'}
    """
    resolver = _CountryResolver(G)
    groups = {
        node: {
            "country": resolver.home_country(node),
            "setting": resolver.setting(node),
            "kind_group": kind_group(G, node),
        }
        for node in (G if nodes is None else nodes)
    }
    if set_attributes:
        for node, values in groups.items():
            G.nodes[node].update(values)
    return groups


@paused_gc()  # memo dicts of 10^5 nodes: see paused_gc
def home_countries(G: nx.Graph, nodes: Iterable[Hashable] | None = None) -> dict[Hashable, str | None]:
    """The home country (:func:`home_country`) of each of ``nodes`` (default: every node), resolved together.

    Cheaper than :func:`annotate_groups` when only the country is wanted, and than calling :func:`home_country`
    node by node: the chains of places and parent organisations shared by many actors are followed once.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("mx", labels=("Country", "Place"), isoCode="MX")
    >>> G.add_node("gov", labels=("StateGovernment", "Government", "PublicBody", "Organisation", "Agent"))
    >>> _ = G.add_edge("gov", "mx", type="HOME_COUNTRY")
    >>> home_countries(G, ["gov"])
    {'gov': 'MX'}
    """
    resolver = _CountryResolver(G)
    return {node: resolver.home_country(node) for node in (G if nodes is None else nodes)}


def _single(codes: Iterable[str | None]) -> str | None:
    """The one country all ``codes`` agree on; None when there are none or they disagree."""
    found = {code for code in codes if code}
    return found.pop() if len(found) == 1 else None


class _CountryResolver:
    """Home and located countries of the nodes of one graph, memoised (chains are shared by many actors)."""

    def __init__(self, G: nx.Graph):
        self.G = G
        self._multigraph = G.is_multigraph()
        self._home: dict[Hashable, str | None] = {}
        self._place: dict[Hashable, str | None] = {}

    def _targets(self, node: Hashable, types: frozenset[str] | set[str]) -> list[Hashable]:
        """Heads of ``node``'s out-ties of the given types, in the graph's order (one per parallel tie)."""
        # Straight from NetworkX's own adjacency dict (read only): ``out_edges`` and the adjacency views cost a
        # Python call per item, which dominated on 10^5 nodes.
        adjacency = self.G._adj[node]
        if self._multigraph:
            return [v for v, keyed in adjacency.items() for data in keyed.values() if data.get("type") in types]
        return [v for v, data in adjacency.items() if data.get("type") in types]

    def _own_code(self, node: Hashable) -> str | None:
        labels = labels_of(self.G, node)
        code = self.G.nodes[node].get("isoCode")
        if not isinstance(code, str) or not code:
            return None
        if "Country" in labels:
            return code.upper()
        if "Place" in labels and "-" in code:  # ISO 3166-2: country code, hyphen, subdivision
            return code.split("-", 1)[0].upper()
        return None

    def place_country(self, place: Hashable) -> str | None:
        """The country of a place: its own code, else the nearest containing places' country (breadth first)."""
        if place in self._place:
            return self._place[place]
        self._place[place] = None  # a containment cycle answers None instead of recursing forever
        level, seen, answer = [place], {place}, None
        while level:
            codes = {self._own_code(p) for p in level} - {None}
            if codes:
                answer = _single(codes)
                break
            following = []
            for p in level:
                for q in self._targets(p, _PLACE_UP):
                    if q not in seen:
                        seen.add(q)
                        following.append(q)
            level = following
        self._place[place] = answer
        return answer

    def based_country(self, node: Hashable) -> str | None:
        return _single(self.place_country(p) for p in self._targets(node, {REL.LOCATED_IN}))

    def home_country(self, node: Hashable) -> str | None:
        if node in self._home:
            return self._home[node]
        self._home[node] = None  # guards against cycles of parent ties
        self._home[node] = answer = self._resolve_home(node)
        return answer

    def _resolve_home(self, node: Hashable) -> str | None:
        labels = labels_of(self.G, node)
        if "Place" in labels:
            return self.place_country(node)
        for rule in (
            lambda: [self.place_country(c) for c in self._targets(node, {REL.HOME_COUNTRY})],
            lambda: [self.place_country(p) for p in self._targets(node, {REL.ORIGINATES_FROM})],
            lambda: [self.home_country(p) for p in self._targets(node, _PARENT_TIES)],
        ):
            codes = {code for code in rule() if code}
            if codes:  # a rule that finds countries decides, even when they disagree
                return _single(codes)
        based_abroad = "DiasporaOrganisation" in labels and "HomeCommunityCommittee" not in labels
        if based_abroad or not _LOCATION_SILENT_ON_HOME.isdisjoint(labels):
            return None
        return self.based_country(node)

    def setting(self, node: Hashable) -> str | None:
        if not is_agent(self.G, node):
            return None
        labels = labels_of(self.G, node)
        if "InternationalOrganisation" in labels:
            return "international"
        home, based = self.home_country(node), self.based_country(node)
        if based == HOST_COUNTRY:
            return "US"
        if based is not None:
            return "home" if based == home else None
        if "HomeCommunityCommittee" in labels:
            return "home"
        if "PublicBody" in labels and not {"Consulate", "Embassy"} & set(labels) and home is not None:
            return "US" if home == HOST_COUNTRY else "home"
        return None
