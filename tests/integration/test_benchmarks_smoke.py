"""Each benchmark script runs with --quick against the test Neo4j, prints its table and writes its section."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM_READY = Path("/usr/bin/chromium").is_file() and Path("/usr/bin/chromedriver").is_file()


def run_script(module: str, env: dict, results: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, "--quick", "--timeout", "120", "--results", str(results)],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=300)


def table_rows(output: str, header: str) -> list[str]:
    """The data rows of the last Markdown table whose header starts with ``header``."""
    lines = output.splitlines()
    start = max(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def test_load_benchmark_loads_with_every_loader_into_the_test_database(neo4j_env, neo4j_db, tmp_path):
    results = tmp_path / "RESULTS.md"
    run = run_script("benchmarks.load", neo4j_env, results)
    assert run.returncode == 0, run.stderr
    rows = table_rows(run.stdout, "| triples | loader")
    assert [row.split("|")[2].strip() for row in rows] == [
        "ours (auto)", "ours, reload unchanged", "ours, incremental (new triples)", "ours, Bolt only", "rdflib-neo4j"]
    assert all("failed" not in row and "timed out" not in row for row in rows)
    assert "unchanged" in rows[1]
    assert "| bolt " in rows[0]  # the test database is reached by NEO4J_URI: no importer
    assert "reload of unchanged input is" in run.stdout
    text = results.read_text()
    assert "<!-- BEGIN load -->" in text and "- nproc:" in text and "- neo4j: 5.26" in text
    # The test database keeps its marker and nothing the benchmark loaded.
    assert neo4j_db.read("MATCH (n:DkgTestMarker) RETURN count(n) AS c")[0]["c"] == 1


def test_validation_benchmark_finds_both_validators_agree(tmp_path):
    run = run_script("benchmarks.validation", None, tmp_path / "RESULTS.md")
    assert run.returncode == 0, run.stderr
    rows = table_rows(run.stdout, "| triples | validator")
    assert len(rows) == 2 and all(row.rstrip(" |").endswith("yes") for row in rows)


def test_analysis_benchmark_times_ours_and_networkx(tmp_path):
    run = run_script("benchmarks.analysis", None, tmp_path / "RESULTS.md")
    assert run.returncode == 0, run.stderr
    rows = table_rows(run.stdout, "| agents | ties")
    measures = [row.split("|")[3].strip() for row in rows]
    assert "betweenness" in measures and "Louvain" in measures and len(measures) == 8
    assert "<!-- BEGIN analysis -->" in (tmp_path / "RESULTS.md").read_text()


@pytest.mark.skipif(not CHROMIUM_READY, reason="headless Chromium is not installed: run scripts/install-chromium.sh")
def test_viz_benchmark_opens_the_page_in_chromium(tmp_path):
    run = run_script("benchmarks.viz", None, tmp_path / "RESULTS.md")
    assert run.returncode == 0, run.stderr
    (row,) = table_rows(run.stdout, "| nodes | ties")
    assert " s " in row.split("|")[6] and "ms" in row.split("|")[8]
