"""The map of transnational ties on the seed corpus in a real Neo4j: the query transnational_ties, the map command
and the run's map step.

The seed's towns and cities carry the gazetteer's coordinates (data/seed/99-gazetteer-links.ttl), so the article's
ties are drawn where they are: Chicago to Monte Escobedo, Los Angeles to Cuscatlán and its towns, Illinois to
Michoacán.
"""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from graph_loader.cli import main
from graph_loader.neo4j.catalogue import catalogue
from graph_loader.neo4j.queries import run_named
from graph_loader.ontology.schema import load_schema
from graph_loader.pipeline import Run, RunResult, _ties_map
from graph_loader.report.document import render_markdown_report
from graph_loader.viz.geo.ties import COLUMNS, ties_from_rows

#: The arcs the article gives once its places have coordinates: (US place, home place, tie).
ARTICLE_ARCS = {
    ("Chicago", "Monte Escobedo", "association"),  # the first committee of the Club Monte Escobedo
    ("Chicago", "Monte Escobedo", "contribution"),  # ... which paid for the repair of the local church
    ("Los Angeles", "Cuscatlán", "association"),  # SALA, a Cuscatlán-origin HTA based in Los Angeles
    ("Los Angeles", "Suchitoto", "contribution"),  # SALA with the FISDL: streetlights near Suchitoto
    ("Los Angeles", "Cojutepeque", "contribution"),  # SALA with the FISDL: Cojutepeque's recreation area
    ("Illinois", "Michoacán de Ocampo", "federation"),  # FEDECMI
}


def arcs(rows) -> set[tuple[str, str, str]]:
    return {(r["from_place"], r["to_place"], r["tie"]) for r in rows}


def test_the_seed_maps_the_articles_ties(seed_db):
    rows = run_named(seed_db, "transnational_ties")
    assert list(rows[0]) == list(catalogue()["transnational_ties"].returns)
    assert set(COLUMNS) <= set(rows[0])
    assert arcs(rows) == ARTICLE_ARCS
    by_arc = {(r["from_place"], r["to_place"], r["tie"]): r for r in rows}
    escobedo = by_arc[("Chicago", "Monte Escobedo", "association")]
    assert (escobedo["from_level"], escobedo["to_level"], escobedo["to_country"]) == ("city", "municipality", "Mexico")
    # The gazetteer's coordinates (graphari's centroid of the municipio, GeoNames' Chicago).
    assert 22 < escobedo["to_lat"] < 23 and -104 < escobedo["to_lon"] < -103
    assert 41 < escobedo["from_lat"] < 42 and -88 < escobedo["from_lon"] < -87
    assert by_arc[("Los Angeles", "Cojutepeque", "contribution")]["to_country"] == "El Salvador"
    for row in rows:
        assert row["from_country"] == "United States" and row["weight"] == 1 and row["amount_usd"] is None
        assert row["actors"] and row["via"] and all(path.startswith(row["from_place"]) for path in row["via"])
        assert row["sources"] and all(source.startswith("ARI Nº 16/2005") for source in row["sources"])
    # Every row is one arc.
    assert len(ties_from_rows(rows)) == len(rows)


def test_a_home_country_narrows_the_ties(seed_db):
    salvadoran = run_named(seed_db, "transnational_ties", {"country": "SV"})
    assert arcs(salvadoran) == {a for a in ARTICLE_ARCS if a[0] == "Los Angeles"}
    assert arcs(run_named(seed_db, "transnational_ties", {"country": "méxico"})) == {
        a for a in ARTICLE_ARCS if a[1] in ("Monte Escobedo", "Michoacán de Ocampo")}


def test_a_place_without_coordinates_rolls_up_to_its_state(seed_db):
    # In a transaction that is rolled back: the seed stays as it was.
    query = catalogue()["transnational_ties"]
    with seed_db.session() as session:
        tx = session.begin_transaction()
        try:
            tx.run("MATCH (p:Place)-[:GAZETTEER_PLACE*0..1]->(q:Place) WHERE p.name = 'Monte Escobedo' "
                   "REMOVE p.lat, p.long, p.location, q.lat, q.long, q.location")
            rows = [record.data() for record in tx.run(query.text, query.bind({"country": None}))]
        finally:
            tx.rollback()
    rolled = [r for r in rows if r["from_place"] == "Chicago"]
    assert {(r["to_place"], r["to_level"], r["tie"]) for r in rolled} == {
        ("Zacatecas", "state", "association"), ("Zacatecas", "state", "contribution")}
    assert any("Monte Escobedo" in path for r in rolled for path in r["via"])
    assert arcs(run_named(seed_db, "transnational_ties")) == ARTICLE_ARCS


def test_the_map_command_draws_one_arc_per_row(seed_db, neo4j_env, tmp_path):
    rows = run_named(seed_db, "transnational_ties")
    out = tmp_path / "ties.html"
    result = CliRunner().invoke(main, ["map", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{len(rows)} arcs" in result.output
    text = out.read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json" id="dkg-data">(.*?)</script>', text, re.S).group(1))
    assert len(data["arcs"]) == len(rows)
    assert "Monte Escobedo" in {p["name"] for p in data["places"]}

    figure = CliRunner().invoke(main, ["map", "--out", str(tmp_path / "ties.png"), "-p", "country=SV",
                                       "--tie", "contribution"])
    assert figure.exit_code == 0, figure.output
    assert "2 arcs (contribution 2)" in figure.output


def test_the_run_draws_the_map_and_the_report_shows_it(seed_db, tmp_path):
    result = RunResult(out=tmp_path)
    _ties_map(Run(result, load_schema(), seed_db, echo=lambda message: None))
    assert (tmp_path / "ties.html").is_file() and (tmp_path / "ties.png").is_file()
    assert result.ties_map["arcs"] == len(ARTICLE_ARCS)
    text = render_markdown_report(result)
    assert "## Map of transnational ties" in text
    assert "![Transnational ties: arcs from US places to home places](ties.png)" in text
    assert "[ties.html](ties.html)" in text and f"{len(ARTICLE_ARCS)} arcs" in text
