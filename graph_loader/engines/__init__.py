"""Where brokers and coalitions are computed: NetworkX in this process, or Graph Data Science inside Neo4j.

:data:`ENGINES` names them for ``diaspora-kg analyze --engine``. ``"networkx"`` reads the full graph into Python
(:mod:`graph_loader.analysis`, with igraph for large networks); ``"gds"`` (:mod:`.gds`) leaves the graph in
Neo4j and runs GDS there, for graphs that outgrow one Python process; ``"auto"`` (:func:`choose_engine`) takes GDS
when the server has it and the organisation network has more than :data:`AUTO_GDS_AGENTS` agents.
"""

from __future__ import annotations

from ..neo4j import gds_procedures as procedures
from ..neo4j.connection import Database
from .gds import analyse_gds, tie_spec

ENGINES = ("networkx", "gds", "auto")
#: Above this many agents ``--engine auto`` runs GDS (when the server has it). At 10^5 agents the GDS engine takes
#: 36 s and 270 MB of Python memory end to end, our igraph path 48 s and 2.5 GB (benchmarks/RESULTS.md, "Engines");
#: the full graph read into Python grows with the graph, the GDS engine's arrays by a few numbers per agent and tie.
#: Below it the NetworkX engine gives what GDS does not: a stated error for sampled betweenness, stability across
#: seeds, co-funding groups and the roles of every agent.
AUTO_GDS_AGENTS = 100_000


def choose_engine(engine: str, db: Database | None) -> tuple[str, str]:
    """The engine to run (``"networkx"`` or ``"gds"``) for ``engine`` (one of :data:`ENGINES`), and why.

    ``db`` is None when the analysis reads files (``--offline``, ``--from-rdf``): only NetworkX can run then.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    if db is None:
        if engine == "gds":
            raise ValueError("--engine gds needs Neo4j: drop --offline/--from-rdf")
        return "networkx", "reading files, not Neo4j"
    if engine != "auto":
        return engine, "asked for"
    version = procedures.gds_version(db)
    if version is None:
        return "networkx", "the server has no Graph Data Science library"
    agents = procedures.count_agents(db, tie_spec())
    if agents > AUTO_GDS_AGENTS:
        return "gds", f"{agents:,} agents > {AUTO_GDS_AGENTS:,} and the server has GDS {version}"
    return "networkx", f"{agents:,} agents <= {AUTO_GDS_AGENTS:,}"


__all__ = ["AUTO_GDS_AGENTS", "ENGINES", "analyse_gds", "choose_engine"]
