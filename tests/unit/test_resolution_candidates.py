"""Entity resolution from records to candidate pairs (graph_loader.resolution): records built from the seed
corpus with the ontology's names, the candidates and their reasons, what lowers a score, blocking, and the
offline command. Records other than the corpus's are made up here, under https://example.org/test/."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from graph_loader.ontology.schema import load_schema
from graph_loader.rdf.sources import from_files
from graph_loader.resolution.blocking import Blocks
from graph_loader.resolution.candidates import find_candidates, place_codes, spelt_out
from graph_loader.resolution.records import (
    Record,
    Vocabulary,
    Where,
    compatible_kinds,
    records_from_graph,
    records_from_rows,
)
from graph_loader.resolution.scoring import compare, prepare

EX = "https://example.org/test/"
ID = "https://w3id.org/diaspora-kg/id/"
ORG = frozenset({"Organisation", "Agent"})
HTA = ORG | {"DiasporaOrganisation", "HometownAssociation"}
FEDERATION = ORG | {"DiasporaOrganisation", "Federation"}


@pytest.fixture(scope="module")
def seed() -> list[Record]:
    return records_from_graph(from_files(), Vocabulary.from_schema(load_schema()))


def by_uri(records: list[Record]) -> dict[str, Record]:
    return {r.uri: r for r in records}


def org(local: str, name: str, kinds=ORG, **facts) -> Record:
    return Record(EX + local, "organisation", frozenset(kinds), "Organisation", (name,), **facts)


def pairs(candidates) -> dict[frozenset, float]:
    return {frozenset({c.left, c.right}): c.score for c in candidates}


# -- records -------------------------------------------------------------------------------------------------------

def test_the_vocabulary_comes_from_the_ontology():
    vocabulary = Vocabulary.from_schema(load_schema())
    assert vocabulary.families == {"Organisation": "organisation", "Person": "person", "Place": "place"}
    assert (vocabulary.home, vocabulary.based, vocabulary.part_of) == ("ORIGINATES_FROM", "LOCATED_IN", "PART_OF")
    assert vocabulary.founded == "foundedYear" and vocabulary.codes == ("isoCode",)
    assert vocabulary.depths["HometownAssociation"] > vocabulary.depths["Organisation"]


def test_records_of_the_seed_corpus(seed):
    records = by_uri(seed)
    fedecmi = records[ID + "org/fedecmi"]
    assert fedecmi.kind == "Federation" and fedecmi.acronyms == ("FEDECMI",)
    assert fedecmi.names[0] == "Federación de Clubes Michoacanos en Illinois" and "FEDECMI" in fedecmi.names
    assert fedecmi.home.states == {ID + "place/MX-MIC"} and fedecmi.home.countries == {ID + "place/MX"}
    assert fedecmi.based.states == {ID + "place/US-IL"}
    club = records[ID + "org/club-monte-escobedo"]
    assert club.home.places == {ID + "place/MX-ZAC/monte-escobedo"} and club.home.states == {ID + "place/MX-ZAC"}
    assert records[ID + "org/dgace"].founded == 2000
    assert records[ID + "place/MX-MIC"].codes == {("isoCode", "MX-MIC")}
    assert records[ID + "place/us/chicago"].home.states == {ID + "place/US-IL"}  # where a place lies
    assert ID + "org/la-hta-ifad-high-school" not in records  # unnamed: its label describes, it does not name
    assert ID + "collective/salvadoran-htas" not in records  # a collective is no organisation, person or place
    assert {r.family for r in seed} == {"organisation", "person", "place"}


def test_records_from_rows_as_neo4j_returns_them():
    vocabulary = Vocabulary.from_schema(load_schema())
    rows = [(EX + "a", ["HometownAssociation", "DiasporaOrganisation", "Organisation", "Agent", "Resource"],
             {"name": "Club A", "foundedYear": 1998, "sources": ["a.csv"]}),
            (EX + "stub", ["Resource"], {"name": "stub", "stub": True}),
            (EX + "t", ["Locality", "Place", "Resource"], {"name": "Town"})]
    (a, town) = records_from_rows(rows, [("ORIGINATES_FROM", EX + "a", EX + "t")], vocabulary)
    assert (a.kind, a.founded, a.sources, a.home.places) == ("HometownAssociation", 1998, ("a.csv",), {EX + "t"})
    assert town.family == "place" and not town.home


def test_kinds_are_compatible_when_one_has_all_the_classes_of_the_other():
    assert compatible_kinds(HTA, ORG) and compatible_kinds(ORG, FEDERATION)
    assert not compatible_kinds(HTA, FEDERATION)


# -- candidates ----------------------------------------------------------------------------------------------------

def test_other_spellings_of_seed_organisations_are_proposed_with_reasons(seed):
    rows = [org("csv/1", "FED. CLUBES MICHOACANOS IL"), org("csv/2", "Federacion de Clubes Michoacanos de Illinois"),
            org("csv/3", "FEDECMI"), org("csv/4", "Monte Escobedo, Club", HTA),
            org("csv/5", "Asoc. Adentro Cojutepeque")]
    candidates = find_candidates([*seed, *rows])
    found = pairs(candidates)
    fedecmi, club = ID + "org/fedecmi", ID + "org/club-monte-escobedo"
    for local in ("csv/1", "csv/2", "csv/3"):
        assert found[frozenset({EX + local, fedecmi})] > 0.9, local
    assert found[frozenset({EX + "csv/4", club})] > 0.9
    assert found[frozenset({EX + "csv/5", ID + "org/asociacion-adentro-cojutepeque"})] > 0.9
    reasons = {frozenset({c.left, c.right}): c.reasons_text for c in candidates}
    assert "FED. CLUBES MICHOACANOS Illinois" in reasons[frozenset({EX + "csv/1", fedecmi})]  # IL written out
    assert all(frozenset({c.left, c.right}) <= {r.uri for r in rows} | {fedecmi, club,
               ID + "org/asociacion-adentro-cojutepeque"} for c in candidates)  # nothing else is proposed


def test_a_federation_of_the_same_state_in_another_us_state_is_no_candidate(seed):
    other = org("csv/ca", "Federación de Clubes Michoacanos en California", FEDERATION)
    assert frozenset({other.uri, ID + "org/fedecmi"}) not in pairs(find_candidates([*seed, other]))


def test_a_club_and_a_federation_of_one_name_are_never_compared():
    club = org("club", "Michoacanos de Illinois", HTA)
    federation = org("fed", "Michoacanos de Illinois", FEDERATION)
    assert find_candidates([club, federation]) == []
    assert len(find_candidates([club, org("untyped", "Michoacanos de Illinois")])) == 1


@pytest.mark.parametrize("facts, code, below", [
    ({"home": (Where(states=frozenset({"ex:MX-ZAC"})), Where(states=frozenset({"ex:MX-JAL"})))},
     "home-states-differ", 0.5),
    ({"home": (Where(frozenset({"ex:a"}), frozenset({"ex:MX-ZAC"})),
               Where(frozenset({"ex:b"}), frozenset({"ex:MX-ZAC"})))}, "home-places-differ", 0.8),
    ({"based": (Where(states=frozenset({"ex:US-IL"})), Where(states=frozenset({"ex:US-CA"})))},
     "base-states-differ", 0.85),
    ({"founded": (1985, 1999)}, "founding-years-differ", 0.65),
    ({"founded": (1998, 1999)}, "founding-years-differ", 0.975),
])
def test_conflicting_facts_lower_the_score(facts, code, below):
    """The same name, and one fact each that says otherwise: reviewers see a lower score and why."""
    same = compare(prepare(org("a", "Club Tepetongo")), prepare(org("b", "CLUB TEPETONGO")))[0]
    (key, (left, right)), = facts.items()
    score, reasons = compare(prepare(org("a", "Club Tepetongo", **{key: left})),
                             prepare(org("b", "CLUB TEPETONGO", **{key: right})))
    assert same > 0.98 and score < below and code in [r.code for r in reasons]


def test_shared_facts_and_codes_raise_the_score():
    home = Where(frozenset({"ex:town"}), frozenset({"ex:MX-ZAC"}))
    alone = compare(prepare(org("a", "Club Tepetongo")), prepare(org("b", "Club Tepetonga")))[0]
    shared = compare(prepare(org("a", "Club Tepetongo", home=home, founded=1990)),
                     prepare(org("b", "Club Tepetonga", home=home, founded=1990)))[0]
    assert alone < 0.9 < shared
    place = lambda uri, name, code: Record(uri, "place", frozenset({"Place"}), "Place", (name,),  # noqa: E731
                                           codes=frozenset({("isoCode", code)}))
    assert compare(prepare(place("ex:1", "Michoacán", "MX-MIC")), prepare(place("ex:2", "Mich.", "MX-MIC")))[0] > 0.9
    assert compare(prepare(place("ex:1", "La Paz", "SV-PA")), prepare(place("ex:2", "La Paz", "BO-L")))[0] < 0.1


def test_different_numbers_and_different_places_in_names_lower_the_score():
    score, reasons = compare(prepare(org("a", "Club Anacleto Canabal 2da. Sección")),
                             prepare(org("b", "Club Anacleto Canabal 3ra. Sección")))
    assert score < 0.5 and "numbers-differ" in [r.code for r in reasons]


def test_an_acronym_that_fits_several_bodies_is_worth_less():
    one = [org("fed", "Federación de Clubes de Colima en Detroit", FEDERATION), org("acr", "FCCD")]
    two = [*one, org("other", "Federación de Clubes de Coahuila en Delaware", FEDERATION)]
    score_one = pairs(find_candidates(one))[frozenset({EX + "fed", EX + "acr"})]
    score_two = pairs(find_candidates(two, min_score=0.1))[frozenset({EX + "fed", EX + "acr"})]
    assert score_two < score_one


def test_place_codes_in_names_are_written_out_once_per_place_they_stand_for():
    places = [Record(EX + c, "place", frozenset({"Place"}), "Place", (n,), codes=frozenset({("isoCode", c)}))
              for c, n in (("US-CA", "California"), ("SV-CA", "Cabañas"), ("US-IL", "Illinois"))]
    codes = {short: [p.name for p in found] for short, found in place_codes(places).items()}
    assert spelt_out("Fed. Clubes Jalisco CA", codes) == ["Fed. Clubes Jalisco Cabañas", "Fed. Clubes Jalisco California"]
    assert spelt_out("Club Cadereyta", codes) == []


def test_blocking_yields_each_pair_once_and_leaves_common_tokens_out():
    common = [["x|t|juan"]] * 30  # more records than MAX_BLOCK share the token: it pairs nobody
    blocks = Blocks([["x|k|a", "x|t|juan"], ["x|k|a"], *common])
    assert list(blocks.pairs()) == [(0, 1)]
    probing = Blocks([["x|k|fedecmi"], ["x|k|fcmi"]], waiting=[[], ["x|i|fcmi"]], probing=[["x|i|fcmi"], []])
    assert list(probing.pairs()) == [(0, 1)]


# -- the offline command -------------------------------------------------------------------------------------------

def test_resolve_offline_writes_a_decisions_file_and_keeps_decisions_on_a_second_run(tmp_path):
    data = tmp_path / "federations.csv"
    data.write_text("id,prefLabel,source\n"
                    f"{EX}org/fed-1,FED. CLUBES MICHOACANOS IL,Test list (hypothetical)\n"
                    f"{EX}org/fed-2,Federación de Clubes Zacatecanos del Sur de California,Test list (hypothetical)\n",
                    encoding="utf-8")
    out = tmp_path / "decisions.csv"
    command = [sys.executable, "-m", "graph_loader", "resolve", "--offline", str(data), "--decisions", str(out)]
    env = {**os.environ, "COLUMNS": "80"}
    first = subprocess.run(command, capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr
    assert "FED. CLUBES MICHOACANOS IL" in first.stdout and "1 candidate pair(s)" in first.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "left,left_name,right,right_name,score,reasons,decision,who,when,note" and len(lines) == 2
    out.write_text(lines[0] + "\n" + lines[1].replace(",,,,", ",yes,ana,2026-12-07,same federation") + "\n",
                   encoding="utf-8")
    second = subprocess.run(command, capture_output=True, text=True, env=env)
    assert second.returncode == 0, second.stderr
    assert out.read_text(encoding="utf-8").splitlines()[1].endswith(",yes,ana,2026-12-07,same federation")
    assert "1 decided" in second.stderr
    refused = subprocess.run(command[:4] + [str(data)], capture_output=True, text=True, env=env)
    assert refused.returncode == 2 and "--offline" in refused.stderr and "Traceback" not in refused.stderr
    both = subprocess.run([*command, "--apply", str(out)], capture_output=True, text=True, env=env)
    assert both.returncode == 2 and "--apply takes no PATHS" in both.stderr


def test_a_place_linked_to_its_gazetteer_entry_is_no_candidate(seed):
    """The seed's Monte Escobedo and the gazetteer's municipio share a name, but a source links them already
    (``gazetteerPlace``): the pair is decided, not proposed."""
    monte = [r for r in seed if r.name == "Monte Escobedo"]
    assert len(monte) == 2 and any(other.uri in mine.linked for mine in monte for other in monte)
    assert not find_candidates(monte)
    unlinked = [Record(r.uri, r.family, r.kinds, r.kind, r.names, r.acronyms, r.home, r.based, r.founded, r.codes,
                       r.sources) for r in monte]
    assert len(find_candidates(unlinked)) == 1
