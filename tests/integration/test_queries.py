"""The Cypher query library (cypher/, schema/ and audit/ excepted): every file's header is complete and honest,
every query runs on the seed corpus with its example parameters, and the analytical queries give back what the
article prints (Tables 1-3 to the cent, the one department without a project, known ties and shares)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from graph_loader.neo4j.catalogue import CYPHER_DIR, parse_query_file
from graph_loader.neo4j.queries import run_named

LIBRARY_FILES = sorted(
    path for path in CYPHER_DIR.rglob("*.cypher")
    if path.relative_to(CYPHER_DIR).parts[0] not in ("schema", "audit")
)
_EXAMPLE_PAIR = re.compile(r"(\w+)=(.*?)(?=\s+\w+=|$)")


def example_params(query) -> dict:
    """The ``// example: key=value ...`` parameters; values are JSON where they parse (numbers), else text."""
    params = {}
    for key, raw in _EXAMPLE_PAIR.findall(query.header.get("example", "")):
        try:
            params[key] = json.loads(raw)
        except ValueError:
            params[key] = raw.strip()
    return params


def test_the_library_is_not_empty():
    assert len(LIBRARY_FILES) >= 15


def test_the_readme_lists_every_query():
    readme = (CYPHER_DIR / "README.md").read_text(encoding="utf-8")
    missing = [path.stem for path in LIBRARY_FILES if f"`{path.stem}`" not in readme]
    assert missing == []


@pytest.mark.parametrize("path", LIBRARY_FILES, ids=lambda p: p.stem)
def test_header_is_complete_and_params_match_use(path):
    query = parse_query_file(path)
    assert query.name == path.stem, "file name and // name: must agree"
    assert query.mode == "read"
    assert "example" in query.header, "add an // example: line (may be empty when there is no parameter)"
    assert query.used_params() == query.param_names()
    for param in query.params:
        assert param.type in ("string", "integer", "float", "boolean", "list"), param
    required = {p.name for p in query.params if not p.optional}
    assert required <= set(example_params(query)), "the example must give every required parameter"


@pytest.mark.parametrize("path", LIBRARY_FILES, ids=lambda p: p.stem)
def test_runs_on_the_seed_with_its_example(seed_db, path):
    query = parse_query_file(path)
    rows = run_named(seed_db, query.name, example_params(query))
    assert rows, f"{query.name} returns no row with its example parameters"
    assert list(rows[0]) == list(query.returns), "the // returns: line must list the columns in order"


TABLE_1 = [
    ("La Unión", 11, 34987.72, 273468.48, 414321.27, 37665.57, 8.4, 66.0),
    ("La Paz", 10, 7138.78, 89349.51, 156039.11, 15603.91, 4.6, 57.3),
    ("Chalatenango", 7, 12515.15, 46676.50, 77957.09, 11136.72, 16.1, 59.9),
    ("Cabañas", 3, 11283.60, 88895.22, 129472.74, 43157.58, 8.7, 68.7),
    ("San Miguel", 3, 7543.77, 38449.12, 51006.38, 17002.13, 14.8, 75.4),
    ("Cuscatlan", 2, 2512.85, 21046.49, 29115.12, 14557.56, 8.6, 72.3),
    ("San Salvador", 2, 685.32, 44294.50, 72980.69, 36490.34, 0.9, 60.7),
    ("Usulutan", 2, 158106.43, 117081.53, 276493.34, 138246.67, 57.2, 42.3),
    ("Ahuachapan", 1, 456.88, 2398.63, 4568.82, 4568.82, 10.0, 52.5),
    ("La Libertad", 1, 1658.24, 15372.58, 17030.82, 17030.82, 9.7, 90.3),
    ("Morazan", 1, 567.90, 39125.06, 56785.28, 56785.28, 1.0, 68.9),
    ("San Vicente", 1, 4200.91, 3437.12, 7638.04, 7638.04, 55.0, 45.0),
    ("Santa Ana", 1, 2090.01, 10728.72, 13933.40, 13933.40, 15.0, 77.0),
    ("Total/average", 45, 243747.56, 790323.45, 1307342.09, 31832.06, 16.2, 64.3),
]

