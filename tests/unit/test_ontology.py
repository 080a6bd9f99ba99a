"""The ontology is complete (contract terms, labels, definitions, mapping annotations, styles, shapes) and the
files generated from it (vocab.py, range shapes, currency list, README diagram) are in sync."""

from __future__ import annotations

import re

import pycountry
import pytest
from rdflib import Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from graph_loader.ontology import generate
from graph_loader.ontology.load import defined_terms, ontology_dir, ontology_graph, shapes_graph
from graph_loader.ontology.terms import DKG, DKGID
from graph_loader.ontology.terms import DKG_NS as DKG_NAMESPACE

# The "Core terms" of docs/architecture.md: they may be extended, never renamed.
CORE_CLASSES = """
Agent Organisation DiasporaOrganisation HometownAssociation Federation UmbrellaGroup HomeCommunityCommittee
PublicBody Government NationalGovernment StateGovernment MunicipalGovernment Ministry GovernmentAgency Consulate
Embassy Board InternationalOrganisation PartnerOrganisation NGO ReligiousOrganisation ResearchInstitute
FinancialInstitution Business Person Collective Place Country AdministrativeArea Municipality Locality City
WorldRegion Programme MatchingFundProgramme OutreachProgramme InvestmentProgramme DevelopmentProgramme Project
Event Publication Policy Source Evidence ProgrammeRule StatisticalTable Observation ProjectCategory AdvocacyTopic
PolicyTopic Membership Contribution Demand Lobbying Mobilisation
""".split()
CORE_OBJECT_PROPERTIES = """
memberOf subOrganisationOf mergedInto createdBy runs coRuns partnersWith funds locatedIn originatesFrom partOf
homeCountry inProgramme beneficiary heads advises appointedBy electedBy executiveArmOf organises publishes adopts
concerns cites author hasRule category dataSet refArea about reportedBy evidence source member organisation
contributor recipient actor target topic restates
""".split()
CORE_DATATYPE_PROPERTIES = """
acronym unnamed description governmentLevel foundedYear memberCount role startYear endYear year amount currency
amountUsd share inKind isoCode locator quote url homepage publicationDate title bibliographicCitation rowLabel
rowIndex isTotal refYear stipend projectCount municipalityCount peopleBenefited htaDonationUsd governmentFundsUsd
totalCostUsd averageCostUsd htaSharePercent governmentSharePercent value unit approximation quantity note ruleText
ruleLabel minimumValue maximumValue constrainsMeasure measure
""".split()
MAPPING_ANNOTATIONS = """
neo4jLabel neo4jType asRelationship relationshipSource relationshipTarget vizColor vizShape neo4jStoreAs
""".split()

N_ARY = {
    "Membership": ("member", "organisation", "MEMBER_OF"),
    "Contribution": ("contributor", "recipient", "FUNDS"),
    "Demand": ("actor", "target", "DEMANDS"),
    "Lobbying": ("actor", "target", "LOBBIES"),
    "Mobilisation": ("actor", "target", "MOBILISES"),
    "Registration": ("registrant", "registrar", "REGISTERED_WITH"),  # a consulate's toma de nota (issue 27)
}
VIS_SHAPES = {"dot", "box", "diamond", "triangle", "triangleDown", "star", "square", "ellipse", "hexagon"}
CONCEPT = "https://w3id.org/diaspora-kg/id/concept/"
REQUIRED_CONCEPTS = {
    "project-category": "infrastructure recreation health schools water productive culture religious social-infrastructure",
    "advocacy-topic": "dual-citizenship voting-from-abroad legislative-representation us-legislation migrant-rights "
    "assistance remittances home-country-politics",
}
SCHEME_CLASS = {"project-category": "ProjectCategory", "advocacy-topic": "AdvocacyTopic", "policy-topic": "PolicyTopic"}

ONTOLOGY = ontology_graph()
ALL_TERMS = sorted(str(t)[len(DKG_NAMESPACE):] for t in defined_terms(ONTOLOGY))


def xsd(name: str) -> URIRef:
    # Not rdflib's XSD object at module level: pytest's doctest collection probes it and rdflib warns.
    return URIRef("http://www.w3.org/2001/XMLSchema#" + name)


