"""benchmarks/shacl_engines.py and its pyrudof adapter (benchmarks/rudof_engine.py) at a small size: rudof's results
are named as our engines name theirs, the feature probes can tell a checked feature from an ignored one, and a
measured run reports CPU time, peak memory and findings. Skipped without pyrudof (``pip install -e '.[bench]'``);
the figures are in benchmarks/RESULTS.md."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pyrudof")

from benchmarks import shacl_engines  # noqa: E402
from benchmarks.rudof_engine import RudofValidator, ntriples  # noqa: E402
from graph_loader.rdf.read import inspect, iter_triples  # noqa: E402
from graph_loader.shacl.compiled import validate_triples  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def rudof() -> RudofValidator:
    return RudofValidator()


@pytest.mark.parametrize("name", ["missing-name.ttl", "federation-member-of-hta.ttl", "two-english-preflabels.ttl",
                                  "topic-not-advocacy-concept.ttl"])
def test_rudof_results_are_named_as_the_compiled_engine_names_them(rudof, name):
    triples = list(iter_triples(inspect(REPO / "tests" / "data" / "invalid" / name)))
    theirs = {(r.focus_node, r.path, r.shape, r.severity) for r in rudof.validate(triples).results}
    ours = {(r.focus_node, r.path, r.shape, r.severity) for r in validate_triples(triples).results}
    assert theirs and theirs == ours


def test_an_example_conforms_for_rudof(rudof):
    triples = list(iter_triples(inspect(REPO / "ontology" / "examples" / "contribution.ttl")))
    assert rudof.validate(triples).violations == []
    assert rudof.validate_ntriples(ntriples(triples)).violations == []


def test_the_feature_probes_tell_a_checked_feature_from_an_ignored_one():
    probes = {feature: (shapes, data) for feature, _, shapes, data in shacl_engines.FEATURES}
    assert shacl_engines._probe_rudof(*probes["sh:qualifiedValueShape + sh:qualifiedMinCount"]) == "yes"
    assert shacl_engines._probe_compiled(*probes["sh:qualifiedValueShape + sh:qualifiedMinCount"]) == "yes"
    assert shacl_engines._probe_compiled(*probes["sh:closed"]) == "left out, with a warning"
    assert shacl_engines._probe_rudof(*probes["SPARQL-based target (sh:target)"]) == "no: ignored silently"


@pytest.mark.parametrize("engine", ["compiled", "pyrudof"])
def test_a_measured_run_reports_cpu_memory_and_findings(tmp_path, engine):
    path = shacl_engines.corpus(1_000, tmp_path, corrupt=True)
    run = shacl_engines.measure(engine, path, timeout=300)
    assert run["error"] is None and not run["timed_out"], run
    assert 0 < run["cpu"] and run["rss"] > 20 * 2**20
    assert len(run["findings"]) > 20 and "validate" in run["phases"]
