"""``LOAD CSV`` and symbolic links in the managed instance's import folder (issue 25, item 18).

Neo4j 5.26 confines ``LOAD CSV`` by the URL only: measured here, it follows a link inside ``home/import`` to a file
or a folder anywhere the JVM can read. Decided: ``query`` on the managed instance refuses a query that reads CSV
while the folder holds a link leading outside it (exit 2, the link and its target named, nothing read); links that
stay inside, plain files and queries that read no CSV are unaffected. The session's real Neo4j is reached as the
managed instance (its port and data folder), through the command line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from graph_loader.settings import load_settings

CLI = [sys.executable, "-m", "graph_loader"]
SECRET = "secret-outside-the-import-folder"


@pytest.fixture
def managed(neo4j_instance, neo4j_db, tmp_path):
    """The environment that makes the CLI use the session's instance as the managed one, and its import folder
    (emptied afterwards)."""
    if neo4j_instance is None:
        pytest.skip("NEO4J_URI points at a server that is not the managed instance")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "DKG_"))}
    env.update(DKG_NEO4J_PORT=str(neo4j_instance.port), DKG_NEO4J_DATA_DIR=str(neo4j_instance.data_dir),
               DKG_CACHE_DIR=str(load_settings().cache_dir), COLUMNS="500")
    folder = neo4j_instance.home_dir / "import"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "allowed.csv").write_text("name\nClub de la Prueba\n", encoding="utf-8")
    yield env, folder
    for path in folder.iterdir():
        path.unlink()


def query(env, cypher: str, cwd) -> subprocess.CompletedProcess:
    run = subprocess.run([*CLI, "query", "--format", "json", "--cypher", cypher], capture_output=True, text=True,
                         env=env, cwd=cwd, timeout=600)
    assert "Traceback" not in run.stderr, run.stderr
    return run


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_a_link_out_of_the_import_folder_is_not_followed(managed, tmp_path, kind):
    env, folder = managed
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "private.csv").write_text(f"{SECRET}\n", encoding="utf-8")
    if kind == "file":
        (folder / "link.csv").symlink_to(outside / "private.csv")
        url = "file:///link.csv"
    else:
        (folder / "docs").symlink_to(outside, target_is_directory=True)
        url = "file:///docs/private.csv"
    run = query(env, f"LOAD CSV FROM '{url}' AS r RETURN r", tmp_path)
    assert run.returncode == 2, run.stdout + run.stderr
    assert SECRET not in run.stdout + run.stderr
    assert "symbolic link" in run.stderr and str(outside) in run.stderr
    # Queries that read no CSV still run; so does one once the link is gone.
    assert query(env, "RETURN 1 AS one", tmp_path).returncode == 0
    for path in folder.iterdir():
        if path.is_symlink():
            path.unlink()
    allowed = query(env, "LOAD CSV WITH HEADERS FROM 'file:///allowed.csv' AS r RETURN r.name AS name", tmp_path)
    assert allowed.returncode == 0 and json.loads(allowed.stdout) == [{"name": "Club de la Prueba"}]


def test_a_link_that_stays_inside_the_folder_is_fine(managed, tmp_path):
    env, folder = managed
    (folder / "alias.csv").symlink_to(folder / "allowed.csv")
    run = query(env, "LOAD CSV WITH HEADERS FROM 'file:///alias.csv' AS r RETURN r.name AS name", tmp_path)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [{"name": "Club de la Prueba"}]
