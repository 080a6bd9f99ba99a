"""RDF -> property-graph rows, checked on a tiny ontology written here (independent of ontology/)."""

from __future__ import annotations

import pytest
from rdflib import Graph

from graph_loader.merge import derive_names, merge_props
from graph_loader.model import fold
from graph_loader.ontology.schema import schema_from_graph, upper_snake
from graph_loader.rdf.mapping import GENID, TIE_PREFIX, map_triples
from graph_loader.rdf.read import from_rdflib

PREFIXES = """
@prefix dkg: <https://w3id.org/diaspora-kg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .
"""
MINI_ONTOLOGY = PREFIXES + """
dkg:Organisation a owl:Class ; dkg:vizColor "#0072B2" ; dkg:vizShape "dot" .
dkg:DiasporaOrganisation a owl:Class ; rdfs:subClassOf dkg:Organisation .
dkg:HometownAssociation a owl:Class ; rdfs:subClassOf dkg:DiasporaOrganisation ; dkg:vizShape "triangle" ;
    dkg:vizColor "#E69F00" .
dkg:Federation a owl:Class ; rdfs:subClassOf dkg:DiasporaOrganisation .
dkg:Place a owl:Class .
dkg:Municipality a owl:Class ; rdfs:subClassOf dkg:Place .
dkg:Project a owl:Class .
dkg:Evidence a owl:Class .
dkg:Contribution a owl:Class ; dkg:asRelationship true ; dkg:relationshipSource dkg:contributor ;
    dkg:relationshipTarget dkg:recipient ; dkg:neo4jType "FUNDS" .
dkg:memberOf a owl:ObjectProperty .
dkg:originatesFrom a owl:ObjectProperty .
dkg:partnersWith a owl:ObjectProperty, owl:SymmetricProperty .
dkg:contributor a owl:ObjectProperty .
dkg:recipient a owl:ObjectProperty .
dkg:evidence a owl:ObjectProperty ; dkg:neo4jStoreAs "uriList" .
dkg:category a owl:ObjectProperty ; dkg:neo4jType "IN_CATEGORY" .
dkg:acronym a owl:DatatypeProperty ; rdfs:range xsd:string .
dkg:amountUsd a owl:DatatypeProperty ; rdfs:range xsd:decimal .
dkg:share a owl:DatatypeProperty ; rdfs:range xsd:decimal .
dkg:year a owl:DatatypeProperty ; rdfs:range xsd:gYear .
dkg:memberCount a owl:DatatypeProperty ; rdfs:range xsd:integer .
dkg:unnamed a owl:DatatypeProperty ; rdfs:range xsd:boolean .
dkg:description a owl:DatatypeProperty ; rdfs:range xsd:string .
"""
DATA = PREFIXES + """
ex:fed a dkg:Federation ; skos:prefLabel "Federación de Clubes Michoacanos en Illinois"@es ;
    dkg:acronym "FEDECMI" ; dkg:evidence ex:ev1 .
ex:hta a dkg:HometownAssociation ; skos:prefLabel "Club Monte Escobedo"@es, "Monte Escobedo Club"@en ;
    skos:altLabel "CME" ; dkg:memberCount 10 ; dkg:unnamed false ;
    dkg:description "first line"@en, "primera línea"@es, "segunda línea"@es ;
    dkg:memberOf ex:fed ; dkg:originatesFrom ex:town ; dkg:evidence ex:ev1, ex:ev2 .
ex:town a dkg:Municipality ; rdfs:label "Monte Escobedo" .
ex:other a dkg:HometownAssociation ; skos:prefLabel "Other" ; dkg:partnersWith ex:hta .
ex:hta dkg:partnersWith ex:other .
[] a rdf:Statement ; rdf:subject ex:hta ; rdf:predicate dkg:memberOf ; rdf:object ex:fed ; dkg:evidence ex:ev2 .
ex:c1 a dkg:Contribution ; dkg:contributor ex:hta ; dkg:recipient ex:proj ; dkg:amountUsd 99000.50 ;
    dkg:share 0.09 ; dkg:year "2003"^^xsd:gYear ; dkg:evidence ex:ev1 .
ex:proj a dkg:Project ; skos:prefLabel "School" ; dkg:category ex:schools .
ex:ev1 a dkg:Evidence ; skos:prefLabel "e1" .
ex:ev2 a dkg:Evidence ; skos:prefLabel "e2" .
ex:untyped <https://schema.org/foo> "bar" .
[ a dkg:Project ; skos:prefLabel "anonymous project" ] .
"""


@pytest.fixture(scope="module")
def schema():
    return schema_from_graph(Graph().parse(data=MINI_ONTOLOGY, format="turtle"))