def dkg(name: str) -> URIRef:
    return URIRef(DKG_NAMESPACE + name)


def upper_snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper()


def range_members(node) -> set:
    union = ONTOLOGY.value(node, OWL.unionOf)
    return set(Collection(ONTOLOGY, union)) if union is not None else {node}


@pytest.mark.parametrize(
    ("name", "kind"),
    [(n, OWL.Class) for n in CORE_CLASSES]
    + [(n, OWL.ObjectProperty) for n in CORE_OBJECT_PROPERTIES]
    + [(n, OWL.DatatypeProperty) for n in CORE_DATATYPE_PROPERTIES]
    + [(n, OWL.AnnotationProperty) for n in MAPPING_ANNOTATIONS],
)
def test_contract_term_is_defined_with_its_kind(name, kind):
    assert (dkg(name), RDF.type, kind) in ONTOLOGY


def test_core_class_hierarchy_follows_the_contract():
    expected = {
        "HometownAssociation": "DiasporaOrganisation", "Federation": "DiasporaOrganisation",
        "DiasporaOrganisation": "Organisation", "Organisation": "Agent", "GovernmentAgency": "PublicBody",
        "NationalGovernment": "Government", "Government": "PublicBody", "NGO": "PartnerOrganisation",
        "Municipality": "Place", "MatchingFundProgramme": "Programme",
    }
    for child, parent in expected.items():
        assert (dkg(child), RDFS.subClassOf, dkg(parent)) in ONTOLOGY, child


@pytest.mark.parametrize("name", ALL_TERMS)
def test_term_has_english_and_spanish_label_and_english_definition(name):
    labels = {lab.language for lab in ONTOLOGY.objects(dkg(name), RDFS.label)}
    definitions = [d for d in ONTOLOGY.objects(dkg(name), SKOS.definition) if d.language == "en" and len(d) > 10]
    assert {"en", "es"} <= labels
    assert definitions


def test_ontology_header():
    header = URIRef("https://w3id.org/diaspora-kg/ontology")
    assert (header, RDF.type, OWL.Ontology) in ONTOLOGY
    predicates = {str(p).rsplit("/", 1)[-1].rsplit("#", 1)[-1] for p in ONTOLOGY.predicates(header)}
    assert {"versionInfo", "title", "description", "license", "created"} <= predicates
    assert ONTOLOGY.value(header, URIRef("http://purl.org/dc/terms/license")) == URIRef(
        "https://opensource.org/licenses/MIT"
    )


