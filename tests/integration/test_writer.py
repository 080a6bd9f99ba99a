"""The Neo4j writer on the tiny test ontology: labels, ties, n-ary relationships, idempotence, union, unload."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from rdflib import Graph

from graph_loader.neo4j.ledger import unload
from graph_loader.neo4j.writer import GraphWriter
from graph_loader.ontology.schema import schema_from_graph
from graph_loader.rdf.mapping import map_triples
from graph_loader.rdf.read import inspect, iter_triples
from graph_loader.rdf.sources import source_rows

from ..unit.test_mapping import DATA, MINI_ONTOLOGY, PREFIXES

TMP = Path(tempfile.mkdtemp(prefix="dkg-writer-"))


@pytest.fixture(scope="module")
def schema():
    return schema_from_graph(Graph().parse(data=MINI_ONTOLOGY, format="turtle"))


def write(db, schema, data: str, source: str, tmp_path_factory=None):
    path = TMP / f"{abs(hash(data))}.ttl"
    path.write_text(data, encoding="utf-8")
    mapped = map_triples(iter_triples(inspect(path)), schema)
    writer = GraphWriter(db, schema, batch_size=3)  # small batches: several transactions per type
    writer.ensure_schema()
    nodes, relationships = source_rows(mapped)
    counts = writer.write_nodes(nodes, source)
    counts.add(writer.write_relationships(relationships, source))
    return counts


def snapshot(db):
    nodes = db.read("MATCH (n:Resource) RETURN n.uri AS uri, labels(n) AS labels, properties(n) AS p ORDER BY uri")
    rels = db.read("MATCH (a)-[r]->(b) RETURN a.uri AS a, type(r) AS t, b.uri AS b, properties(r) AS p "
                   "ORDER BY r.uri")
    return nodes, rels


def test_load_writes_labels_ties_and_nary_relationships(db, schema):
    counts = write(db, schema, DATA, "a.ttl")
    assert counts.nodes["created"] == 10  # 9 subjects (one a blank node) + 1 concept only referenced
    hta = db.read("MATCH (n:HometownAssociation:DiasporaOrganisation:Organisation:Resource "
                  "{uri: 'https://example.org/hta'}) RETURN n")[0]["n"]
    assert hta["memberCount"] == 10 and hta["sources"] == ["a.ttl"]
    assert hta["evidence"] == ["https://example.org/ev1", "https://example.org/ev2"]
    funds = db.read("MATCH (:HometownAssociation)-[r:FUNDS]->(p:Project) RETURN properties(r) AS r, "
                    "p.name AS project")[0]
    assert funds["project"] == "School"
    assert funds["r"]["amountUsd"] == 99000.5 and funds["r"]["share"] == 0.09 and funds["r"]["year"] == 2003
    member = db.read("MATCH (:HometownAssociation)-[r:MEMBER_OF]->(f:Federation) RETURN r.evidence AS e, "
                     "f.acronyms AS acr")[0]
    assert member == {"e": ["https://example.org/ev2"], "acr": ["FEDECMI"]}
    stub = db.read("MATCH (n {uri: 'https://example.org/schools'}) RETURN n.stub AS stub, n.name AS name")[0]
    assert stub == {"stub": True, "name": "schools"}


def test_second_load_of_same_rows_changes_nothing(db, schema):
    write(db, schema, DATA, "a.ttl")
    before = snapshot(db)
    counts = write(db, schema, DATA, "a.ttl")
    assert counts.nodes["created"] == counts.nodes["updated"] == 0
    assert counts.relationships["created"] == counts.relationships["updated"] == 0
    assert snapshot(db) == before


def test_two_sources_union_values_and_unload_keeps_shared_facts(db, schema):
    write(db, schema, DATA, "a.ttl")
    extra = PREFIXES + """
    ex:hta a dkg:HometownAssociation ; dkg:memberCount 12 ; dkg:memberOf ex:fed2 .
    ex:fed2 a dkg:Federation ; skos:prefLabel "Second federation" .
    """
    counts = write(db, schema, extra, "b.ttl")
    assert counts.nodes["updated"] == 1 and counts.nodes["created"] == 1
    hta = db.read("MATCH (n {uri: 'https://example.org/hta'}) RETURN n.memberCount AS m, n.sources AS s")[0]
    assert hta == {"m": [10, 12], "s": ["a.ttl", "b.ttl"]}  # nothing silently overwritten
    result = unload(db, "b.ttl")
    assert result["nodes_removed"] == 1 and result["relationships_removed"] == 1
    assert db.read("MATCH (n {uri: 'https://example.org/fed2'}) RETURN count(n) AS c")[0]["c"] == 0
    assert db.read("MATCH (n {uri: 'https://example.org/hta'}) RETURN n.sources AS s")[0]["s"] == ["a.ttl"]
    assert db.read("MATCH ()-[r:MEMBER_OF]->() RETURN count(r) AS c")[0]["c"] == 1


def test_hostile_names_are_stored_verbatim(db, schema):
    hostile = ['Robert"); MATCH (n) DETACH DELETE n; //', "{braces} `backticks` $param", "<img src=x onerror=alert(1)>",
               "MERGE CREATE DELETE", "Ассоциация 墨西哥 جمعية"]
    data = PREFIXES + "\n".join(
        f'ex:h{i} a dkg:HometownAssociation ; skos:prefLabel """{name}""" .' for i, name in enumerate(hostile))
    write(db, schema, data, "hostile.ttl")
    names = [r["name"] for r in db.read("MATCH (n:HometownAssociation) RETURN n.name AS name ORDER BY n.uri")]
    assert names == hostile


def test_a_node_referenced_before_it_is_described_loses_its_stub_flag(db, schema):
    write(db, schema, PREFIXES + 'ex:a a dkg:HometownAssociation ; skos:prefLabel "A" ; dkg:memberOf ex:f .', "1.ttl")
    assert db.read("MATCH (n {uri: 'https://example.org/f'}) RETURN n.stub AS s")[0]["s"] is True
    write(db, schema, PREFIXES + 'ex:f a dkg:Federation ; skos:prefLabel "F" .', "2.ttl")
    assert db.read("MATCH (n {uri: 'https://example.org/f'}) RETURN n.stub AS s, n.name AS name")[0] == {
        "s": None, "name": "F"}
