"""Every table command read at 80 and at 200 columns, through the real command line against the real Neo4j
holding the seed corpus: no line wider than the terminal, headers whole, the longest names whole (no word cut),
and at 200 columns the room used."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from rich.cells import cell_len

from graph_loader.rdf.read import expand_paths
from graph_loader.resources import seed_paths

CLI = [sys.executable, "-m", "graph_loader"]
RULE = "─"

#: Table commands and the column holding the names that must stay whole.
COMMANDS = {
    "brokers": (["analyze", "brokers", "--no-write"], "name"),
    "coalitions": (["analyze", "coalitions", "--no-write"], None),
    "who_funds_what": (["query", "who_funds_what"], "funder"),
    "neighbourhood": (["query", "neighbourhood", "-p", "name=FISDL"], "neighbour"),
    "fisdl": (["query", "fisdl_partnerships_by_department"], "department"),
    "tie_provenance": (["query", "tie_provenance", "-p", "name=SALA"], "object"),
    "sources": (["sources"], None),
    "schema": (["schema"], "name"),
    "audit-table": (["audit", "--format", "table"], "subject"),
}


def run(args: list[str], width: int, env: dict) -> tuple[str, str]:
    done = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300,
                          env={**env, "COLUMNS": str(width), "TERM": "dumb"})
    assert done.returncode == 0, done.stderr
    return done.stdout, done.stderr


#: One-line messages on stderr, left whole for copying and searching as every command's messages are (the
#: terminal wraps them): which server, and how a load wrote.
MESSAGES = ("Using ", "Written with ", "Nothing written ")


def too_wide(text: str, width: int) -> list[str]:
    """Lines wider than ``width``, the one-line :data:`MESSAGES` aside."""
    return [line for line in text.splitlines() if cell_len(line) > width and not line.startswith(MESSAGES)]


def header_of(text: str) -> list[str]:
    """The header cells of the table in ``text``: the line above the rule under it."""
    lines = text.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.strip() and set(line.strip()) == {RULE})
    return lines[rule - 1].split()


_JSON: dict[str, list[dict]] = {}


@pytest.fixture
def env(seed_db, neo4j_env):
    """The CLI's environment, pointed at the seed corpus (nothing here writes)."""
    return neo4j_env


def as_json(key: str, env: dict) -> list[dict]:
    """A command's rows as JSON (every column), asked once."""
    if key not in _JSON:
        _JSON[key] = json.loads(run([*COMMANDS[key][0], "--format", "json"], 200, env)[0])
    return _JSON[key]


@pytest.mark.parametrize("width", [80, 200])
@pytest.mark.parametrize("key", list(COMMANDS))
def test_tables_fit_with_headers_and_names_whole(key, width, env):
    args, name_column = COMMANDS[key]
    out, err = run(args, width, env)
    assert too_wide(out, width) == [] and too_wide(err, width) == []
    rows = as_json(key, env)
    header = header_of(out)
    assert header and set(header) <= set(rows[0]), header  # every header cell is a whole column name
    tokens = set(out.split())
    if name_column:
        shown = [r[name_column] for r in rows if isinstance(r.get(name_column), str)]
        longest = max(shown, key=len)
        assert set(longest.split()) <= tokens, longest  # the longest name, every word of it whole
        for name in shown:
            assert set(name.split()) <= tokens, name
    if width == 200:
        assert len(header) >= min(len(rows[0]), 4)


def test_at_80_columns_brokers_show_names_kinds_and_the_measure_first(env):
    out, _ = run(COMMANDS["brokers"][0], 80, env)
    assert header_of(out)[:4] == ["name", "kind", "country", "betweenness"]
    assert "uri" not in header_of(out) and "https://" not in out
    assert "not shown for lack of room" in out
    wide, _ = run(COMMANDS["brokers"][0], 200, env)
    assert header_of(wide) == ["name", "kind", "country", "betweenness", "brokerage", "effective_size",
                               "constraint", "degree"]


def test_query_names_are_whole_at_80_columns(env):
    listed = json.loads(run(["queries", "--format", "json"], 80, env)[0])
    for width in (80, 200):
        out, _ = run(["queries"], width, env)
        assert too_wide(out, width) == []
        starts = {line.split()[0] for line in out.splitlines() if line.startswith("  ") and line.strip()}
        assert {q["name"] for q in listed} <= starts  # each name whole at the start of its line
    table, _ = run(["queries", "--columns", "name,params,description"], 80, env)
    assert too_wide(table, 80) == [] and {q["name"] for q in listed} <= set(table.split())


@pytest.mark.parametrize("width", [80, 200])
def test_audit_and_summary_and_load_report_fit(width, env):
    audit, err = run(["audit"], width, env)
    assert too_wide(audit, width) == [] and too_wide(err, width) == []
    assert len(audit.splitlines()) < 400  # was 1,923 lines of 6-character fragments at 80 columns
    assert "Cabañas › governmentFundsUsd" in audit
    summary, err = run(["analyze", "summary", "--no-write"], width, env)
    assert too_wide(summary, width) == [] and too_wide(err, width) == []
    assert sum(1 for line in summary.splitlines() if line.strip() and set(line.strip()) == {RULE}) == 2  # two tables
    # The load report is on stderr: a dry run of the seed corpus, every file shown apart.
    out, report = run(["load", "--dry-run", "--force"], width, env)
    assert too_wide(report, width) == []
    sources = [line.split()[0] for line in report.splitlines() if " would-load " in line]
    assert len(sources) == len(set(sources)) == len(list(expand_paths(seed_paths())))
    assert "Nothing written (dry run)" in report and "Written with" not in report


def test_wide_prints_records_when_the_columns_do_not_fit(env):
    out, _ = run(["analyze", "brokers", "--no-write", "--wide", "--top", "2"], 80, env)
    assert too_wide(out, 80) == []
    assert "── 1 " in out and "── 2 " in out and "liaison" in out
    csv_out, _ = run(["analyze", "brokers", "--no-write", "--format", "csv", "--columns", "name"], 80,
                     env)
    header = csv_out.splitlines()[0].split(",")  # CSV: every column
    assert header[:4] == ["uri", "name", "kind", "country"] and {"betweenness", "liaison", "actor_set"} <= set(header)
