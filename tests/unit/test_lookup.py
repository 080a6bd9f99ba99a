"""``diaspora-kg lookup``: resources found by the names people type, in the seed corpus read from its files."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from graph_loader.lookup import find, name_score
from graph_loader.ontology.schema import load_schema
from graph_loader.rdf.csv_templates import expand_id
from graph_loader.rdf.sources import from_files

ID = "https://w3id.org/diaspora-kg/id/"


@pytest.fixture(scope="module")
def seed():
    schema = load_schema()
    return from_files(None, schema), schema


@pytest.mark.parametrize(("text", "kinds", "uri"), [
    ("fedecmi", None, "org/fedecmi"),  # an acronym, lower case
    ("Federacion de clubes michoacanos", None, "org/fedecmi"),  # accents left out, half the name
    ("ZACATECAS", ["State"], "place/MX-ZAC"),  # the state, not its government
    ("club monte escobeda", None, "org/club-monte-escobedo"),  # a misspelling
    ("cuzcatlan", None, "place/SV-CU"),  # another spelling, without the accent
    ("Federación de Clubes Michoacanos in Illinois", None, "org/fedecmi"),  # an alternative name (altLabel)
    ("ime", None, "org/ime"),
])
def test_the_resource_meant_comes_first(seed, text, kinds, uri):
    graph, schema = seed
    found = find(text, graph, schema, kinds=kinds)
    assert found and found[0].uri == ID + uri, [f.uri for f in found]
    assert found[0].id == uri and expand_id(found[0].id) == found[0].uri  # the short id a template takes back


def test_a_match_says_what_it_is_where_and_from_which_source(seed):
    graph, schema = seed
    (fedecmi, *_) = find("FEDECMI", graph, schema)
    assert (fedecmi.name, fedecmi.kind, fedecmi.country) == (
        "Federación de Clubes Michoacanos en Illinois", "Federation", "MX")
    assert fedecmi.place == "in Illinois; from Michoacán de Ocampo"
    assert fedecmi.source.startswith("ARI Nº 16/2005") and fedecmi.matched == "FEDECMI"
    assert "FEDECMI" in fedecmi.also_known_as and fedecmi.files == ["data/seed/20-hometown-associations.ttl"]
    (zac, *_) = find("zacatecas", graph, schema, kinds=["State"])
    assert (zac.kind, zac.country, zac.place) == ("State", "MX", "part of Mexico")
    assert "pycountry" in zac.source


def test_nothing_is_offered_for_a_name_the_corpus_lacks(seed):
    graph, schema = seed
    assert find("banco mundial", graph, schema) == []
    assert all(f.kind != "Evidence" for f in find("Cabañas", graph, schema, limit=50))


def test_scores_rank_whole_names_above_longer_ones_and_forgive_typos():
    assert name_score("fedecmi", "FEDECMI") == 100
    assert name_score("la union", "La Unión") == 100
    assert name_score("monte escobedo", "Monte Escobedo") > name_score("monte escobedo", "Club Monte Escobedo") \
        > name_score("monte escobedo", "Montana")
    assert name_score("de la", "Unidos por la Solidaridad") < 75  # articles alone match nothing


def test_the_command_offline_prints_every_field_as_json():
    run = subprocess.run([sys.executable, "-m", "graph_loader", "lookup", "--offline", "monte", "escobedo",
                          "--format", "json"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    rows = json.loads(run.stdout)
    # the place the source names, the gazetteer's municipio it was matched to, then the club named after it
    assert {r["id"] for r in rows[:2]} == {"place/MX-ZAC/monte-escobedo", "place/MX/inegi/32031"}
    assert rows[2]["id"] == "org/club-monte-escobedo"
    assert {"name", "id", "kind", "country", "place", "source", "uri", "also_known_as", "files"} <= set(rows[0])
