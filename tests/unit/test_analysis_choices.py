"""One registry of analysis engines, one list of each choice, parameters checked once (issue 28, the seam).

The command line builds its options from :mod:`graph_loader.choices` and :data:`graph_loader.engines.ENGINES`
(light modules, read at start-up); these tests hold each list to the registry that does the work, and show that a
wrong name is one of our errors, naming the right ones, wherever it enters.
"""

from __future__ import annotations

import pytest

from graph_loader import choices
from graph_loader.analysis.actors import ActorSet
from graph_loader.analysis.coalitions import METHODS, UnknownMethod, find_coalitions
from graph_loader.analysis.projections import PROJECTIONS, UnknownProjection
from graph_loader.analysis.summary import AnalysisParameters
from graph_loader.cli import main
from graph_loader.engines import (
    AUTO,
    DEFAULT_ENGINE,
    ENGINE_CHOICES,
    ENGINES,
    EngineNeedsServer,
    UnknownEngine,
    choose_engine,
    run_engine,
)
from graph_loader.engines.source import GraphSource
from graph_loader.errors import DiasporaKGError
from graph_loader.viz.encoding import COLOR_MODES


def test_each_choice_is_the_key_set_of_its_registry():
    assert set(choices.AGENT_NETWORKS) <= set(PROJECTIONS)
    assert set(choices.COMMUNITY_METHODS) == set(METHODS)
    assert choices.COLOR_BY == tuple(COLOR_MODES)
    assert ENGINE_CHOICES == (*ENGINES, AUTO) and DEFAULT_ENGINE in ENGINES


def test_each_engine_of_the_registry_is_the_module_it_names():
    for name, spec in ENGINES.items():
        engine = spec.load()
        assert engine.name == name and callable(engine.run)
    assert [name for name, spec in ENGINES.items() if spec.needs_server] == ["gds"]


def test_the_command_line_offers_what_the_registries_hold():
    def choices_of(command: str, option: str) -> tuple:
        param = next(p for p in main.commands[command].params if p.name == option)
        return tuple(param.type.choices)

    assert choices_of("analyze", "engine") == ENGINE_CHOICES
    assert choices_of("analyze", "projection") == choices.AGENT_NETWORKS
    assert choices_of("analyze", "method") == choices.COMMUNITY_METHODS
    assert choices_of("viz", "color_by") == choices.COLOR_BY


@pytest.mark.parametrize(("field", "value", "error", "named"), [
    ("projection", "full", UnknownProjection, "affiliation-projection"),
    ("method", "walktrap", UnknownMethod, "leiden"),
])
def test_a_wrong_name_is_refused_once_when_the_parameters_are_made(field, value, error, named):
    with pytest.raises(error) as caught:
        AnalysisParameters(**{field: value})
    assert isinstance(caught.value, DiasporaKGError) and isinstance(caught.value, ValueError)
    assert named in caught.value.hint and repr(value) in str(caught.value)


def test_the_library_functions_refuse_the_same_way():
    import networkx as nx

    with pytest.raises(UnknownMethod):
        find_coalitions(nx.MultiDiGraph(), method="walktrap")
    with pytest.raises(UnknownProjection, match="'full'"):
        find_coalitions(nx.MultiDiGraph(), projection="full")
    with pytest.raises(ValueError, match="stability_runs"):
        AnalysisParameters(stability_runs=1)
    with pytest.raises(ValueError, match="top"):
        AnalysisParameters(top=0)


def test_the_engine_choice_without_a_server():
    assert choose_engine(AUTO, None) == (DEFAULT_ENGINE, "reading files, not Neo4j")
    assert choose_engine("networkx", None) == ("networkx", "reading files, not Neo4j")
    with pytest.raises(EngineNeedsServer, match="needs Neo4j"):
        choose_engine("gds", None)
    with pytest.raises(UnknownEngine) as caught:
        choose_engine("spark", None)
    assert "networkx, gds, auto" in caught.value.hint


def test_an_engine_runs_on_a_graph_in_hand_and_says_how():
    from graph_loader.ontology.schema import load_schema
    from graph_loader.rdf.sources import from_files

    schema = load_schema()
    G = from_files(None, schema).to_networkx(schema)
    told = []
    result = run_engine(AUTO, GraphSource(graph=G), AnalysisParameters(method="leiden", top=3,
                                                                       actors=ActorSet(include_collectives=True)),
                        write=False, chosen=lambda name, why: told.append((name, why)))
    assert told == [("networkx", "reading files, not Neo4j")]
    assert result.engine == "networkx" and result.written is None and result.graph is G
    assert len(result.brokers) == 3 and result.left_out == 0
    info = result.coalition_info
    assert info.method in ("leiden", "louvain") and info.count == len(result.coalitions) > 0
    assert info.stability is not None and info.stability.runs == 10
    assert result.broker_info.betweenness.method == "exact" and result.broker_info.nodes == info.nodes > 0
