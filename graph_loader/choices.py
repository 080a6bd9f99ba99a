"""The names an analysis chooses among, light enough for the command line to build its options from without
importing the analysis (NetworkX, NumPy, igraph take about two seconds to import).

Each is the key set of a registry that does the work, and only those keys: :data:`AGENT_NETWORKS` of
:data:`graph_loader.analysis.projections.PROJECTIONS` (the networks brokers and coalitions are measured on),
:data:`COMMUNITY_METHODS` of :data:`graph_loader.analysis.coalitions.METHODS`, :data:`BROKER_MEASURES` of the
scores an analysis stores (:class:`graph_loader.analysis.summary.AnalysisResult`), :data:`COLOR_BY` of
:data:`graph_loader.viz.encoding.COLOR_MODES`; the engines' names are
:data:`graph_loader.engines.ENGINES`. ``tests/unit/test_analysis_choices.py`` checks that the registries agree.
"""

from __future__ import annotations

#: The networks of agents brokers and coalitions are measured on (``analyze --projection``), the first the default.
AGENT_NETWORKS = ("organisations", "affiliation-projection")
#: Community methods (``analyze --method``), the first the default.
COMMUNITY_METHODS = ("louvain", "leiden")
#: The per-agent scores of a broker analysis, stored as ``score_<measure>`` (``viz --size-by``).
BROKER_MEASURES = ("betweenness", "constraint", "effective_size", "efficiency", "brokerage", "coordinator",
                   "itinerant", "representative", "gatekeeper", "liaison", "degree")
#: What a picture colours nodes by (``viz --color-by``), the first the default.
COLOR_BY = ("class", "country", "coalition")
