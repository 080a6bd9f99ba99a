"""Where brokers and coalitions are computed: one registry of engines, by name.

:data:`ENGINES` names each engine and the module that implements it: ``"networkx"`` (:mod:`.networkx`) reads the
full graph into Python (:mod:`graph_loader.analysis`, with igraph for large networks); ``"gds"`` (:mod:`.gds`)
leaves the graph in Neo4j and runs Graph Data Science there, for graphs that outgrow one Python process.
:data:`ENGINE_CHOICES` adds ``"auto"`` (:func:`choose_engine`: GDS when the server has it and the organisation
network has more than :data:`AUTO_GDS_AGENTS` agents). Every engine takes the same
:class:`~graph_loader.analysis.summary.AnalysisParameters` and a :class:`~.source.GraphSource`, and returns the same
:class:`~graph_loader.analysis.summary.AnalysisResult`: the command line, the pipeline and the report never ask
which one ran, beyond saying it.

This module stays light (an engine's module is imported when it runs): the command line builds ``--engine`` from
it at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Protocol

from ..errors import DiasporaKGError

if TYPE_CHECKING:
    from ..analysis.summary import AnalysisParameters, AnalysisResult
    from ..neo4j.connection import Database
    from .source import GraphSource


class Engine(Protocol):
    """An analysis engine: its name, and how it runs."""

    name: str

    def run(self, source: GraphSource, parameters: AnalysisParameters, *, write: bool = True) -> AnalysisResult:
        """Brokers and coalitions of ``source`` as ``parameters`` ask; with ``write`` (and Neo4j) the scores
        written back as ``score_*`` properties."""


@dataclass(frozen=True)
class EngineSpec:
    """One engine of the registry: its name, the module of this package that implements it (its ``ENGINE``),
    and whether it runs inside Neo4j (then it cannot read files)."""

    name: str
    module: str
    needs_server: bool

    def load(self) -> Engine:
        """The engine (its module imported now)."""
        return import_module(f"{__name__}.{self.module}").ENGINE


#: The engines by name (``analyze --engine``).
ENGINES: dict[str, EngineSpec] = {spec.name: spec for spec in (
    EngineSpec("networkx", "networkx", needs_server=False),
    EngineSpec("gds", "gds", needs_server=True),
)}
#: The engine that runs unless another is asked for.
DEFAULT_ENGINE = "networkx"
#: The name that lets :func:`choose_engine` pick.
AUTO = "auto"
#: What ``--engine`` accepts.
ENGINE_CHOICES = (*ENGINES, AUTO)
#: Above this many agents ``--engine auto`` runs GDS (when the server has it). At 10^5 agents the GDS engine takes
#: 36 s and 270 MB of Python memory end to end, our igraph path 48 s and 2.5 GB (benchmarks/RESULTS.md, "Engines");
#: the full graph read into Python grows with the graph, the GDS engine's arrays by a few numbers per agent and tie.
#: Below it the NetworkX engine gives what GDS does not: a stated error for sampled betweenness, stability across
#: seeds, co-funding groups and the roles of every agent.
AUTO_GDS_AGENTS = 100_000


class UnknownEngine(DiasporaKGError, ValueError):
    """An engine name that is not in :data:`ENGINE_CHOICES`."""

    def __init__(self, name: str):
        super().__init__(f"unknown engine {name!r}", hint="use one of: " + ", ".join(ENGINE_CHOICES))


class EngineNeedsServer(DiasporaKGError, ValueError):
    """An engine that runs inside Neo4j was asked for while the graph is read from files."""

    def __init__(self, name: str):
        super().__init__(f"--engine {name} needs Neo4j: drop --offline/--from-rdf")


def needs_server(engine: str) -> bool:
    """``engine`` (one of :data:`ENGINE_CHOICES`) can only run inside Neo4j."""
    return engine in ENGINES and ENGINES[engine].needs_server


def choose_engine(engine: str, db: Database | None) -> tuple[str, str]:
    """The engine to run (a key of :data:`ENGINES`) for ``engine`` (one of :data:`ENGINE_CHOICES`), and why.

    ``db`` is None when the analysis reads files (``--offline``, ``--from-rdf``): only an engine that needs no
    server can run then.
    """
    if engine not in ENGINE_CHOICES:
        raise UnknownEngine(engine)
    if db is None:
        if needs_server(engine):
            raise EngineNeedsServer(engine)
        return DEFAULT_ENGINE, "reading files, not Neo4j"
    if engine != AUTO:
        return engine, "asked for"
    from ..neo4j import gds_procedures as procedures
    from .gds import tie_spec

    version = procedures.gds_version(db)
    if version is None:
        return DEFAULT_ENGINE, "the server has no Graph Data Science library"
    agents = procedures.count_agents(db, tie_spec())
    if agents > AUTO_GDS_AGENTS:
        return "gds", f"{agents:,} agents > {AUTO_GDS_AGENTS:,} and the server has GDS {version}"
    return DEFAULT_ENGINE, f"{agents:,} agents <= {AUTO_GDS_AGENTS:,}"


def run_engine(engine: str, source: GraphSource, parameters: AnalysisParameters, *, write: bool = True,
               chosen: Callable[[str, str], None] | None = None) -> AnalysisResult:
    """The analysis by ``engine`` (one of :data:`ENGINE_CHOICES`; ``auto`` chooses, :func:`choose_engine`).

    ``chosen`` is told the engine that runs and why, before it runs.
    """
    name, why = choose_engine(engine, source.db)
    if chosen is not None:
        chosen(name, why)
    return ENGINES[name].load().run(source, parameters, write=write)


__all__ = ["AUTO", "AUTO_GDS_AGENTS", "DEFAULT_ENGINE", "ENGINES", "ENGINE_CHOICES", "Engine", "EngineNeedsServer",
           "EngineSpec", "UnknownEngine", "choose_engine", "needs_server", "run_engine"]
