"""The bulk importer's plan and CSV, without a server: names, types and fields (the graph itself is compared with
the Bolt writer's on a real Neo4j in tests/integration/test_bulk_import.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from graph_loader.loading import load_rows
from graph_loader.merge import (
    ASSERTED_KEY,
    DERIVED_NAME_KEYS,
    derive_names,
    merged_node_props,
    plan_graph,
    public,
)
from graph_loader.model import GeoPoint, NodeRow
from graph_loader.neo4j.bulk_import import (
    ARRAY_DELIMITER,
    NotImportable,
    column_type,
    field_text,
    write_import_files,
)
from graph_loader.ontology.schema import load_schema
from graph_loader.rdf.sources import DEFAULT_PATHS, attach_relationship_updates, from_prepared, prepare


@pytest.fixture(scope="module")
def seed():
    return prepare(DEFAULT_PATHS, load_schema())


def test_a_new_node_keeps_the_names_it_was_mapped_with_which_equal_a_fresh_derivation(seed):
    for item in seed:
        for row in item.mapped.nodes.values():
            props = merged_node_props({}, row, item.source.key, created=True)
            again = derive_names({k: v for k, v in props.items() if k not in DERIVED_NAME_KEYS}, row.uri)
            stored = {k: v for k, v in again.items() if v != []}  # an empty list is not stored
            assert {k: props[k] for k in DERIVED_NAME_KEYS if k in props} == stored


def test_a_node_described_by_two_sources_gets_names_from_both():
    first = NodeRow("urn:x", ("Resource",), {"prefLabel": "Uno", **derive_names({"prefLabel": "Uno"}, "urn:x")})
    second = NodeRow("urn:x", ("Resource",), {"altLabel": "One", **derive_names({"altLabel": "One"}, "urn:x")})
    plan = plan_graph([("a", [first], []), ("b", [second], [])])
    props = plan.graph.nodes["urn:x"]["props"]
    assert props["name"] == "Uno" and props["altNames"] == ["One"] and props["sources"] == ["a", "b"]
    assert plan.counts["a"].nodes == {"created": 1} and plan.counts["b"].nodes == {"updated": 1}


def test_the_offline_graph_is_the_importers_plan_as_a_reader_sees_it():
    """``from_prepared`` (analyses without a server) and the importer's plan are one function's graph: the same
    nodes, labels and properties, no empty list stored, what each source asserted left to the database."""
    offline = from_prepared(prepare(DEFAULT_PATHS, load_schema()))
    prepared = prepare(DEFAULT_PATHS, load_schema())
    attach_relationship_updates(prepared)
    plan = plan_graph((key, *rows) for key, rows in load_rows(prepared).items()).graph
    assert offline.nodes.keys() == plan.nodes.keys() and offline.relationships.keys() == plan.relationships.keys()
    assert any(ASSERTED_KEY in node["props"] for node in plan.nodes.values())  # the seed has shared nodes
    for planned, table in ((plan.nodes, offline.nodes), (plan.relationships, offline.relationships)):
        for uri, item in planned.items():
            assert table[uri] == {**item, "props": public(item["props"])}
            assert [] not in table[uri]["props"].values()


@pytest.mark.parametrize("value, kind", [
    ("x", "string"), (3, "long"), (2.5, "double"), (False, "boolean"), (dt.date(2001, 2, 3), "date"),
    (dt.datetime(2001, 2, 3, 4, 5), "localdatetime"), (dt.datetime(2001, 2, 3, tzinfo=dt.UTC), "datetime"),
    (["a", "b"], "string[]"), ([1.5, 2.0], "double[]"), (GeoPoint(-103.5, 22.4), "point{crs:WGS-84}"),
])
def test_column_types(value, kind):
    assert column_type(value) == kind


def test_fields_quote_every_string_and_refuse_what_the_csv_cannot_carry():
    assert field_text("", "x") == '""'
    assert field_text('a "b"\nc', "x") == '"a ""b""\nc"'
    assert field_text(["", "a"], "x") == f'"{ARRAY_DELIMITER}a"'
    with pytest.raises(NotImportable, match="U\\+001F"):
        field_text(["a", f"b{ARRAY_DELIMITER}c"], "x")
    with pytest.raises(NotImportable):
        field_text([""], "x")
    with pytest.raises(NotImportable):
        column_type({"a": 1})


def test_rows_with_conflicting_column_types_go_to_separate_files(tmp_path):
    plan = plan_graph([("s", [
        NodeRow("urn:a", ("Resource",), {"code": "12"}),
        NodeRow("urn:b", ("Resource",), {"code": 12}),
    ], [])])
    arguments = write_import_files(plan.graph, tmp_path)
    assert sorted(a.split("=")[0] for a in arguments) == ["--nodes", "--nodes"]
    headers = sorted((tmp_path / a.split("=", 1)[1]).read_text().splitlines()[0] for a in arguments)
    assert any("code:long" in h for h in headers) and any("code:string" in h for h in headers)
