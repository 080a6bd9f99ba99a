"""The report of ``diaspora-kg run`` against a real Neo4j: answers first, every question in full, figures as printed,
every Reproduce line a command that runs as pasted and gives the section's rows; ``run --offline`` afterwards
says what it skipped and leaves nothing of the online run behind."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from graph_loader import pipeline
from graph_loader.report.commands import query_command

from ..conftest import MARKER_LABEL, wipe

pytestmark = pytest.mark.integration

SCORES = ("score_betweenness", "score_constraint", "score_effective_size", "score_efficiency", "score_brokerage",
          "score_coordinator", "score_itinerant", "score_representative", "score_gatekeeper", "score_liaison",
          "score_degree", "score_coalition")


def server_env(neo4j_instance) -> dict:
    from graph_loader.settings import load_settings

    if neo4j_instance is not None:
        return {"NEO4J_URI": neo4j_instance.uri, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": neo4j_instance.password(),
                "NEO4J_DATABASE": "neo4j"}
    s = load_settings()
    return {"NEO4J_URI": s.uri, "NEO4J_USER": s.user, "NEO4J_PASSWORD": s.password or "", "NEO4J_DATABASE": s.database}


def seeded(neo4j_db) -> None:
    """The seed corpus in the test database (as the ``seed_db`` fixture leaves it)."""
    from graph_loader.loading import load

    state = neo4j_db.read(f"MATCH (m:{MARKER_LABEL}) RETURN m.state AS s")[0]["s"]
    if state != "seed":
        wipe(neo4j_db)
        load(None, neo4j_db)
        neo4j_db.write(f"MATCH (m:{MARKER_LABEL}) SET m.state = 'seed'")


def clear_scores(neo4j_db) -> None:
    neo4j_db.write("MATCH (n:Resource) WHERE any(k IN keys(n) WHERE k STARTS WITH 'score_') SET n += $nulls",
                   {"nulls": dict.fromkeys(SCORES)})


@pytest.fixture(scope="module")
def online(neo4j_instance, neo4j_db, tmp_path_factory):
    """``pipeline.run`` once against the seeded test database: its result, the environment it ran in."""
    seeded(neo4j_db)
    env = server_env(neo4j_instance)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    out = tmp_path_factory.mktemp("online") / "out"
    try:
        result = pipeline.run(out, echo=lambda message: None)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        clear_scores(neo4j_db)  # the seed fixture's data must stay as loaded
    assert not result.offline and not result.skipped
    return result, {**os.environ, **env}


# -- reading the Markdown back --------------------------------------------------------------------------------------

_UNESCAPE = re.compile(r"\\([\\`*_\[\]|#>+\-.!(){}])")


def unescape(text: str) -> str:
    return _UNESCAPE.sub(r"\1", text).replace("&lt;", "<").replace("&amp;", "&")


def sections(markdown: str) -> list[dict]:
    """Each ``##``/``###`` section: its heading, the first table (columns, rows), the "and N more" count, and the
    command of its Reproduce line."""
    found = []
    for chunk in re.split(r"\n(?=#{2,3} )", markdown):
        heading = unescape(chunk.splitlines()[0].lstrip("#").strip())
        lines = chunk.splitlines()
        table = [line for line in lines if line.startswith("| ")]
        columns, rows = [], []
        if table:
            split = [[unescape(c.strip()) for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]] for line in table]
            columns, rows = split[0], split[1:]
        more = re.search(r"… and ([\d,]+) more", chunk)
        command = re.search(r"Reproduce[^:]*: (`+) ?(.+?) ?\1", chunk)
        found.append({"heading": heading, "columns": columns, "rows": rows,
                      "more": int(more.group(1).replace(",", "")) if more else 0,
                      "command": command.group(2) if command else None, "text": chunk})
    return found


def shown(csv_value: str) -> str:
    """A CSV cell as the report shows it: a JSON list as ``a, b``."""
    if csv_value.startswith("["):
        try:
            return ", ".join("" if v is None else str(v) for v in json.loads(csv_value))
        except ValueError:
            pass
    return csv_value


def same_cell(csv_value: str, report_value: str) -> bool:
    csv_value = shown(csv_value)
    if csv_value == report_value:
        return True
    try:  # numbers as printed: 567.9 (stored) is 567.90 (printed), 31342 is 31,342; a computed difference
        # (-0.06000000000130967) is shown to its first digits
        number = report_value.replace(",", "")
        decimals = len(number.partition(".")[2])
        return math.isclose(round(float(csv_value), decimals), float(number), rel_tol=1e-12, abs_tol=1e-12)
    except ValueError:
        return False


def run_as_pasted(command: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=env, timeout=600,
                          cwd=Path.cwd())


# -- the tests ------------------------------------------------------------------------------------------------------


def test_the_report_answers_first(online):
    result, _ = online
    text = (result.out / "report.md").read_text(encoding="utf-8")
    assert text.startswith("# diaspora-kg report\n")
    order = [text.index(h) for h in ("## What the graph answers", "![", "## The questions, answered in full",
                                     "## Brokers", "## Coalitions", "## The source's figures, audited",
                                     "## What was loaded")]
    assert order == sorted(order)
    first = text[text.index("## What the graph answers"):text.index("![")]
    assert "1 federation of hometown associations links to 1 home place (1 at the state level)" in first
    assert "the best broker is **Institute for Mexicans Abroad**" in first  # not a collective
    assert "3 errors" in first and "Table 1 prints 88,895.22" in first
    assert re.search(r"Louvain finds \d+ coalitions", first)
    # the figure of the brokers on the first screen, not the hairball
    assert "](brokers.png)" in text.split("## The questions")[0] and not re.search(r"!\[[^\]]*\]\(network", text)


def test_every_question_is_answered_in_full(online):
    result, _ = online
    by_name = {s["heading"]: s for s in sections((result.out / "report.md").read_text(encoding="utf-8"))}
    funds = by_name["who_funds_what"]
    assert "19 rows" in funds["text"] and len(funds["rows"]) == 19  # not IFAD's one row
    assert {row[0] for row in funds["rows"]} > {"International Fund for Agricultural Development"}
    agents = sum(1 for _, a in result.analysis.graph.nodes(data=True) if "Agent" in a["labels"])
    for name in ("neighbourhood", "partners_of", "tie_provenance"):
        assert f"Asked for every Agent ({agents})" in by_name[name]["text"]
        answer = next(a for a in result.questions if a.query.name == name)
        assert by_name[name]["more"] == len(answer.rows) - 25 > 0
        assert len(list(csv.reader(io.StringIO(answer.csv.read_text(encoding="utf-8"))))) == len(answer.rows) + 1
    # the query's own example first: SALA's partners
    assert by_name["partners_of"]["rows"][0][0] == "SALA"


def test_figures_are_printed_as_the_source_prints_them(online):
    result, _ = online
    table_1 = next(s for s in sections((result.out / "report.md").read_text(encoding="utf-8"))
                   if s["heading"] == "fisdl_partnerships_by_department")
    rows = {row[0]: row for row in table_1["rows"]}
    assert rows["San Salvador"][2] == "685.32" and rows["Ahuachapan"][2] == "456.88"
    assert rows["Morazan"][2] == "567.90" and rows["Ahuachapan"][6] == "10.0"
    assert rows["Total/average"][4] == "1,307,342.09"
    michoacan = next(s for s in sections((result.out / "report.md").read_text(encoding="utf-8"))
                     if s["heading"] == "michoacan_3x1_by_stipend")
    assert [row[4] for row in michoacan["rows"]][:2] == ["31,342", "190,000"]


def test_the_load_summary_is_a_table(online):
    result, _ = online
    text = (result.out / "report.md").read_text(encoding="utf-8")
    loaded = text[text.index("## What was loaded"):]
    assert "{'" not in text and "nodes {" not in text
    assert "| file | status | triples |" in loaded and "data/seed/60-table-1-fisdl.ttl" in loaded
    assert "The graph holds" in loaded and "Agent 95" in loaded


def test_every_reproduce_line_runs_as_pasted_and_gives_the_sections_rows(online):
    result, env = online
    found = [s for s in sections((result.out / "report.md").read_text(encoding="utf-8")) if s["command"]]
    # every question, the map, the brokers, the coalitions, the audit
    assert len(found) == len(result.questions) + 4
    for section in found:
        command = section["command"]
        assert command.startswith(result.command + " ")
        ran = run_as_pasted(command, env)
        assert ran.returncode == 0, (command, ran.stderr[-2000:])
        assert "Traceback" not in ran.stderr
        if section["heading"] == "The source's figures, audited":
            listed = {(r[0], r[1], r[3]) for r in section["rows"]}
            printed = set(re.findall(r"^- \*\*(\w+)\*\*, ([\w-]+): (.+?)(?: \(|\. )", ran.stdout, re.M))
            assert listed and {(a, b, unescape(c)) for a, b, c in printed} >= listed
            continue
        if section["heading"] == "Map of transnational ties":  # a page, not rows: the same arcs drawn again
            assert f"{result.ties_map['arcs']} arcs" in ran.stdout + ran.stderr
            assert str(result.out / "ties.html") in command and (result.out / "ties.html").is_file()
            continue
        got = list(csv.DictReader(io.StringIO(ran.stdout)))
        if section["heading"] == "Brokers":
            assert [r["name"] for r in got] == [row[1] for row in section["rows"]]
            assert [r["country"] for r in got] == [row[3] for row in section["rows"]]
            assert [f"{100 * float(r['betweenness']):.1f}" for r in got] == [row[5] for row in section["rows"]]
            continue
        if section["heading"] == "Coalitions":
            assert [(r["id"], r["size"]) for r in got] == [(row[0], row[1]) for row in section["rows"]]
            continue
        multi = "Reproduce the first answer" in section["text"]
        rows = section["rows"]
        if multi:  # the first value's rows open the section
            assert got and len(got) <= len(rows) + section["more"]
            rows = rows[:len(got)]
        else:
            assert len(got) == len(rows) + section["more"], command
        assert list(got[0]) == section["columns"] if got else True
        for mine, theirs in zip(rows, got, strict=False):
            assert all(same_cell(theirs[c], v) for c, v in zip(section["columns"], mine, strict=True)), \
                (command, mine, theirs)


def test_reproduce_lines_quote_what_the_shell_would_split(online, tmp_path):
    result, _ = online
    command = query_command(result.command, "associations_by_us_city", {"city": "Los Angeles"})
    assert command.endswith("query associations_by_us_city -p 'city=Los Angeles' --format csv")
    echo = tmp_path / "args"  # prints the arguments it gets, one a line
    echo.write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n', encoding="utf-8")
    echo.chmod(0o755)
    odd = "it's $HOME `x` \"q\" Los  Angeles"
    ran = run_as_pasted(query_command(str(echo), "x", {"city": "Los Angeles", "name": odd}), {})
    assert ran.stdout.splitlines() == ["query", "x", "-p", "city=Los Angeles", "-p", f"name={odd}", "--format", "csv"]


def test_run_offline_says_what_it_skipped_and_leaves_nothing_of_the_online_run(online, tmp_path):
    result, env = online
    out = tmp_path / "out"
    shutil.copytree(result.out, out)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    assert (out / "queries").is_dir() and (out / "audit.md").is_file()
    ran = subprocess.run([str(Path(result.command).resolve()) if "/" in result.command else result.command,
                          "run", "--offline", "--out", str(out)], capture_output=True, text=True, env={
        **{k: v for k, v in env.items() if not k.startswith("NEO4J_")}, "COLUMNS": "80"}, timeout=600)
    assert ran.returncode == 0, ran.stderr[-2000:]
    said = ran.stdout + ran.stderr
    for skipped in ("loading into Neo4j", "the questions of cypher/", "the audit of the source's figures"):
        assert f"skipped: {skipped}" in said
    assert re.search(r"Removed \d+ file\(s\) an earlier run wrote", said)
    assert not (out / "queries").exists() and not (out / "audit.md").exists() and not (out / "audit.json").exists()
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"  # never written by the job: left alone
    listed = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert listed["offline"] is True and all((out / p).is_file() for p in listed["files"])
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "**Offline run:**" in report and "## Skipped" in report and "the questions of cypher/" in report
    assert "## The questions" not in report and "Neo4j at" not in report
