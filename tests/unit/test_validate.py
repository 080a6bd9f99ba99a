"""graph_loader.shacl.pyshacl_engine: examples validate, each invalid file fails on its named shape, programme rules
warn without stopping a load, unknown dkg: terms are caught, and reports say where each finding comes from."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from graph_loader.ontology.load import ONTOLOGY_DIR_ENV, ontology_dir, shapes_graph
from graph_loader.shacl.pyshacl_engine import validate

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "ontology" / "examples").glob("*.ttl"))
INVALID = sorted((REPO / "tests" / "data" / "invalid").glob("*.ttl"))

PREFIXES = """
@prefix dkg:  <https://w3id.org/diaspora-kg/ontology#> .
@prefix ex:   <https://example.org/> .
@prefix pc:   <https://w3id.org/diaspora-kg/id/concept/project-category/> .
@prefix rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
"""
UNIDOS = "<https://w3id.org/diaspora-kg/id/programme/unidos-por-la-solidaridad>"


def turtle(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


def unidos_project(total_cost: str = "40000.00", category: str = "water", extra: str = "") -> Graph:
    """A Unidos por la Solidaridad project that keeps every programme rule unless told otherwise."""
    return turtle(f"""
        ex:source a dkg:Source ; skos:prefLabel "Source" .
        ex:ev a dkg:Evidence ; dkg:source ex:source ; dkg:locator "p. 1" .
        {UNIDOS} a dkg:MatchingFundProgramme ; skos:prefLabel "Unidos por la Solidaridad" ; dkg:evidence ex:ev .
        ex:fisdl a dkg:GovernmentAgency ; skos:prefLabel "FISDL" ; dkg:runs {UNIDOS} .
        ex:club a dkg:HometownAssociation ; skos:prefLabel "Club" .
        ex:town a dkg:Municipality ; skos:prefLabel "Town" .
        ex:p a dkg:Project ; skos:prefLabel "Project" ; dkg:inProgramme {UNIDOS} ; dkg:locatedIn ex:town ;
            dkg:totalCostUsd {total_cost} ; dkg:category pc:{category} .
        ex:c a dkg:Contribution ; dkg:contributor ex:club ; dkg:recipient ex:p ; dkg:share 0.20 .
        {extra}
    """)


def expected_shape(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} must start with '# expect: dkg:SomeShape'"
    return first.removeprefix("# expect: ").strip()


def test_there_are_enough_examples_and_invalid_cases():
    assert 5 <= len(EXAMPLES) <= 8
    assert len(INVALID) >= 10


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_validates_cleanly(path):
    report = validate(Graph().parse(path))
    assert report.conforms, report.to_text()
    assert not report.warnings, report.to_text()


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_file_fails_on_the_expected_shape_only(path):
    report = validate(Graph().parse(path))
    assert not report.conforms
    assert {r.shape for r in report.violations} == {expected_shape(path)}, report.to_text()


def test_subclass_instances_are_checked_by_superclass_shapes():
    report = validate(turtle("ex:club a dkg:HometownAssociation ."))
    assert [(r.shape, r.focus_node) for r in report.violations] == [("dkg:AgentShape", "https://example.org/club")]


def test_concepts_of_the_ontology_need_not_be_repeated_in_the_data():
    report = validate(unidos_project())
    assert report.conforms and not report.warnings, report.to_text()


# --- Unidos por la Solidaridad rules: warnings, never violations -------------------------------------------
def test_unidos_project_costing_20000_gives_a_warning_not_a_violation():
    report = validate(unidos_project(total_cost="20000.00"))
    assert report.conforms
    assert [(r.severity, r.shape, r.focus_node) for r in report.results] == [
        ("Warning", "dkg:UnidosMinimumCostRuleShape", "https://example.org/p")
    ]
    assert "30,000" in report.warnings[0].message


def test_cheap_project_of_another_programme_is_not_judged_by_unidos_rules():
    data = turtle("""
        ex:other a dkg:MatchingFundProgramme ; skos:prefLabel "Other" .
        ex:agency a dkg:GovernmentAgency ; skos:prefLabel "Agency" ; dkg:runs ex:other .
        ex:p a dkg:Project ; skos:prefLabel "P" ; dkg:inProgramme ex:other ; dkg:totalCostUsd 100.00 ;
            dkg:category pc:productive .
    """)
    report = validate(data)
    assert not report.results, report.to_text()


@pytest.mark.parametrize(
    ("extra", "shape"),
    [
        ("ex:c2 a dkg:Contribution ; dkg:contributor ex:club ; dkg:recipient ex:p ; dkg:share 0.05 .",
         "dkg:UnidosHtaShareRuleShape"),
        ("ex:p dkg:htaSharePercent 8.4 .", "dkg:UnidosHtaShareRuleShape"),
        ("ex:p dkg:conformsToMunicipalPlan false .", "dkg:UnidosMunicipalPlanRuleShape"),
        ("ex:gov a dkg:MunicipalGovernment ; skos:prefLabel \"Mayor's office\" ; dkg:jurisdiction ex:town ;"
         " dkg:solvent false .", "dkg:UnidosSolventMunicipalityRuleShape"),
        ("ex:p dkg:category pc:productive .", "dkg:UnidosSocialInfrastructureRuleShape"),
    ],
)
def test_each_unidos_rule_warns(extra, shape):
    report = validate(unidos_project(extra=extra))
    assert report.conforms
    assert {r.shape for r in report.warnings} == {shape}, report.to_text()


def test_share_rule_ignores_contributions_from_governments():
    extra = "ex:c2 a dkg:Contribution ; dkg:contributor ex:fisdl ; dkg:recipient ex:p ; dkg:share 0.05 ."
    assert not validate(unidos_project(extra=extra)).results


# --- unknown terms ----------------------------------------------------------------------------------------
def test_unknown_property_is_a_violation_with_a_suggestion():
    data = turtle("""
        ex:fed a dkg:Federation ; skos:prefLabel "Federation" .
        ex:club a dkg:HometownAssociation ; skos:prefLabel "Club" ; dkg:memberof ex:fed .
    """)
    [result] = validate(data).violations
    assert (result.shape, result.focus_node, result.path, result.value) == (
        "dkg:UnknownTerm", "https://example.org/club", "dkg:memberof", "dkg:memberof"
    )
    assert "Did you mean dkg:memberOf?" in result.message


@pytest.mark.parametrize(
    "statement",
    [
        '[] a rdf:Statement ; rdf:subject ex:a ; rdf:predicate dkg:origin ; rdf:object ex:b ; dkg:evidence ex:ev .',
        'ex:rule a dkg:ProgrammeRule ; dkg:ruleText "r" ; dkg:minimumValue 1.0 ;'
        ' dkg:constrainsMeasure "https://w3id.org/diaspora-kg/ontology#htaShare"^^xsd:anyURI .',
    ],
    ids=["reified-predicate", "anyURI-literal"],
)
def test_unknown_terms_are_found_outside_predicate_position(statement):
    data = turtle("""
        ex:a a dkg:HometownAssociation ; skos:prefLabel "A" .
        ex:b a dkg:Municipality ; skos:prefLabel "B" .
        ex:src a dkg:Source ; skos:prefLabel "S" .
        ex:ev a dkg:Evidence ; dkg:source ex:src ; dkg:locator "p. 1" .
    """ + statement)
    assert {r.shape for r in validate(data).violations} == {"dkg:UnknownTerm"}


# --- reports ----------------------------------------------------------------------------------------------
def test_missing_evidence_warns_only_for_corpus_resources():
    data = turtle("""
        <https://w3id.org/diaspora-kg/id/org/club> a dkg:HometownAssociation ; skos:prefLabel "Club" .
        ex:other a dkg:HometownAssociation ; skos:prefLabel "Other" .
    """)
    report = validate(data)
    assert report.conforms
    assert [(r.shape, r.focus_node) for r in report.warnings] == [
        ("dkg:EvidenceRecommendedShape", "https://w3id.org/diaspora-kg/id/org/club")
    ]


def test_origins_name_the_file_of_each_focus_node():
    data = turtle("ex:a a dkg:HometownAssociation . ex:b a dkg:HometownAssociation .")
    report = validate(data, origins={"https://example.org/a": "data/seed/a.ttl"})
    assert sorted((r.focus_node, r.source_file) for r in report.violations) == [
        ("https://example.org/a", "data/seed/a.ttl"),
        ("https://example.org/b", None),
    ]


def test_report_serialises_to_json_and_text():
    data = turtle("""
        ex:club a dkg:HometownAssociation ; skos:prefLabel "Club" .
        ex:p a dkg:Project ; skos:prefLabel "P" .
        ex:c a dkg:Contribution ; dkg:contributor ex:club ; dkg:recipient ex:p ; dkg:share 1.5 .
    """)
    report = validate(data, origins={"https://example.org/c": "c.ttl"})
    rows = json.loads(json.dumps(report.to_json()))
    assert rows == [{
        "severity": "Violation", "focus_node": "https://example.org/c", "path": "dkg:share", "value": "1.5",
        "message": "dkg:share is a fraction between 0 and 1 (write 0.25, not 25).", "shape": "dkg:ShareShape",
        "source_file": "c.ttl",
    }]
    text = report.to_text()
    assert text.startswith("Does not conform: 1 violation(s), 0 warning(s)")
    assert "dkg:ShareShape (1)" in text and "[c.ttl]" in text


def test_validation_does_not_modify_the_data():
    data = unidos_project()
    before = len(data)
    validate(data)
    assert len(data) == before


def test_ontology_folder_can_be_overridden(tmp_path, monkeypatch):
    for name in ("diaspora.ttl", "concepts.ttl", "shapes.ttl"):
        shutil.copy(ontology_dir() / name, tmp_path / name)
    with (tmp_path / "shapes.ttl").open("a", encoding="utf-8") as shapes:
        shapes.write("\ndkg:ExtraShape a sh:NodeShape ; sh:targetClass dkg:Person ; sh:property"
                     ' [ sh:path dkg:description ; sh:minCount 1 ; sh:message "extra" ] ;'
                     ' sh:message "extra" ; rdfs:comment "test" .\n')
    monkeypatch.setenv(ONTOLOGY_DIR_ENV, str(tmp_path))
    assert ontology_dir() == tmp_path
    assert len(shapes_graph()) > 0
    report = validate(turtle('ex:x a dkg:Person ; skos:prefLabel "X" .'))
    assert {r.shape for r in report.violations} == {"dkg:ExtraShape"}
