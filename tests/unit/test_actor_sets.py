"""The actors the analyst means: organisations and people by default, collectives only when asked for."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from graph_loader.analysis.actors import EVERY_AGENT, ActorSet
from graph_loader.cli import main
from graph_loader.engines.networkx import analyse
from graph_loader.ontology.schema import load_schema
from graph_loader.rdf.sources import from_files


@pytest.fixture(scope="module")
def seed_graph():
    schema = load_schema()
    return from_files(None, schema).to_networkx(schema)


def _collective(G, uri) -> bool:
    return "Collective" in G.nodes[uri]["labels"]


def test_by_default_no_collective_is_ranked_or_grouped(seed_graph):
    every = analyse(seed_graph, actors=EVERY_AGENT)
    assert _collective(seed_graph, every.brokers[0]["uri"])  # the aggregate that topped the ranking
    result = analyse(seed_graph)
    assert result.brokers and not any(_collective(seed_graph, r["uri"]) for r in result.brokers)
    members = [m["uri"] for c in result.coalitions for m in c["members"]]
    assert members and not any(_collective(seed_graph, uri) for uri in members)
    collectives = sum(1 for _, d in seed_graph.nodes(data=True) if "Collective" in d.get("labels", ()))
    assert result.left_out == collectives > 0
    assert result.broker_info.actors.label == "organisations and people (collectives left out)"


def test_unnamed_single_actors_stay_and_are_flagged(seed_graph):
    rows = {r["uri"]: r for r in analyse(seed_graph).brokers}
    unnamed = {uri for uri, r in rows.items() if r["unnamed"]}
    assert unnamed and all(seed_graph.nodes[uri]["unnamed"] for uri in unnamed)
    assert "https://w3id.org/diaspora-kg/id/org/sv-embassy" in unnamed  # "the embassy of El Salvador"


def test_kinds_choose_classes_with_their_subclasses(seed_graph):
    result = analyse(seed_graph, actors=ActorSet(kinds=("PublicBody",)))
    assert result.brokers and all("PublicBody" in seed_graph.nodes[r["uri"]]["labels"] for r in result.brokers)
    # a collective of municipal governments is a PublicBody too, and stays out unless asked for
    assert not any(_collective(seed_graph, r["uri"]) for r in result.brokers)
    with_them = analyse(seed_graph, actors=ActorSet(kinds=("PublicBody",), include_collectives=True))
    assert any(_collective(seed_graph, r["uri"]) for r in with_them.brokers)


def test_the_command_says_which_actors_and_the_csv_carries_it():
    run = CliRunner().invoke(main, ["analyze", "brokers", "--offline", "--top", "3", "--format", "csv"])
    assert run.exit_code == 0, run.output
    assert "Actors: organisations and people (collectives left out); 36 agents left out" in run.output
    header, *rows = [line for line in run.stdout.splitlines() if line]
    assert header.split(",")[-1] == "actor_set" and "unnamed" in header.split(",")
    assert len(rows) == 3 and all(r.endswith("organisations and people (collectives left out)") for r in rows)
    run = CliRunner().invoke(main, ["analyze", "brokers", "--offline", "--include-collectives", "--format", "json"])
    assert run.exit_code == 0 and '"actor_set": "every actor, collectives included"' in run.stdout


def test_an_unknown_kind_is_a_usage_error_listing_the_kinds():
    run = CliRunner().invoke(main, ["analyze", "brokers", "--offline", "--kinds", "Federation,Place"])
    assert run.exit_code == 2 and "Place is not a kind of agent" in run.output and "HometownAssociation" in run.output
    assert "Traceback" not in run.output