TABLE_2 = [
    ("1999", 1999, 93, 27, 503253.77),
    ("2000", 2000, 108, 28, 6330249.10),
    ("2001", 2001, 123, 22, 7256539.63),
    ("2002", 2002, 308, 43, 17597250.69),
    ("2003*", 2003, 305, 44, 13174805.87),
    ("Total", None, 937, 164, 44862099.05),
]

TABLE_3 = [
    ("1we", 1, 12, 9, 31342, 762669.81),
    ("2", 2, 16, 11, 190000, 1317550.46),
    ("3", 3, 20, 8, 46270, 959504.79),
    ("4", 4, 9, 3, 1966, 639789.66),
    ("5", 5, 7, 7, 4412, 380512.60),
    ("Total", None, 64, 30, 273990, 4060027.33),
]


def cents(value):
    """A figure as printed to the cent (or to the tenth for percentages): compare decimals, not binary floats."""
    return None if value is None else f"{value:.2f}"


def test_table_1_reproduced_exactly(seed_db):
    rows = run_named(seed_db, "fisdl_partnerships_by_department")
    got = [(r["department"], r["projects"], *(cents(r[k]) for k in
            ("hta_donation", "fisdl_funds", "total_cost", "avg_cost", "pct_hta", "pct_fisdl"))) for r in rows]
    assert got == [(d, n, *(cents(v) for v in rest)) for d, n, *rest in TABLE_1]


def test_table_2_reproduced_exactly(seed_db):
    rows = run_named(seed_db, "zacatecas_3x1_by_year")
    got = [(r["row"], r["year"], r["projects"], r["municipalities"], cents(r["amount_usd"])) for r in rows]
    assert got == [(*head, cents(amount)) for *head, amount in TABLE_2]
    assert "April 12, 2003" in rows[4]["note"]


def test_table_3_reproduced_exactly(seed_db):
    rows = run_named(seed_db, "michoacan_3x1_by_stipend")
    got = [(r["row"], r["stipend"], r["projects"], r["municipalities"], r["people_benefited"],
            cents(r["amount_usd"])) for r in rows]
    assert got == [(*head, cents(amount)) for *head, amount in TABLE_3]


@pytest.mark.parametrize("programme, country", [
    ("Unidos por la Solidaridad", "SV"),
    ("unidos por la solidaridad", "El Salvador"),
    ("https://w3id.org/diaspora-kg/id/programme/unidos-por-la-solidaridad", "https://w3id.org/diaspora-kg/id/place/SV"),
])
def test_sonsonate_is_the_only_department_without_a_project(seed_db, programme, country):
    # "Several provinces have only had one project each, and only one has had none."
    rows = run_named(seed_db, "areas_without_projects", {"programme": programme, "country": country})
    assert [(r["area"], r["iso_code"]) for r in rows] == [("Sonsonate", "SV-SO")]


def test_federation_reaches_michoacan(seed_db):
    # "HTAs from several communities in Michoacan established the Federación de Clubes Michoacanos in Illinois"
    rows = run_named(seed_db, "federations_to_municipalities", {"country": "MX"})
    pairs = {(r["federation"], r["place"], r["place_level"]) for r in rows}
    assert ("Federación de Clubes Michoacanos en Illinois", "Michoacán de Ocampo", "state") in pairs
    assert any("CREATED_BY" in r["via"] for r in rows)
    assert run_named(seed_db, "federations_to_municipalities", {"country": "SV"}) == []


def test_associations_by_home_area_groups_the_cuscatlan_htas(seed_db):
    # "The two projects sponsored by Cuscatlan-origin hometown associations (SALA, LA and Asociación Adentro
    # Cojutepeque)"
    rows = run_named(seed_db, "associations_by_home_area", {"area": "cuscatlan"})
    assert [(r["area"], sorted(r["associations"])) for r in rows] == [
        ("Cuscatlán", ["Asociación Adentro Cojutepeque", "SALA"])]