def test_alignment_with_w3c_vocabularies():
    org, qb = "http://www.w3.org/ns/org#", "http://purl.org/linked-data/cube#"
    assert (dkg("Organisation"), RDFS.subClassOf, URIRef(org + "Organization")) in ONTOLOGY
    assert (dkg("Membership"), RDFS.subClassOf, URIRef(org + "Membership")) in ONTOLOGY
    assert (dkg("memberOf"), RDFS.subPropertyOf, URIRef(org + "memberOf")) in ONTOLOGY
    assert (dkg("subOrganisationOf"), RDFS.subPropertyOf, URIRef(org + "subOrganizationOf")) in ONTOLOGY
    assert (dkg("StatisticalTable"), RDFS.subClassOf, URIRef(qb + "DataSet")) in ONTOLOGY
    assert (dkg("Observation"), RDFS.subClassOf, URIRef(qb + "Observation")) in ONTOLOGY
    assert (dkg("dataSet"), RDFS.subPropertyOf, URIRef(qb + "dataSet")) in ONTOLOGY
    assert (dkg("Evidence"), RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Entity")) in ONTOLOGY


@pytest.mark.parametrize("name", sorted(N_ARY))
def test_n_ary_class_is_a_complete_relationship(name):
    source, target, rel_type = N_ARY[name]
    cls = dkg(name)
    assert ONTOLOGY.value(cls, dkg("asRelationship")) == Literal(True)
    assert ONTOLOGY.value(cls, dkg("relationshipSource")) == dkg(source)
    assert ONTOLOGY.value(cls, dkg("relationshipTarget")) == dkg(target)
    assert str(ONTOLOGY.value(cls, dkg("neo4jType"))) == rel_type
    for endpoint in (source, target):
        assert (dkg(endpoint), RDF.type, OWL.ObjectProperty) in ONTOLOGY
        assert cls in range_members(ONTOLOGY.value(dkg(endpoint), RDFS.domain))


def test_only_the_six_n_ary_classes_become_relationships():
    assert {str(c)[len(DKG_NAMESPACE):] for c in ONTOLOGY.subjects(dkg("asRelationship"), Literal(True))} == set(N_ARY)


def test_partners_with_is_symmetric():
    assert (dkg("partnersWith"), RDF.type, OWL.SymmetricProperty) in ONTOLOGY


@pytest.mark.parametrize(
    ("prop", "rel_type"),
    [("beneficiary", "BENEFITS"), ("category", "IN_CATEGORY"), ("dataSet", "IN_DATASET"), ("source", "QUOTED_FROM")],
)
def test_relationship_type_overrides(prop, rel_type):
    assert str(ONTOLOGY.value(dkg(prop), dkg("neo4jType"))) == rel_type


def test_neo4j_type_on_properties_only_where_it_differs_from_the_default():
    for prop in ONTOLOGY.subjects(RDF.type, OWL.ObjectProperty):
        override = ONTOLOGY.value(prop, dkg("neo4jType"))
        if override is not None:
            assert str(override) != upper_snake(str(prop)[len(DKG_NAMESPACE):]), prop


def test_evidence_is_stored_as_a_uri_list():
    assert (dkg("evidence"), RDF.type, OWL.ObjectProperty) in ONTOLOGY
    assert str(ONTOLOGY.value(dkg("evidence"), dkg("neo4jStoreAs"))) == "uriList"


def test_datatype_properties_declare_their_range():
    expected = {
        "amount": xsd("decimal"), "amountUsd": xsd("decimal"), "share": xsd("decimal"), "totalCostUsd": xsd("decimal"),
        "htaSharePercent": xsd("decimal"), "foundedYear": xsd("gYear"), "year": xsd("gYear"), "refYear": xsd("gYear"),
        "memberCount": xsd("integer"), "projectCount": xsd("integer"), "peopleBenefited": xsd("integer"),
        "unnamed": xsd("boolean"), "inKind": xsd("boolean"), "isTotal": xsd("boolean"), "currency": xsd("string"),
        "url": xsd("anyURI"), "publicationDate": xsd("date"),
    }
    for name, datatype in expected.items():
        assert ONTOLOGY.value(dkg(name), RDFS.range) == datatype, name
    for prop in ONTOLOGY.subjects(RDF.type, OWL.DatatypeProperty):
        range_ = ONTOLOGY.value(prop, RDFS.range)
        assert range_ is not None and (str(range_).startswith(str(xsd(""))) or range_ == RDF.PlainLiteral), prop


def test_visual_styles_are_well_formed():
    styled = set(ONTOLOGY.subjects(dkg("vizColor"), None))
    assert len(styled) >= 20
    for cls in styled:
        assert re.fullmatch(r"#[0-9A-F]{6}", str(ONTOLOGY.value(cls, dkg("vizColor")))), cls
        assert str(ONTOLOGY.value(cls, dkg("vizShape"))) in VIS_SHAPES, cls
    assert set(ONTOLOGY.subjects(dkg("vizShape"), None)) == styled
    for name in ("HometownAssociation", "Federation", "GovernmentAgency", "Project", "Programme", "Place", "Person"):
        assert dkg(name) in styled or any(
            p in styled for p in ONTOLOGY.transitive_objects(dkg(name), RDFS.subClassOf)
        ), name


# --- concept schemes --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("scheme", "slug"), [(scheme, slug) for scheme, slugs in REQUIRED_CONCEPTS.items() for slug in slugs.split()]
)
def test_required_concept_exists(scheme, slug):
    assert (URIRef(f"{CONCEPT}{scheme}/{slug}"), RDF.type, SKOS.Concept) in ONTOLOGY


