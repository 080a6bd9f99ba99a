"""Bad CSV input (issue 19): every defect of a CSV file is refused with its file and line, exit code 2, no
traceback, and nothing loaded; well-formed input that looks odd (a multi-line quote, a thousands comma) still
loads, and what is written is canonical XSD.

Through the real command line (``validate`` and ``load`` subprocesses against the test Neo4j) for the defects that
lose data silently; through :func:`csv_triples` for the exact literals written. All data are synthetic
(``https://example.org/test/``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph_loader.errors import InputError
from graph_loader.model import Lit
from graph_loader.rdf.csv_templates import csv_triples

CLI = [sys.executable, "-m", "graph_loader"]
EX = "https://example.org/test/"
XSD = "http://www.w3.org/2001/XMLSchema#"
DKG = "https://w3id.org/diaspora-kg/ontology#"
GOOD_FEDERATION = ("id,prefLabel,source\n"
                   f"{EX}org/fed,Test Federation (hypothetical),Test notes (hypothetical)\n")


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def cli(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True,
                          env={**(env or os.environ), "COLUMNS": "500"})  # wide console: messages not wrapped


def assert_refused(run: subprocess.CompletedProcess, *fragments: str) -> None:
    """Exit 2, no traceback, and every fragment in the error output."""
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode == 2, run.stdout + run.stderr
    for fragment in fragments:
        assert fragment in run.stderr, f"{fragment!r} not in:\n{run.stderr}"


def node_count(db) -> int:
    return db.read("MATCH (n) RETURN count(n) AS c")[0]["c"]


def assert_load_refused(db, neo4j_env, folder: Path, *fragments: str) -> None:
    """``load`` of a folder holding a good file and the bad one: refused, and the database unchanged (the good
    file of the same load is not written either)."""
    write(folder, "federations.csv", GOOD_FEDERATION)
    before = node_count(db)
    assert_refused(cli("load", folder, env=neo4j_env), *fragments)
    assert node_count(db) == before


def literals(path: Path, predicate: str) -> list[Lit]:
    return [o for _, p, o in csv_triples(path) if p == DKG + predicate]


# -- 1. records that lose or shift data --------------------------------------------------------------------------

UNCLOSED_TO_END = ("id,prefLabel,memberCount\n"
                   f"{EX}org/a,Club A,10\n"
                   f'{EX}org/b,"Club B,20\n'
                   f"{EX}org/c,Club C,30\n"
                   f"{EX}org/d,Club D,40\n")
#: The unclosed quote of line 3 is closed by the opening quote of line 5: the csv module reports line 5.
UNCLOSED_THEN_QUOTED = ("id,prefLabel,memberCount\n"
                        f"{EX}org/a,Club A,10\n"
                        f'{EX}org/b,"Club B,20\n'
                        f"{EX}org/c,Club C,30\n"
                        f'{EX}org/d,"Club D, the fourth",40\n')
#: A stray closing quote balances the unclosed one: three rows become one row of the right width.
UNCLOSED_BALANCED = ("id,prefLabel,memberCount\n"
                     f"{EX}org/a,Club A,10\n"
                     f'{EX}org/b,"Club B,20\n'
                     f"{EX}org/c,Club C,30\n"
                     f'{EX}org/d,Club D",40\n')


@pytest.mark.parametrize("text", [UNCLOSED_TO_END, UNCLOSED_THEN_QUOTED, UNCLOSED_BALANCED],
                         ids=["to-end-of-file", "closed-by-a-later-quote", "balanced-by-a-stray-quote"])
def test_unclosed_quote_is_refused_at_the_line_it_opens(tmp_path, text):
    path = write(tmp_path, "hometown_associations.csv", text)
    assert_refused(cli("validate", path), f"{path.name}:3:", "unclosed quote")


def test_unclosed_quote_loads_nothing(db, neo4j_env, tmp_path):
    write(tmp_path, "hometown_associations.csv", UNCLOSED_TO_END)
    assert_load_refused(db, neo4j_env, tmp_path, "hometown_associations.csv:3:", "unclosed quote")


def test_a_quoted_multi_line_quote_still_loads(db, tmp_path):
    from graph_loader.loading import load

    quote = "first line of the quote,\nsecond line, with a comma, and \"quotes\""
    escaped = quote.replace('"', '""')
    write(tmp_path, "hometown_associations.csv",
          "id,prefLabel,memberCount,quote\n"
          f'{EX}org/a,Club A,10,"{escaped}"\n'
          f"{EX}org/b,Club B,20,\n")
    load([tmp_path], db)
    rows = db.read("MATCH (e:Evidence) RETURN e.quote AS quote, e.locator AS locator ORDER BY locator")
    assert [r["quote"] for r in rows] == [quote, None]
    assert [r["locator"] for r in rows] == ["hometown_associations.csv, row 2", "hometown_associations.csv, row 4"]


def test_unquoted_comma_is_refused(db, neo4j_env, tmp_path):
    path = write(tmp_path / "in", "hometown_associations.csv",
                 "id,prefLabel,memberCount\n"
                 f"{EX}org/a,Club A,10\n"
                 f"{EX}org/b,Club B, Chicago,20\n")
    assert_refused(cli("validate", path), f"{path.name}:3:", "4 fields", "header has 3")
    assert_load_refused(db, neo4j_env, path.parent, f"{path.name}:3:", "4 fields")


def test_missing_field_is_refused(tmp_path):
    path = write(tmp_path, "hometown_associations.csv",
                 f"id,prefLabel,memberCount\n{EX}org/a,Club A,10\n{EX}org/b,Club B\n")
    assert_refused(cli("validate", path), f"{path.name}:3:", "2 fields", "header has 3")


def test_duplicate_column_is_refused(db, neo4j_env, tmp_path):
    path = write(tmp_path / "in", "hometown_associations.csv",
                 f"id,prefLabel,memberCount,prefLabel\n{EX}org/a,Club A,10,Club Alpha\n")
    assert_refused(cli("validate", path), f"{path.name}:1:", "prefLabel", "twice")
    assert_load_refused(db, neo4j_env, path.parent, f"{path.name}:1:", "twice")


def test_value_under_a_nameless_column_is_refused(tmp_path):
    path = write(tmp_path, "hometown_associations.csv",
                 f"id,prefLabel,\n{EX}org/a,Club A,\n{EX}org/b,Club B,lost value\n")
    assert_refused(cli("validate", path), f"{path.name}:3:", "column 3", "no name")


def test_empty_trailing_column_is_harmless(tmp_path):
    path = write(tmp_path, "hometown_associations.csv", f"id,prefLabel,\n{EX}org/a,Club A,\n")
    run = cli("validate", path)
    assert run.returncode == 0, run.stdout + run.stderr


# -- 2. numbers --------------------------------------------------------------------------------------------------

NOT_NUMBERS = ["NaN", "nan", "sNaN", "Infinity", "-inf", "+Inf", "inf"]


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_nan_and_infinity_are_not_numbers(tmp_path, value):
    path = write(tmp_path, "contributions.csv",
                 f"contributor,recipient,amountUsd\n{EX}org/a,{EX}project/p,10\n{EX}org/a,{EX}project/p,{value}\n")
    assert_refused(cli("validate", path), f"{path.name}:3: column amountUsd: {value!r} is not a number")


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-inf"])
def test_nan_and_infinity_are_not_whole_numbers(tmp_path, value):
    path = write(tmp_path, "hometown_associations.csv", f"id,prefLabel,memberCount\n{EX}org/a,Club A,{value}\n")
    assert_refused(cli("validate", path), f"{path.name}:2: column memberCount: {value!r} is not a number")


def test_nan_loads_nothing(db, neo4j_env, tmp_path):
    write(tmp_path, "contributions.csv", f"contributor,recipient,amountUsd\n{EX}org/fed,{EX}project/p,NaN\n")
    assert_load_refused(db, neo4j_env, tmp_path, "contributions.csv:2: column amountUsd: 'NaN' is not a number")


def test_integer_beyond_int64_is_refused(db, neo4j_env, tmp_path):
    path = write(tmp_path / "in", "hometown_associations.csv",
                 f"id,prefLabel,memberCount\n{EX}org/a,Club A,10\n{EX}org/b,Club B,99999999999999999999999\n")
    assert_refused(cli("validate", path), f"{path.name}:3: column memberCount:", "64-bit")
    assert_load_refused(db, neo4j_env, path.parent, f"{path.name}:3: column memberCount:")


@pytest.mark.parametrize("value", ["9223372036854775807", "-9223372036854775808"])
def test_int64_bounds_are_accepted(tmp_path, value):
    path = write(tmp_path, "hometown_associations.csv", f"id,prefLabel,memberCount\n{EX}org/a,Club A,{value}\n")
    assert literals(path, "memberCount") == [Lit(value, XSD + "integer")]


@pytest.mark.parametrize("value", ["9223372036854775808", "-9223372036854775809"])
def test_one_beyond_int64_is_refused(tmp_path, value):
    path = write(tmp_path, "hometown_associations.csv", f"id,prefLabel,memberCount\n{EX}org/a,Club A,{value}\n")
    with pytest.raises(InputError, match="64-bit"):
        list(csv_triples(path))


@pytest.mark.parametrize("value, canonical", [
    ("10000", "10000"), ("1,200", "1200"), ("1,234,567.50", "1234567.5"), ("+12.5", "12.5"), (".25", "0.25"),
    ("0.250", "0.25"), ("007", "7"), ("-0", "0"), ("-0.0", "0"), ("12.", "12"), ("-3.10", "-3.1"),
])
def test_decimals_are_written_canonical(tmp_path, value, canonical):
    path = write(tmp_path, "contributions.csv",
                 f'contributor,recipient,amountUsd\n{EX}org/a,{EX}project/p,"{value}"\n')
    assert literals(path, "amountUsd") == [Lit(canonical, XSD + "decimal")]


@pytest.mark.parametrize("value, canonical", [("1,200", "1200"), ("+40", "40"), ("0012", "12"), ("-0", "0")])
def test_integers_are_written_canonical(tmp_path, value, canonical):
    path = write(tmp_path, "hometown_associations.csv",
                 f'id,prefLabel,memberCount\n{EX}org/a,Club A,"{value}"\n')
    assert literals(path, "memberCount") == [Lit(canonical, XSD + "integer")]


@pytest.mark.parametrize("value", ["1e3", "1E+21", "1.5e-3", "1_000", "1,5", "1,50", "12,34,567", "1,2345",
                                   "1.200,50", "0x10", "1 000", "--1", "1.2.3", ".", "-", "$100"])
def test_ambiguous_or_non_decimal_forms_are_refused(tmp_path, value):
    path = write(tmp_path, "contributions.csv",
                 f'contributor,recipient,amountUsd\n{EX}org/a,{EX}project/p,"{value}"\n')
    with pytest.raises(InputError, match="is not a number") as info:
        list(csv_triples(path))
    assert info.value.line == 2 and info.value.hint


@pytest.mark.parametrize("value", ["12.0", "1e3", "1_000", "1,5"])
def test_non_integer_forms_are_refused(tmp_path, value):
    path = write(tmp_path, "hometown_associations.csv", f'id,prefLabel,memberCount\n{EX}org/a,Club A,"{value}"\n')
    with pytest.raises(InputError, match="is not a whole number"):
        list(csv_triples(path))


@pytest.mark.parametrize("value", ["1" + "0" * 400, "12345678901234567891.5", "0.12345678901234567891"])
def test_decimals_a_64_bit_float_cannot_keep_are_refused(tmp_path, value):
    path = write(tmp_path, "contributions.csv", f"contributor,recipient,amountUsd\n{EX}org/a,{EX}project/p,{value}\n")
    assert_refused(cli("validate", path), f"{path.name}:2: column amountUsd:", "digits")


# -- 3. a huge cell ----------------------------------------------------------------------------------------------

def test_huge_cell_is_refused_with_its_line(tmp_path):
    big = "x" * 1_000_000
    path = write(tmp_path, "hometown_associations.csv",
                 f"id,prefLabel,quote\n{EX}org/a,Club A,short\n{EX}org/b,Club B,{big}\n")
    assert_refused(cli("validate", path), f"{path.name}:3:", "longer than")


def test_cell_at_the_bound_is_accepted(tmp_path):
    from graph_loader.rdf.csv_templates import MAX_CELL_CHARS

    path = write(tmp_path, "hometown_associations.csv",
                 f"id,prefLabel,quote\n{EX}org/a,Club A,{'x' * MAX_CELL_CHARS}\n")
    assert [len(o.value) for _, p, o in csv_triples(path) if p == DKG + "quote"] == [MAX_CELL_CHARS]


# -- 4. language tags --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("column", ["prefLabel@xx-!!", "prefLabel@", "prefLabel@es_MX", "altLabel@-es",
                                    "prefLabel@toolongprimary"])
def test_invalid_language_tag_is_refused(tmp_path, column):
    path = write(tmp_path, "hometown_associations.csv", f"id,prefLabel,{column}\n{EX}org/a,Club A,Club Alpha\n")
    assert_refused(cli("validate", path), f"{path.name}:1:", repr(column), "language tag", "es-MX")


@pytest.mark.parametrize("column", ["memberCount@es", "memberOf@es", "id@es"])
def test_language_on_a_non_text_column_is_refused(tmp_path, column):
    path = write(tmp_path, "hometown_associations.csv", f"id,prefLabel,{column}\n{EX}org/a,Club A,12\n")
    assert_refused(cli("validate", path), f"{path.name}:1:", repr(column))


def test_valid_language_tags_are_kept_lower_case(tmp_path):
    path = write(tmp_path, "hometown_associations.csv",
                 f"id,prefLabel,prefLabel@es-MX,altLabel@zh-Hant-TW\n{EX}org/a,Club A,Club Á,俱乐部\n")
    labels = {o for _, p, o in csv_triples(path) if isinstance(o, Lit) and o.lang}
    assert labels == {Lit("Club Á", None, "es-mx"), Lit("俱乐部", None, "zh-hant-tw")}


# -- 5. ids ------------------------------------------------------------------------------------------------------

BAD_IDS = ["org/has space", "../etc/passwd", "org/../x", "org/./x", "javascript:alert(1)", "file:///etc/passwd",
           "data:text/html,x", "/org/lead-slash", "org//double", "org/x?y", "https://", "http:no-slashes",
           "https://example.org/test/a b", "https://example.org/test/<x>", "https://example.org/test/../x",
           "urn:", "org/é"]


@pytest.mark.parametrize("value", BAD_IDS)
def test_bad_id_is_refused(tmp_path, value):
    path = write(tmp_path, "hometown_associations.csv",
                 f'id,prefLabel\n{EX}org/ok,Club OK\n"{value}",Club A\n')
    assert_refused(cli("validate", path), f"{path.name}:3: column id:", "https://", "org/")


@pytest.mark.parametrize("value", ["org/has space", "javascript:alert(1)", "../x"])
def test_bad_link_is_refused(tmp_path, value):
    path = write(tmp_path, "hometown_associations.csv",
                 f'id,prefLabel,memberOf\n{EX}org/a,Club A,"{EX}org/fed|{value}"\n')
    assert_refused(cli("validate", path), f"{path.name}:2: column memberOf:")


def test_bad_ids_load_nothing(db, neo4j_env, tmp_path):
    write(tmp_path, "hometown_associations.csv",
          f"id,prefLabel,memberOf\n{EX}org/a,Club A,javascript:alert(1)\n")
    assert_load_refused(db, neo4j_env, tmp_path, "hometown_associations.csv:2: column memberOf:")


def test_empty_required_id_is_refused(db, neo4j_env, tmp_path):
    path = write(tmp_path / "in", "hometown_associations.csv", f"id,prefLabel\n{EX}org/a,Club A\n,Club B\n")
    assert_refused(cli("validate", path), f"{path.name}:3: column id:", "empty")
    assert_load_refused(db, neo4j_env, path.parent, f"{path.name}:3: column id:")


def test_empty_id_of_an_nary_row_is_made_from_the_row(tmp_path):
    path = write(tmp_path, "contributions.csv", f"contributor,recipient,id,amountUsd\n{EX}org/a,{EX}project/p,,5\n")
    subjects = {s for s, p, _ in csv_triples(path) if p == DKG + "amountUsd"}
    assert len(subjects) == 1 and subjects.pop().endswith("/row-2")


@pytest.mark.parametrize("value, iri", [
    (f"{EX}org/a", f"{EX}org/a"), ("http://example.org/test/a#x", "http://example.org/test/a#x"),
    ("urn:example:test-a", "urn:example:test-a"), ("org/sala", "https://w3id.org/diaspora-kg/id/org/sala"),
    ("org/a.b_c~d-1", "https://w3id.org/diaspora-kg/id/org/a.b_c~d-1"),
])
def test_good_ids_are_accepted(tmp_path, value, iri):
    path = write(tmp_path, "hometown_associations.csv", f"id,prefLabel\n{value},Club A\n")
    assert {s for s, _, o in csv_triples(path) if o == DKG + "HometownAssociation"} == {iri}


def test_source_that_looks_like_an_unsafe_iri_is_refused(tmp_path):
    path = write(tmp_path, "hometown_associations.csv",
                 f"id,prefLabel,source\n{EX}org/a,Club A,javascript:alert(1)\n")
    assert_refused(cli("validate", path), f"{path.name}:2: column source:")


# -- 6. nothing to read ------------------------------------------------------------------------------------------

def test_validate_of_an_empty_folder_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    assert_refused(cli("validate", tmp_path / "empty"), "no RDF or CSV file")


def test_validate_of_a_folder_without_rdf_or_csv_is_refused(tmp_path):
    write(tmp_path / "notes", "readme.txt", "not data\n")
    assert_refused(cli("validate", tmp_path / "notes"), "no RDF or CSV file")


def test_load_of_an_empty_folder_is_refused(db, neo4j_env, tmp_path):
    (tmp_path / "empty").mkdir()
    write(tmp_path / "notes", "readme.txt", "not data\n")
    before = node_count(db)
    assert_refused(cli("load", tmp_path / "empty", env=neo4j_env), "no RDF or CSV file")
    assert_refused(cli("load", tmp_path / "notes", env=neo4j_env), "no RDF or CSV file")
    assert node_count(db) == before
