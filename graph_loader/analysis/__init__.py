"""Network analysis of the diaspora graph: who brokers between actors, and which coalitions they form.

Every function takes a NetworkX graph (the *full graph* of the project's contract, or a projection of it) and
returns plain data; nothing here talks to Neo4j or draws. The modules, one concept each:

:mod:`.groups`
    Home country, setting (US / home / international) and kind of each actor.
:mod:`.projections`
    The networks the measures run on, by name (:data:`~.projections.PROJECTIONS`).
:mod:`.brokers`
    Betweenness, Burt's structural holes, Gould–Fernandez brokerage roles; :func:`~.brokers.rank_brokers`.
:mod:`.coalitions`
    Louvain/Leiden communities and their stability, k-cores, co-funding groups;
    :func:`~.coalitions.find_coalitions`.
:mod:`.backends`
    NetworkX for small graphs, igraph for large ones.
"""

from .brokers import BrokerRanking, BrokerResult, betweenness, brokerage_roles, rank_brokers, structural_holes
from .coalitions import (
    Partition,
    cofunding_groups,
    describe,
    find_coalitions,
    k_cores,
    leiden,
    louvain,
    main_core,
    stability,
)
from .groups import annotate_groups, home_country, kind_group, setting
from .projections import (
    PROJECTIONS,
    UnknownProjection,
    affiliation_network,
    affiliation_projection,
    full,
    organisation_network,
    project,
    shared_affiliation_network,
)

__all__ = [
    "PROJECTIONS",
    "BrokerRanking",
    "BrokerResult",
    "Partition",
    "UnknownProjection",
    "affiliation_network",
    "affiliation_projection",
    "annotate_groups",
    "betweenness",
    "brokerage_roles",
    "cofunding_groups",
    "describe",
    "find_coalitions",
    "full",
    "home_country",
    "k_cores",
    "kind_group",
    "leiden",
    "louvain",
    "main_core",
    "organisation_network",
    "project",
    "rank_brokers",
    "setting",
    "shared_affiliation_network",
    "stability",
    "structural_holes",
]
