"""Places in the real Neo4j (issue 27): coordinates become WGS-84 points usable by point.distance and bounding
boxes, the seed's towns and cities are linked to their gazetteer entries, the place queries answer at
municipality level (on the seed, and on the synthetic 3x1 and registration examples), and the RDF export gives the
coordinates back."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal, URIRef

from graph_loader.loading import load
from graph_loader.neo4j.queries import run_named
from graph_loader.neo4j.read import read_property_graph
from graph_loader.ontology.schema import load_schema
from graph_loader.rdf.sources import DEFAULT_PATHS
from graph_loader.rdf.unmapping import RdfExporter

from ..conftest import wipe

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "data" / "templates" / "examples"
PLACE = "https://w3id.org/diaspora-kg/id/place/"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"


def test_places_carry_a_wgs84_point_that_point_distance_uses(seed_db):
    rows = seed_db.read(
        "MATCH (m:Municipality {inegiCode: '32031'}), (c:City {geonamesId: '4887398'}) "
        "RETURN m.location.srid AS srid, m.location.x AS x, m.location.y AS y, m.lat AS lat, m.long AS long, "
        "point.distance(m.location, c.location) / 1000 AS km")
    assert len(rows) == 1
    row = rows[0]
    assert row["srid"] == 4326 and (row["x"], row["y"]) == (row["long"], row["lat"]) == (-103.46199, 22.374919)
    assert 2500 < row["km"] < 2750  # Monte Escobedo, Zacatecas to Chicago: about 2,620 km


def test_a_bounding_box_finds_the_places_inside_it(seed_db):
    rows = seed_db.read(
        "MATCH (p:Place) WHERE point.withinBBox(p.location, point({longitude: -104.5, latitude: 21.0}), "
        "point({longitude: -100.7, latitude: 25.2})) RETURN collect(p.name) AS names")
    assert {"Zacatecas", "Monte Escobedo"} <= set(rows[0]["names"])
    assert "Chicago" not in rows[0]["names"]
    points = seed_db.read("MATCH (p:Place) WHERE p.lat IS NOT NULL AND p.location IS NULL RETURN count(p) AS n")
    assert points == [{"n": 0}]  # every place with coordinates has its point
    index = seed_db.read("SHOW INDEXES YIELD name, type WHERE name = 'place_location' RETURN type")
    assert index == [{"type": "POINT"}]


def test_the_seeds_towns_and_cities_are_linked_with_rule_and_evidence(seed_db):
    rows = seed_db.read(
        "MATCH (p:Place)-[r:GAZETTEER_PLACE]->(g:Place) "
        "RETURN p.name AS place, labels(g) AS labels, r.note AS note, r.evidence AS evidence, "
        "p.location = g.location AS same_point ORDER BY place")
    assert [r["place"] for r in rows] == ["Austin", "Chicago", "Cojutepeque", "Detroit", "Houston", "Los Angeles",
                                          "Monte Escobedo", "New York", "Phoenix", "San Antonio", "Suchitoto",
                                          "Washington, DC"]
    assert all(r["note"].startswith("Rule '") and r["evidence"] and r["same_point"] for r in rows)
    monte = next(r for r in rows if r["place"] == "Monte Escobedo")
    assert "Municipality" in monte["labels"]
    sources = seed_db.read(
        "MATCH (:Place {name: 'Monte Escobedo'})-[r:GAZETTEER_PLACE]->() UNWIND r.evidence AS uri "
        "MATCH (e:Evidence {uri: uri})-[:QUOTED_FROM]->(s) RETURN s.name AS source, e.locator AS locator")
    assert sources[0]["source"] == "graphari 1.1.0" and "CVEGEO 32031" in sources[0]["locator"]


def test_place_queries_answer_at_municipality_level_on_the_seed(seed_db):
    rows = run_named(seed_db, "clubs_and_projects_by_home_municipality", {"state": "MX-ZAC"})
    monte = next(r for r in rows if r["place"] == "Monte Escobedo")
    assert (monte["level"], monte["inegi_code"], monte["state"]) == ("municipality", "32031", "Zacatecas")
    assert "Club Monte Escobedo" in monte["clubs"]
    assert monte["projects"] == ["repair of the local church of Monte Escobedo"]
    federations = run_named(seed_db, "federations_to_municipalities", {"country": "MX"})
    assert {(r["federation"], r["place_level"], r["state"]) for r in federations} == {
        ("Federación de Clubes Michoacanos en Illinois", "state", "Michoacán de Ocampo")}
    cities = run_named(seed_db, "associations_by_us_city", {"city": "houston"})
    assert {(r["city"], r["state"], r["latitude"] is not None) for r in cities} == {("Houston", "Texas", True)}
    us = run_named(seed_db, "us_places_by_home_municipalities", {"country": "MX"})
    chicago = next(r for r in us if r["us_place"] == "Chicago")
    assert (chicago["home_places"], chicago["municipality_count"]) == (["Monte Escobedo"], 1)


def test_the_synthetic_examples_answer_at_municipality_level(db):
    load([*DEFAULT_PATHS, EXAMPLES / "3x1", EXAMPLES / "toma_de_nota"], db)
    several = run_named(db, "municipalities_tied_to_several_us_cities", {})
    assert several and all(r["level"] == "municipality" and r["inegi_code"] and r["us_place_count"] >= 2
                           for r in several)
    federations = run_named(db, "federations_to_municipalities", {"country": "MX"})
    synthetic = [r for r in federations if r["federation"].endswith("(synthetic)")]
    assert synthetic and all(r["place_level"] == "municipality" and r["latitude"] for r in synthetic)
    projects = run_named(db, "clubs_and_projects_by_home_municipality", {"country": "MX"})
    funded = [r for r in projects if r["project_count"] and r["level"] == "municipality" and r["funded"]]
    assert funded and all(f["currency"] == "MXN" for r in funded for f in r["funded"])
    # Each synthetic 3x1 project: four equal quarters (federal, state, municipal, club), in pesos.
    quarters = db.read("MATCH (p:Project)<-[f:FUNDS]-() WHERE p.uri STARTS WITH 'https://example.org/synthetic/' "
                       "WITH p, collect(f.amount) AS amounts RETURN count(p) AS projects, "
                       "all(a IN amounts WHERE a = amounts[0]) AND size(amounts) = 4 AS even")
    assert quarters[0]["projects"] == 16
    registrations = db.read("MATCH (:HometownAssociation)-[r:REGISTERED_WITH]->(:Consulate) "
                            "RETURN count(r) AS n, min(r.validFrom) < min(r.validUntil) AS dated")
    assert registrations == [{"n": 8, "dated": True}]
    government = db.read("MATCH (g:MunicipalGovernment)-[:JURISDICTION]->(m:Municipality) RETURN count(g) AS n")
    assert government[0]["n"] == 8


def test_the_rdf_export_gives_the_coordinates_back_and_a_reload_the_same_points(db, tmp_path):
    load(DEFAULT_PATHS, db)
    query = ("MATCH (p:Place) WHERE p.location IS NOT NULL RETURN p.uri AS uri, p.location.x AS x, "
             "p.location.y AS y, p.location.srid AS srid ORDER BY uri")
    before = db.read(query)
    assert len(before) > 100
    graph = RdfExporter(load_schema()).to_rdflib(read_property_graph(db))
    zacatecas = URIRef(PLACE + "MX-ZAC")
    lat, long = graph.value(zacatecas, URIRef(GEO + "lat")), graph.value(zacatecas, URIRef(GEO + "long"))
    assert isinstance(lat, Literal) and (float(lat), float(long)) == (22.7753891, -102.5722706)
    assert not [p for p in graph.predicates(zacatecas, None) if "location" in str(p)]  # derived: not exported
    path = tmp_path / "export.ttl"
    graph.serialize(path, format="turtle")
    wipe(db)
    load([path], db)
    assert db.read(query) == before
