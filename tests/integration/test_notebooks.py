"""The analyst notebooks run top to bottom against the test database, and are committed without outputs.

Each notebook is executed with nbclient in a fresh kernel whose environment (inherited from this process, set by
the ``neo4j_env`` fixture) points ``connect()`` at the throwaway test Neo4j holding the seed corpus.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
#: Seconds one cell may take; the slowest (layout of the full graph) takes a few seconds on two cores.
CELL_TIMEOUT_S = 300


def graph_fingerprint(db) -> dict:
    """Counts that a notebook leaving data behind would change."""
    return db.read("MATCH (n) WITH count(n) AS nodes "
                   "OPTIONAL MATCH ()-[r]->() RETURN nodes, count(r) AS relationships")[0]


def test_the_four_notebooks_are_there():
    assert [p.name for p in NOTEBOOKS] == [
        "01_explore_with_cypher.ipynb", "02_brokers_and_coalitions.ipynb", "03_visualise.ipynb",
        "04_bring_your_own_data.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_has_no_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code, "a notebook without code"
    assert [i for i, cell in enumerate(code) if cell.outputs or cell.execution_count is not None] == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom_and_leaves_no_data(path, seed_db, neo4j_env):
    before = graph_fingerprint(seed_db)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS_DIR)}})
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    errors = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs
              if output.output_type == "error"]
    assert errors == []
    assert graph_fingerprint(seed_db) == before
    printed = "".join(output.get("text", "") for cell in notebook.cells if cell.cell_type == "code"
                      for output in cell.outputs)
    if "db.uri" in "".join(cell.source for cell in notebook.cells):  # notebooks that say where they connect
        assert neo4j_env["NEO4J_URI"] in printed, "the notebook did not use the database of NEO4J_URI"