def test_associations_by_us_city(seed_db):
    rows = run_named(seed_db, "associations_by_us_city", {"city": "los angeles"})
    assert {"SALA", "Salvadoran hometown associations in the US", "Mexican hometown associations in the US"} <= {
        r["association"] for r in rows}
    assert {r["city"] for r in rows} == {"Los Angeles"}


@pytest.mark.parametrize("name", ["FEDECMI", "federacion de clubes michoacanos en illinois",
                                  "Federación de Clubes Michoacanos in Illinois"])
def test_partners_of_matches_names_accents_and_acronyms(seed_db, name):
    # "which has instituted a youth programme in cooperation with Heartland Alliance"
    rows = run_named(seed_db, "partners_of", {"name": name})
    assert {(r["partner"], r["tie"]) for r in rows} >= {("Heartland Alliance", "partners with"),
                                                        ("Heartland Alliance", "co-runs")}


def test_partners_of_sala_include_fisdl_and_the_co_funder(seed_db):
    rows = run_named(seed_db, "partners_of", {"name": "SALA, LA"})
    assert {"Social Investment and Local Development Fund", "Asociación Adentro Cojutepeque"} <= {
        r["partner"] for r in rows}


def test_agencies_sit_in_their_ministries(seed_db):
    # "The IME is an independent agency within the Ministry of Foreign Affairs"; DGACE within the Salvadoran MFA,
    # and the FISDL (in partnership with the DGACE) runs Unidos por la Solidaridad.
    rows = run_named(seed_db, "agencies_and_programmes")
    by_agency = {(r["agency"], r["programme"]): r for r in rows}
    assert by_agency[("Institute for Mexicans Abroad", None)]["ministry"] == "Ministry of Foreign Affairs"
    assert by_agency[("Social Investment and Local Development Fund", "Unidos por la Solidaridad")]["role"] == "runs"
    dgace = by_agency[("General Directorate within the Ministry of Foreign Affairs to address the Salvadoran "
                       "community living abroad", "Unidos por la Solidaridad")]
    assert (dgace["role"], dgace["ministry"]) == ("co-runs", "Salvadoran Ministry of Foreign Affairs")
    assert {r["country"] for r in run_named(seed_db, "agencies_and_programmes", {"country": "mexico"})} == {"Mexico"}


def test_ifad_provides_53_percent(seed_db):
    # "Besides providing 53% of the funding, IFAD's main contributions were technical assistance"
    rows = run_named(seed_db, "who_funds_what", {"funder": "IFAD"})
    assert [(r["recipient"].startswith("Private construction of a local high school"), r["share"]) for r in rows] \
        == [(True, 0.53)]


def test_3x1_parties_each_share_a_quarter(seed_db):
    # "the three-for-one programme (3x1), in which each party shares 25% of the cost of a particular project"
    rows = run_named(seed_db, "who_funds_what", {"recipient": "3x1"})
    assert {"Federal Government of Mexico", "Mexican émigrés", "State government of Zacatecas"} <= {
        r["funder"] for r in rows}
    assert {r["share"] for r in rows} == {0.25}


def test_neighbourhood_depth_is_honoured_and_capped(seed_db):
    one = run_named(seed_db, "neighbourhood", {"name": "fisdl"})
    two = run_named(seed_db, "neighbourhood", {"name": "FISDL", "depth": 2})
    capped = run_named(seed_db, "neighbourhood", {"name": "FISDL", "depth": 99})
    assert {r["distance"] for r in one} == {1}
    assert "Unidos por la Solidaridad" in {r["neighbour"] for r in one}
    assert max(r["distance"] for r in two) == 2 and len(two) > len(one)
    assert max(r["distance"] for r in capped) == 3
    assert all(len(r["via"]) == r["distance"] for r in two)


def test_tie_provenance_quotes_the_article(seed_db):
    rows = run_named(seed_db, "tie_provenance", {"name": "IFAD"})
    funding = [r for r in rows if r["relationship"] == "FUNDS"]
    assert funding and all("53%" in r["quote"] for r in funding)
    assert all(r["source"] == "ARI Nº 16/2005 (Real Instituto Elcano), 3 February 2005" for r in funding)


