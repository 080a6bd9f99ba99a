"""graph_loader.shacl.compiled finds what pySHACL finds (graph_loader.shacl.pyshacl_engine), much faster, and says
which shapes it cannot compile."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rdflib import Graph

from graph_loader.model import Lit
from graph_loader.ontology.load import ontology_graph
from graph_loader.rdf.read import expand_paths, inspect, iter_triples, to_rdflib
from graph_loader.rdf.synth import synthetic_triples
from graph_loader.shacl.compiled import FastValidator, canonical, facts, validate_triples
from graph_loader.shacl.pyshacl_engine import validate

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "ontology" / "examples").glob("*.ttl"))
INVALID = sorted((REPO / "tests" / "data" / "invalid").glob("*.ttl"))
DATA = [p for p in expand_paths([REPO / "data"]) if p.suffix == ".ttl"] if (REPO / "data").is_dir() else []
DKG = "https://w3id.org/diaspora-kg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def findings(report) -> set[tuple]:
    return {(r.focus_node, r.path, r.shape, r.severity) for r in report.results}


def assert_same_as_pyshacl(triples: list) -> set[tuple]:
    expected = findings(validate(to_rdflib(triples)))
    assert findings(validate_triples(triples)) == expected
    return expected


@pytest.mark.parametrize("path", EXAMPLES + INVALID, ids=lambda p: p.name)
def test_same_findings_as_pyshacl_on_each_file(path):
    found = assert_same_as_pyshacl(list(iter_triples(inspect(path))))
    if path in INVALID:
        assert found, f"{path.name} should break a shape"


@pytest.mark.skipif(not DATA, reason="no corpus in data/")
def test_same_findings_as_pyshacl_on_the_corpus_loaded_together():
    assert_same_as_pyshacl([t for path in DATA for t in iter_triples(inspect(path))])


def corrupted(triples: list, seed: int) -> list:
    """The triples with about 8 % of them dropped, redirected, retyped, mistyped or duplicated."""
    rng = random.Random(seed)
    subjects = [s for s, _, _ in triples]
    classes = [o for _, p, o in triples if p.endswith("#type")]
    out = []
    for s, p, o in triples:
        roll = rng.random()
        if roll < 0.03:
            continue
        if roll < 0.05:
            o = rng.choice(subjects)
        elif roll < 0.06 and isinstance(o, Lit):
            o = Lit(rng.choice(["-5", "abc", "1e3", "95", "0.5", "2001-13-01", "true", "01", "1.50"]),
                    rng.choice([None, XSD + "decimal", XSD + "integer", XSD + "gYear", XSD + "boolean", XSD + "date"]))
        elif roll < 0.07 and p.endswith("#type"):
            o = rng.choice(classes)
        elif roll < 0.075:
            p = rng.choice([DKG + "memberOf", DKG + "partOf", DKG + "share", DKG + "isoCode", DKG + "unknownThing",
                            DKG + "governmentLevel", SKOS + "prefLabel"])
        elif roll < 0.08:
            out.append((s, SKOS + "prefLabel", Lit("again", None, "en")))
        out.append((s, p, o))
    return out


@pytest.mark.parametrize("seed", [0, 1])
def test_same_findings_as_pyshacl_on_a_corrupted_synthetic_corpus(seed):
    found = assert_same_as_pyshacl(corrupted(list(synthetic_triples(2_500, seed=seed)), seed))
    shapes = {shape for _, _, shape, _ in found}
    assert len(found) > 100 and len(shapes) > 15  # the corruption reaches many kinds of constraint


def test_literals_are_normalised_and_judged_as_rdflib_does():
    assert canonical(Lit("01", XSD + "integer")) == Lit("1", XSD + "integer")
    # "1e3" is no xsd:decimal (XSD has no exponent for decimals; graph_loader.rdf.xsd): kept as written, ill-typed.
    assert canonical(Lit("1e3", XSD + "decimal")) == Lit("1e3", XSD + "decimal")
    assert facts(Lit("1e3", XSD + "decimal")).ill_typed is True
    assert canonical(Lit("1.50", XSD + "decimal")) == Lit("1.50", XSD + "decimal")
    assert canonical(Lit("1", XSD + "boolean")) == Lit("true", XSD + "boolean")
    assert facts(Lit("abc", XSD + "integer")).ill_typed is True
    assert facts(Lit("1995", XSD + "gYear")).ill_typed is None


SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
@prefix dkg: <https://w3id.org/diaspora-kg/ontology#> .
ex:Sparql a sh:NodeShape ; sh:targetClass dkg:Agent ;
    sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o }" ] .
ex:Closed a sh:NodeShape ; sh:targetClass dkg:Agent ; sh:closed true .
ex:Off a sh:NodeShape ; sh:targetClass dkg:Agent ; sh:deactivated true ;
    sh:property [ sh:path dkg:acronym ; sh:minCount 1 ] .
ex:Named a sh:NodeShape ; sh:targetClass dkg:Agent ;
    sh:property [ sh:path dkg:acronym ; sh:minCount 1 ] .
"""


def test_shapes_it_cannot_compile_are_reported_not_skipped_silently():
    shapes = Graph().parse(data=SHAPES, format="turtle")
    with pytest.warns(UserWarning, match="leaves out"):
        validator = FastValidator(shapes, ontology_graph())
    assert {(u.shape, u.feature) for u in validator.unsupported_shapes()} == {
        ("https://example.org/Sparql", "sh:sparql"), ("https://example.org/Closed", "sh:closed")}
    agent = [("https://example.org/a", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", DKG + "HometownAssociation")]
    report = validator.validate(agent)
    assert {(r.shape, r.path) for r in report.results} == {("https://example.org/Named", "dkg:acronym")}


def test_the_project_shapes_compile_whole():
    assert FastValidator().unsupported_shapes() == []


def test_results_name_their_source_file():
    triples = [("https://example.org/hta", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                DKG + "HometownAssociation")]
    (result,) = validate_triples(triples, origins={"https://example.org/hta": "in.ttl"}).results
    assert result.source_file == "in.ttl" and result.shape == "dkg:AgentShape"