def test_every_concept_is_typed_labelled_defined_and_in_its_scheme():
    concepts = set(ONTOLOGY.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) >= 20
    for concept in concepts:
        scheme = str(concept)[len(CONCEPT):].split("/")[0]
        assert (concept, RDF.type, dkg(SCHEME_CLASS[scheme])) in ONTOLOGY, concept
        assert (concept, SKOS.inScheme, DKGID[f"scheme/{scheme}"]) in ONTOLOGY, concept
        assert {lab.language for lab in ONTOLOGY.objects(concept, SKOS.prefLabel)} >= {"en", "es"}, concept
        assert ONTOLOGY.value(concept, SKOS.definition) is not None, concept


def test_social_infrastructure_excludes_productive_projects():
    broader = URIRef(CONCEPT + "project-category/social-infrastructure")
    assert (URIRef(CONCEPT + "project-category/water"), SKOS.broader, broader) in ONTOLOGY
    assert (URIRef(CONCEPT + "project-category/productive"), SKOS.broader, broader) not in ONTOLOGY


# --- shapes -----------------------------------------------------------------------------------------------
SHAPES = shapes_graph()


@pytest.mark.parametrize("cls", sorted(t for t in ALL_TERMS if (dkg(t), RDF.type, OWL.Class) in ONTOLOGY))
def test_every_class_has_its_shape(cls):
    assert (dkg(f"{cls}Shape"), SH.targetClass, dkg(cls)) in SHAPES


def test_named_shapes_have_a_message_and_a_comment():
    named = {s for t in (SH.NodeShape, SH.PropertyShape) for s in SHAPES.subjects(RDF.type, t) if isinstance(s, URIRef)}
    assert len(named) > 150
    for shape in named:
        assert SHAPES.value(shape, SH.message) is not None, shape
        assert SHAPES.value(shape, RDFS.comment) is not None, shape


def test_nested_property_shapes_with_constraints_have_messages():
    for owner, prop_shape in SHAPES.subject_objects(SH.property):
        if isinstance(owner, URIRef):
            assert SHAPES.value(prop_shape, SH.message) is not None, owner


def test_currency_list_is_pycountry_iso_4217():
    in_list = SHAPES.value(dkg("CurrencyShape"), SH["in"])
    assert {str(code) for code in Collection(SHAPES, in_list)} == {c.alpha_3 for c in pycountry.currencies}


def test_programme_rules_are_warnings():
    rules = [s for s in SHAPES.subjects(RDF.type, SH.NodeShape) if str(s).startswith(DKG_NAMESPACE + "Unidos")]
    assert len(rules) == 5
    for rule in rules:
        assert SHAPES.value(rule, SH.severity) == SH.Warning, rule


# --- generated files --------------------------------------------------------------------------------------
def test_generated_files_are_in_sync_with_the_ontology():
    stale = [p.name for p, text in generate.generated_files().items() if p.read_text(encoding="utf-8") != text]
    assert not stale, f"run `python -m graph_loader.ontology.generate` to regenerate {stale}"


def test_vocab_module_matches_render():
    assert generate.TERMS_PATH.read_text(encoding="utf-8") == generate.render()


def test_readme_diagram_is_the_generated_one():
    readme = (ontology_dir() / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- diagram:start -->\n", 1)[1].split("<!-- diagram:end -->", 1)[0]
    assert block == generate.render_diagram()
    assert "DiasporaOrganisation <|-- HometownAssociation" in block
    assert "Agent --> Organisation : Membership as MEMBER_OF" in block
    assert "Place --> Place : partOf" in block


def test_vocab_terms_resolve_and_unknown_terms_raise():
    assert DKG.memberOf == URIRef(DKG_NAMESPACE + "memberOf")
    assert DKG.HometownAssociation in ONTOLOGY.subjects(RDF.type, OWL.Class)
    assert DKGID["place/SV-CU"] == URIRef("https://w3id.org/diaspora-kg/id/place/SV-CU")
    with pytest.raises(AttributeError):
        DKG.NoSuchTerm  # noqa: B018
    with pytest.raises(AttributeError):
        DKG.memberof  # noqa: B018


def test_vocab_covers_every_term():
    assert set(ALL_TERMS) == {name for name in DKG.__annotations__}
