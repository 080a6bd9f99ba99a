"""The property-graph schema comes from the ontology alone; the Cypher schema file is generated from it."""

from __future__ import annotations

from graph_loader.neo4j.queries import statements
from graph_loader.neo4j.schema import SCHEMA_CYPHER, schema_cypher
from graph_loader.ontology.schema import load_schema
from graph_loader.ontology.terms import DKG_NS

CONTRACT_LABELS = {"HometownAssociation", "Federation", "Municipality", "AdministrativeArea", "Country",
                   "GovernmentAgency", "InternationalOrganisation", "PartnerOrganisation", "Programme", "Project"}
CONTRACT_TYPES = {"MEMBER_OF", "ORIGINATES_FROM", "PART_OF", "RUNS", "PARTNERS_WITH", "FUNDS", "LOCATED_IN"}


def test_public_contract_labels_and_types_exist():
    schema = load_schema()
    assert CONTRACT_LABELS <= schema.node_labels
    assert CONTRACT_TYPES <= schema.relationship_types


def test_every_relationship_type_maps_back_to_one_property_or_nary_class():
    schema = load_schema()
    for rel_type in schema.relationship_types:
        assert (schema.property_for_type(rel_type) is not None) or (schema.nary_for_type(rel_type) is not None)
    types = [p.type for p in schema.object_properties.values() if p.store_as == "relationship"]
    assert len(types) == len(set(types)), "two object properties share a relationship type: export is ambiguous"


def test_schema_file_is_in_sync_with_the_ontology():
    assert SCHEMA_CYPHER.read_text(encoding="utf-8") == schema_cypher(load_schema()), \
        "run `diaspora-kg schema --write-cypher`"
    assert len(statements(SCHEMA_CYPHER.read_text(encoding="utf-8"))) > 10


def test_labels_come_with_superclasses():
    labels = load_schema().labels_for([DKG_NS + "Federation"])
    assert labels[0] == "Federation" and "Organisation" in labels and labels[-1] == "Resource"