@pytest.fixture(scope="module")
def mapped(schema):
    return map_triples(from_rdflib(Graph().parse(data=DATA, format="turtle")), schema)


def test_labels_include_superclasses_most_specific_first(mapped):
    assert mapped.nodes["https://example.org/hta"].labels == (
        "HometownAssociation", "DiasporaOrganisation", "Organisation", "Resource")
    assert mapped.nodes["https://example.org/town"].labels == ("Municipality", "Place", "Resource")


def test_relationship_types_from_property_names(schema):
    assert upper_snake("originatesFrom") == "ORIGINATES_FROM"
    # n-ary endpoint properties (contributor, recipient) never become relationships of their own
    assert schema.relationship_types == {"MEMBER_OF", "ORIGINATES_FROM", "PARTNERS_WITH", "IN_CATEGORY", "FUNDS"}


def test_direct_tie_carries_reified_evidence(mapped):
    ties = [r for r in mapped.relationships.values() if r.type == "MEMBER_OF"]
    assert len(ties) == 1
    assert ties[0].uri.startswith(TIE_PREFIX)
    assert (ties[0].start, ties[0].end) == ("https://example.org/hta", "https://example.org/fed")
    assert ties[0].evidence == ["https://example.org/ev2"]


def test_symmetric_tie_is_stored_once(mapped):
    partners = [r for r in mapped.relationships.values() if r.type == "PARTNERS_WITH"]
    assert len(partners) == 1


def test_nary_class_becomes_relationship_with_properties(mapped):
    funds = mapped.relationships["https://example.org/c1"]
    assert funds.type == "FUNDS"
    assert (funds.start, funds.end) == ("https://example.org/hta", "https://example.org/proj")
    assert funds.props == {"amountUsd": 99000.5, "share": 0.09, "year": 2003}
    assert funds.evidence == ["https://example.org/ev1"]
    assert "https://example.org/c1" not in mapped.nodes


def test_literals_keep_types_languages_and_multiple_values(mapped):
    props = mapped.nodes["https://example.org/hta"].props
    assert props["memberCount"] == 10 and props["unnamed"] is False
    assert props["description_en"] == "first line"
    assert props["description_es"] == ["primera línea", "segunda línea"]
    assert props["description"] == "first line"  # display value: English when there is no untagged value
    assert props["prefLabel_es"] == "Club Monte Escobedo" and props["prefLabel_en"] == "Monte Escobedo Club"


def test_names_are_derived_and_folded(mapped):
    fed = mapped.nodes["https://example.org/fed"].props
    assert fed["name"] == "Federación de Clubes Michoacanos en Illinois"
    assert fed["acronyms"] == ["FEDECMI"] and "FEDECMI" in fed["altNames"]
    assert "federacion de clubes michoacanos en illinois" in fed["nameKeys"]
    hta = mapped.nodes["https://example.org/hta"].props
    assert hta["name"] == "Monte Escobedo Club"  # English preferred label first, Spanish kept as alternative
    assert set(hta["altNames"]) == {"Club Monte Escobedo", "CME"}


def test_node_evidence_is_a_uri_list_not_a_relationship(mapped):
    assert mapped.nodes["https://example.org/hta"].evidence == ["https://example.org/ev1",
                                                                   "https://example.org/ev2"]
    assert not any(r.type == "EVIDENCE" for r in mapped.relationships.values())


def test_nothing_is_dropped(mapped):
    untyped = mapped.nodes["https://example.org/untyped"]
    assert untyped.labels == ("Resource",) and untyped.props["schema__foo"] == "bar"
    assert mapped.prefixes["schema"] == "https://schema.org/"
    blank = [n for n in mapped.nodes if n.startswith(GENID)]
    assert len(blank) == 1 and mapped.nodes[blank[0]].props["name"] == "anonymous project"
    # An IRI used only as an object (ex:schools) is not invented as a node by the mapping.
    assert "https://example.org/schools" not in mapped.nodes


def test_merge_props_never_overwrites():
    assert merge_props({"a": 1}, {"a": 2}) == {"a": [1, 2]}
    assert merge_props({"a": [1, 2]}, {"a": 2}) == {"a": [1, 2]}


def test_fold_ignores_case_and_accents():
    assert fold("CABAÑAS") == fold("cabanas") == "cabanas"
    assert derive_names({}, "https://example.org/x/some-thing")["name"] == "some-thing"


def test_styles_inherit_from_nearest_styled_class(schema):
    styles = schema.styles()
    assert styles["HometownAssociation"] == {"color": "#E69F00", "shape": "triangle"}
    assert styles["Federation"] == {"color": "#0072B2", "shape": "dot"}
