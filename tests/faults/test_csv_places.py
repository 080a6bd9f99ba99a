"""Places in CSV rows (issue 27): a place named by code or by name and state resolves to its gazetteer entry and
brings its record; an unknown code, area or name and an ambiguous name are refused with file:line, the column and
the candidates (exit code 2, no traceback, nothing loaded); the record templates (3x1 projects, consulate
registrations) refuse rows they cannot read whole. All data are synthetic (``https://example.org/test/``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph_loader.errors import InputError
from graph_loader.model import RDF_TYPE
from graph_loader.rdf.csv_templates import csv_triples

CLI = [sys.executable, "-m", "graph_loader"]
EX = "https://example.org/test/"
DKG = "https://w3id.org/diaspora-kg/ontology#"
PLACE = "https://w3id.org/diaspora-kg/id/place/"
CLUBS = "id,prefLabel,originatesFrom,locatedIn,source\n"
PROJECTS = ("id,prefLabel,year,locatedIn,club,currency,federalAmount,stateAmount,municipalAmount,migrantAmount,"
            "source\n")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "validate", str(path)], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "500"})


def test_codes_and_names_resolve_and_bring_the_gazetteer_records(tmp_path):
    path = write(tmp_path, "hometown_associations.csv", CLUBS
                 + f"{EX}club/a,Club A (synthetic),inegi:32031,Chicago (US-IL),Test notes\n"
                 + f"{EX}club/b,Club B (synthetic),Monte Escobedo (Zacatecas),geonames:4887398,Test notes\n"
                 + f"{EX}club/c,Club C (synthetic),Cojutepeque (SV-CU),fips:17031,Test notes\n")
    triples = list(csv_triples(path))
    ties = {(s, p, o) for s, p, o in triples if s.startswith(EX)}
    monte_escobedo, chicago = PLACE + "MX/inegi/32031", PLACE + "US/geonames/4887398"
    assert (EX + "club/a", DKG + "originatesFrom", monte_escobedo) in ties
    assert (EX + "club/b", DKG + "originatesFrom", monte_escobedo) in ties
    assert (EX + "club/a", DKG + "locatedIn", chicago) in ties
    assert (EX + "club/c", DKG + "locatedIn", PLACE + "US/fips/17031") in ties
    types = {s: o for s, p, o in triples if p == RDF_TYPE}
    # The records of the places named, of their states and countries, came along.
    assert types[monte_escobedo] == DKG + "Municipality" and types[PLACE + "MX-ZAC"] == DKG + "State"
    assert types[chicago] == DKG + "City" and types[PLACE + "US"] == DKG + "Country"
    assert types[PLACE + "SV/geonames/3586977"] == DKG + "Locality"
    assert types["https://w3id.org/diaspora-kg/id/source/graphari"] == DKG + "Source"
    assert validate(path).returncode == 0


@pytest.mark.parametrize(("cell", "fragments"), [
    ("inegi:99999", ["column originatesFrom: no place of the gazetteer has the inegi code 99999"]),
    ("inegi:3203", ["column originatesFrom: 'inegi:3203' is not a well-formed inegi: code", "inegi:32031"]),
    ("Nowhere (MX-ZAC)", ["column originatesFrom: no municipality, district, town or city named 'Nowhere' in "
                          "Zacatecas (MX-ZAC)"]),
    ("Monte Escobedo (Atlantis)", ["column originatesFrom: 'Atlantis' is not a state, department or country"]),
    ("Guadalupe (MX)", ["column originatesFrom: 'Guadalupe' names 4 places in Mexico",
                        "Guadalupe (Municipality, MX-ZAC, inegi:32017) -> write inegi:32017",
                        "Guadalupe (Municipality, MX-NLE, inegi:19026) -> write inegi:19026"]),
    ("Austin (US)", ["'Austin' names 2 places in United States", "-> write geonames:4671654",
                     "-> write geonames:5016884"]),
])
def test_an_unknown_or_ambiguous_place_is_refused_at_its_line(tmp_path, cell, fragments):
    path = write(tmp_path, "hometown_associations.csv", CLUBS
                 + f"{EX}club/a,Club A (synthetic),inegi:32031,,Test notes\n"
                 + f'{EX}club/b,Club B (synthetic),"{cell}",,Test notes\n')
    with pytest.raises(InputError) as raised:
        list(csv_triples(path))
    assert raised.value.line == 3
    run = validate(path)
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    assert f"{path.name}:3: " in run.stderr
    for fragment in fragments:
        assert fragment in run.stderr, run.stderr


def test_a_3x1_row_becomes_a_project_four_contributions_and_the_governments(tmp_path):
    path = write(tmp_path, "projects_3x1.csv", PROJECTS
                 + f'{EX}project/p1,Road (synthetic),2003,inegi:32031,{EX}club/a,MXN,"100,000",100000,100000,'
                   f"100000,Test notes\n")
    triples = list(csv_triples(path))
    funds = {(s, p, o) for s, p, o in triples if p in (DKG + "contributor", DKG + "recipient")}
    contributors = {o for s, p, o in funds if p == DKG + "contributor"}
    gov = "https://w3id.org/diaspora-kg/id/org/gov-"
    assert contributors == {gov + "MX", gov + "MX-ZAC", gov + "MX-32031", EX + "club/a"}
    assert {o for s, p, o in funds if p == DKG + "recipient"} == {EX + "project/p1"}
    types = {s: o for s, p, o in triples if p == RDF_TYPE}
    assert types[gov + "MX-32031"] == DKG + "MunicipalGovernment" and types[EX + "project/p1"] == DKG + "Project"
    assert (gov + "MX-32031", DKG + "jurisdiction", PLACE + "MX/inegi/32031") in triples
    assert (EX + "club/a", DKG + "proposes", EX + "project/p1") in triples
    amounts = sorted(o.value for s, p, o in triples if p == DKG + "amount")
    assert amounts == ["100000"] * 4  # "100,000" read as 100000


@pytest.mark.parametrize(("row", "fragment"), [
    (f"{EX}project/p1,Road,2003,iso:MX-ZAC,{EX}club/a,MXN,1,1,1,1,T",
     "column locatedIn: 'iso:MX-ZAC' is not a municipio of the gazetteer"),
    (f"{EX}project/p1,Road,2003,inegi:32031,{EX}club/a,,1,1,1,1,T", "column currency: empty, but federalAmount"),
    (f"{EX}project/p1,Road,2003,inegi:32031,,MXN,,,,1000,T",
     "column migrantAmount: a migrant amount is given without the club that paid it"),
    (f"{EX}project/p1,Road,2003,inegi:32031,{EX}club/a,MXN,ten,1,1,1,T",
     "column federalAmount: 'ten' is not a number"),
])
def test_a_3x1_row_that_cannot_be_read_whole_is_refused(tmp_path, row, fragment):
    path = write(tmp_path, "projects_3x1.csv", PROJECTS + row + "\n")
    run = validate(path)
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    assert f"{path.name}:2: {fragment}" in run.stderr, run.stderr


def test_a_record_template_refuses_a_column_it_does_not_take(tmp_path):
    path = write(tmp_path, "club_registrations.csv",
                 "id,prefLabel,consulate,registrationNumber,originatesFrom,homepage\n"
                 f"{EX}club/a,Club A,{EX}org/consulate,F-1,inegi:32031,https://example.org/\n")
    run = validate(path)
    assert run.returncode == 2 and "unknown column 'homepage' for template club_registrations" in run.stderr


def test_a_registration_row_becomes_the_club_the_registration_and_the_board(tmp_path):
    path = write(tmp_path, "club_registrations.csv",
                 "id,prefLabel,consulate,registrationNumber,originatesFrom,validFrom,validUntil,president,treasurer\n"
                 f"{EX}club/a,Club A (synthetic),{EX}org/consulate,F-2004-1,Monte Escobedo (MX-ZAC),2004-01-15,"
                 "2006-01-14,Ana Example|Bo Example,Cy Example\n")
    triples = list(csv_triples(path))
    registration = EX + "club/a/registration/f-2004-1"
    assert (registration, DKG + "registrant", EX + "club/a") in triples
    assert (registration, DKG + "registrar", EX + "org/consulate") in triples
    roles = sorted(o.value for s, p, o in triples if p == DKG + "role")
    assert roles == ["president", "president", "treasurer"]
    assert (EX + "club/a", DKG + "originatesFrom", PLACE + "MX/inegi/32031") in triples
    years = sorted((p.rsplit("#", 1)[1], o.value) for s, p, o in triples if p in (DKG + "startYear", DKG + "endYear"))
    assert years == [("endYear", "2006")] * 3 + [("startYear", "2004")] * 3