def test_cross_network_brokers(seed_db):
    rows = {r["broker"]: r for r in run_named(seed_db, "cross_network_brokers")}
    fisdl = rows["Social Investment and Local Development Fund"]
    assert "US-based and home-country actors" in fisdl["bridges"] and "SALA" in fisdl["us_based_ties"]
    federations = rows["hometown association federations (state confederations of hometown associations)"]
    assert sorted(federations["networks"]) == ["MX", "SV"]


def test_rule_checks_flag_rows_below_the_ten_percent_match(seed_db):
    # "(b) The hometown association must match at least 10% of the project's costs." vs Table 1's % HTA column
    rows = run_named(seed_db, "programme_rule_checks", {"programme": "Unidos por la Solidaridad"})
    below = {r["row"] for r in rows if r["rule"] == "(b)" and not r["within_bounds"]}
    assert below == {"La Unión", "La Paz", "Cabañas", "Cuscatlan", "San Salvador", "La Libertad", "Morazan"}


def test_text_figures_that_disagree_with_the_tables(seed_db):
    # The text's "US$99,000" and "US$780,000" for Cabañas and "(305)" approved projects in 2002 disagree with
    # Tables 1 and 2; the rounded shares (16%, 9%, 69%, 1%, 57%) agree.
    rows = run_named(seed_db, "text_figures_vs_tables")
    wrong = {(r["row"], r["measure"], r["text_value"]) for r in rows if not r["consistent"]}
    assert wrong == {("Cabañas", "htaDonationUsd", 99000.0), ("Cabañas", "governmentFundsUsd", 780000.0),
                     ("2002", "projectCount", 305.0)}


def test_programme_rules_and_advocacy(seed_db):
    rules = run_named(seed_db, "programme_rules", {"programme": "Unidos por la Solidaridad"})
    assert [r["rule"] for r in rules] == ["(a)", "(b)", "(c)", "(d)", "(e)"]
    assert next(r for r in rules if r["rule"] == "(e)")["minimum"] == 30000.0
    demands = run_named(seed_db, "lobbying_and_demands", {"topic": "dual-citizenship"})
    assert [(r["action"], r["actor"]) for r in demands] == [("demands", "Latin American émigrés in the United States")]


def run_cli(env, *args):
    return subprocess.run([sys.executable, "-m", "graph_loader", *args], env=env, capture_output=True, text=True,
                          timeout=120)


def test_cli_prints_json_rows(seed_db, neo4j_env):
    result = run_cli(neo4j_env, "query", "associations_by_home_area", "-p", "country=SV", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows[0]["area"] == "Cuscatlán" and rows[0]["association_count"] == 2


def test_cli_refuses_a_write_without_the_flag(seed_db, neo4j_env):
    result = run_cli(neo4j_env, "query", "--cypher", "CREATE (:ShouldNotExist)", "--format", "json")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "--write" in result.stderr + result.stdout
    assert seed_db.read("MATCH (n:ShouldNotExist) RETURN count(n) AS n")[0]["n"] == 0


def test_cli_refuses_a_write_mode_file_without_the_flag(seed_db, neo4j_env, tmp_path):
    query_file = tmp_path / "make_marker.cypher"
    query_file.write_text("// name: make_marker\n// description: Writes.\n// params: none\n// returns: n\n"
                          "// mode: write\nCREATE (n:ShouldNotExist) RETURN count(n) AS n\n", encoding="utf-8")
    result = run_cli(neo4j_env, "query", "--file", str(query_file), "--format", "json")
    assert result.returncode != 0
    assert "--write" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert seed_db.read("MATCH (n:ShouldNotExist) RETURN count(n) AS n")[0]["n"] == 0


def test_cli_query_error_names_the_query_and_shows_neo4j_message(seed_db, neo4j_env):
    # A number where Cypher needs a string: Neo4j's trim() rejects the bound parameter at run time.
    result = run_cli(neo4j_env, "query", "associations_by_us_city", "-p", "city=5")
    output = result.stderr + result.stdout
    assert result.returncode != 0
    assert "Traceback" not in output
    assert "query associations_by_us_city" in output
    assert "Type mismatch" in output or "expected" in output.lower()
