"""The foundation: a real Neo4j 5.26 over Bolt, the managed-instance lifecycle and the first query command."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from graph_loader.errors import Neo4jAuthError, Neo4jUnavailable
from graph_loader.neo4j.connection import open_database
from graph_loader.neo4j.server import ManagedNeo4j, port_open
from graph_loader.settings import load_settings

from ..conftest import free_port

CLI = [sys.executable, "-m", "graph_loader"]


def test_writes_and_reads_through_bolt(db):
    db.write("CREATE (:Probe {name: $name, n: $n})", {"name": "Federación de Clubes Michoacanos", "n": 3})
    assert db.read("MATCH (p:Probe) RETURN p.name AS name, p.n AS n") == [
        {"name": "Federación de Clubes Michoacanos", "n": 3}
    ]


def test_server_is_neo4j_5_26(db):
    version = db.read("CALL dbms.components() YIELD versions RETURN versions[0] AS v")[0]["v"]
    assert version.startswith("5.26.")


def test_query_command_prints_json(neo4j_env):
    out = subprocess.run([*CLI, "query", "--cypher", "RETURN 1 AS x", "--format", "json"],
                         capture_output=True, text=True, env=neo4j_env, check=True).stdout
    assert json.loads(out) == [{"x": 1}]
    assert out.strip() == '[{"x": 1}]'


def test_query_param_values_are_json_where_they_parse(neo4j_env):
    out = subprocess.run(
        [*CLI, "query", "--cypher", "RETURN $a AS a, $b AS b, $c AS c", "-p", "a=3", "-p", 'b=["x",1]',
         "-p", "c=Cabañas", "--format", "json"],
        capture_output=True, text=True, env=neo4j_env, check=True).stdout
    assert json.loads(out) == [{"a": 3, "b": ["x", 1], "c": "Cabañas"}]


def test_query_refuses_writes_without_flag(neo4j_env, db):
    run = subprocess.run([*CLI, "query", "--cypher", "CREATE (:Probe)"], capture_output=True, text=True,
                         env=neo4j_env)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and "--write" in run.stderr
    assert db.read("MATCH (p:Probe) RETURN count(p) AS n")[0]["n"] == 0


def test_wrong_password_is_reported_without_the_password(neo4j_instance):
    if neo4j_instance is None:
        pytest.skip("needs the managed instance")
    with pytest.raises(Neo4jAuthError) as info:
        open_database(neo4j_instance.uri, "neo4j", "not-the-password-xyz", "neo4j")
    assert "not-the-password-xyz" not in str(info.value)
    assert neo4j_instance.uri in str(info.value)


def test_unreachable_server_names_the_uri():
    port = free_port()
    with pytest.raises(Neo4jUnavailable) as info:
        open_database(f"bolt://127.0.0.1:{port}", "neo4j", "x", "neo4j")
    assert f"127.0.0.1:{port}" in str(info.value)


def test_second_instance_beside_the_first_then_stop_leaves_no_process(neo4j_instance, tmp_path):
    if neo4j_instance is None:
        pytest.skip("needs the managed instance")
    second = ManagedNeo4j(tmp_path / "second", free_port(), load_settings().cache_dir, heap="512m")
    status = second.start(echo=lambda m: None)
    try:
        assert status.running and status.version.startswith("5.26.")
        assert status.uri == f"bolt://127.0.0.1:{second.port}"
        assert second.start(echo=lambda m: None).pid == status.pid  # idempotent
        assert port_open(neo4j_instance.port)  # the first one still runs
        assert oct((tmp_path / "second" / "credentials").stat().st_mode)[-3:] == "600"
    finally:
        assert second.stop()
    assert second.running_pid() is None
    assert not port_open(second.port)
    ps = subprocess.run(["ps", "-o", "pid,stat,cmd", "-p", str(status.pid)], capture_output=True, text=True)
    assert str(status.pid) not in ps.stdout
