"""Attacks and accidents around the server and the query command (issue 19, items 1-5, 12, 14-16).

Everything runs against a real Neo4j: the session's throwaway instance, or an instance of the test's own where
the test must start, kill or reconfigure it.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from graph_loader.neo4j.connection import open_database
from graph_loader.neo4j.server import ManagedNeo4j, verify_jars
from graph_loader.settings import load_settings

from ..conftest import free_port
from ..integration.test_load_pipeline import big_corpus, snapshot

CLI = [sys.executable, "-m", "graph_loader"]
LONG_QUERY = "UNWIND range(1, 3000000000) AS x WITH x WHERE x = -1 RETURN count(x) AS n"


def cli(args, env, cwd=None, timeout=300) -> subprocess.CompletedProcess:
    run = subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)
    assert "Traceback" not in run.stderr, run.stderr
    return run


def managed_env(port: int, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "DKG_"))}
    return {**env, "DKG_NEO4J_PORT": str(port), "DKG_NEO4J_DATA_DIR": str(data_dir), "DKG_NEO4J_HEAP": "512m",
            "DKG_CACHE_DIR": str(load_settings().cache_dir), **extra}


@pytest.fixture(scope="module")
def own_instance(tmp_path_factory):
    """An instance of this module's own, with a file in its import folder and its credentials beside it."""
    data_dir = tmp_path_factory.mktemp("own")
    instance = ManagedNeo4j(data_dir, free_port(), load_settings().cache_dir, heap="512m")
    instance.start(echo=lambda m: None)
    (data_dir / "home" / "import" / "allowed.csv").write_text("name\nClub de la Prueba\n", encoding="utf-8")
    yield instance, managed_env(instance.port, data_dir)
    instance.stop()


# -- 1. LOAD CSV is confined ---------------------------------------------------------------------------------
def test_load_csv_reads_the_import_folder_only(own_instance, tmp_path):
    instance, env = own_instance
    allowed = cli(["query", "--format", "json", "--cypher",
                   "LOAD CSV WITH HEADERS FROM 'file:///allowed.csv' AS r RETURN r.name AS name"], env, tmp_path)
    assert allowed.returncode == 0 and json.loads(allowed.stdout) == [{"name": "Club de la Prueba"}]
    password = instance.password()
    for url in ("file:///etc/passwd", f"file://{instance.credentials_file}", "file:///../credentials",
                "file:///../../credentials"):
        run = cli(["query", "--cypher", f"LOAD CSV FROM '{url}' AS r RETURN r LIMIT 3"], env, tmp_path)
        assert run.returncode == 2, url
        assert "root:" not in run.stdout and password not in run.stdout + run.stderr


def test_load_csv_makes_no_outbound_request(own_instance, tmp_path):
    _, env = own_instance
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 — the stdlib's name
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"a,b\n1,2\n")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/x.csv"
        run = cli(["query", "--cypher", f"LOAD CSV FROM '{url}' AS r RETURN r"], env, tmp_path)
        assert run.returncode == 2 and "blocked" in run.stderr
        assert hits == []
    finally:
        server.shutdown()


def test_url_import_is_an_explicit_opt_in(tmp_path):
    with pytest.raises(Exception) as info:
        load_settings_with(tmp_path, {"DKG_NEO4J_ALLOW_URL_IMPORT": "perhaps"})
    assert "DKG_NEO4J_ALLOW_URL_IMPORT" in str(info.value)
    assert load_settings_with(tmp_path, {"DKG_NEO4J_ALLOW_URL_IMPORT": "true"}).allow_url_import
    assert not load_settings_with(tmp_path, {}).allow_url_import


def load_settings_with(folder: Path, values: dict[str, str]):
    env_file = folder / "settings.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith(("NEO4J_", "DKG_"))}
    try:
        return load_settings(env_file)
    finally:
        os.environ.update(saved)


# -- 2. a .env in the current folder chooses settings, never code --------------------------------------------
def test_hostile_env_cache_with_planted_code_is_refused(tmp_path):
    real_lib = load_settings().cache_dir / "neo4j" / "5.26.30" / "lib"
    hostile = tmp_path / "hostile-cache" / "neo4j" / "5.26.30"
    shutil.copytree(real_lib, hostile / "lib", copy_function=os.link if same_device(real_lib, tmp_path)
                    else shutil.copy2)
    (hostile / "classes").mkdir()
    (hostile / "classes" / "Launcher.class").write_bytes(b"\xca\xfe\xba\xbe planted")
    kernel = next((hostile / "lib").glob("neo4j-kernel-*.jar"))
    tampered = kernel.read_bytes() + b"planted"
    kernel.unlink()  # a hard link: replace the file, not the shared inode
    kernel.write_bytes(tampered)
    (hostile / "lib" / "zz-extra.jar").write_bytes(b"PK planted")
    work = tmp_path / "work"
    work.mkdir()
    (work / ".env").write_text(f"DKG_CACHE_DIR={tmp_path / 'hostile-cache'}\n")
    port = free_port()
    env = {k: v for k, v in managed_env(port, tmp_path / "data").items() if k != "DKG_CACHE_DIR"}
    run = cli(["neo4j", "start", "--timeout", "60"], env, work)
    assert run.returncode == 2
    assert "not the ones this package runs" in run.stderr
    assert "differs from the published jar" in run.stderr and "unexpected zz-extra.jar" in run.stderr
    assert not (tmp_path / "data" / "neo4j.pid").exists()
    assert str(work / ".env") in cli(["neo4j", "status"], env, work).stderr  # says which .env it read


def same_device(a: Path, b: Path) -> bool:
    return a.stat().st_dev == b.stat().st_dev


def test_the_shipped_checksums_match_the_resolved_jars():
    verify_jars(load_settings().cache_dir / "neo4j" / "5.26.30" / "lib")


# -- 3. a password inside NEO4J_URI is never shown -------------------------------------------------------------
@pytest.mark.parametrize("command", [["query", "--cypher", "RETURN 1"], ["neo4j", "status"], ["sources"]])
def test_password_in_uri_is_refused_and_never_printed(command, tmp_path):
    env = {**os.environ, "NEO4J_URI": "bolt://neo4j:s3cret-in-uri@127.0.0.1:7687"}
    run = cli(command, env, tmp_path)
    assert run.returncode == 2
    assert "s3cret-in-uri" not in run.stdout + run.stderr
    assert "NEO4J_URI" in run.stderr and "credentials" in run.stderr


# -- 5. admin commands are writes --------------------------------------------------------------------------------
@pytest.mark.parametrize("cypher", [
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "CALL db.clearQueryCaches()",
    "ALTER USER neo4j SET PASSWORD 'something-else-1234'",
    "CREATE INDEX dkg_probe IF NOT EXISTS FOR (n:Probe) ON (n.name)",
    "CALL db.createLabel('Probe')",
])
def test_admin_and_schema_commands_need_write(neo4j_env, cypher, tmp_path):
    run = cli(["query", "--cypher", cypher], neo4j_env, tmp_path)
    assert run.returncode == 2 and "--write" in run.stderr, run.stderr


def test_show_transactions_is_a_read(neo4j_env, tmp_path):
    run = cli(["query", "--format", "json", "--cypher", "SHOW TRANSACTIONS YIELD transactionId RETURN count(*) AS n"],
              neo4j_env, tmp_path)
    assert run.returncode == 0 and json.loads(run.stdout)[0]["n"] >= 1


# -- 12. Neo4j dying mid-load --------------------------------------------------------------------------------------
def test_neo4j_killed_mid_load_says_so_and_the_same_load_resumes(tmp_path):
    path = big_corpus(tmp_path, 20000)
    port, data_dir = free_port(), tmp_path / "neo4j"
    instance = ManagedNeo4j(data_dir, port, load_settings().cache_dir, heap="1g")
    instance.start(echo=lambda m: None)
    env = managed_env(port, data_dir)
    try:
        # Bolt: a first load this size would go through the bulk importer (its kill: test_bulk_import.py).
        loader = subprocess.Popen([*CLI, "load", "--method", "bolt", "--batch-size", "500", str(path)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        with open_database(instance.uri, "neo4j", instance.password(), "neo4j") as db:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if db.read("MATCH (h:HometownAssociation) RETURN count(h) AS c")[0]["c"] >= 2000:
                    break
                time.sleep(0.2)
        started = time.monotonic()
        instance.kill()
        _, err = loader.communicate(timeout=120)
        assert loader.returncode == 2
        assert time.monotonic() - started < 60
        assert "Traceback" not in err
        assert "went away while loading" in err and "big.ttl" in err
        assert "neo4j start" in err and "same `load`" in err
        resumed = cli(["load", str(path)], env, tmp_path)  # starts the managed instance again by itself
        assert resumed.returncode == 0, resumed.stderr
        with open_database(instance.uri, "neo4j", instance.password(), "neo4j") as db:
            assert db.read("MATCH (h:HometownAssociation) RETURN count(h) AS c")[0]["c"] == 20000
            assert db.read("MATCH ()-[r:MEMBER_OF]->() RETURN count(r) AS c")[0]["c"] == 20000
            assert db.read("MATCH (s:LoadedSource) RETURN s.complete AS c") == [{"c": True}]
    finally:
        instance.stop()


# -- 6. an interrupted unload ---------------------------------------------------------------------------------------
def test_unload_killed_half_way_is_finished_by_the_next_load(db, neo4j_env, tmp_path):
    path = big_corpus(tmp_path, 60000)
    assert cli(["load", str(path)], neo4j_env, tmp_path).returncode == 0
    clean = snapshot(db)
    unloader = subprocess.Popen([*CLI, "unload", str(path)], env=neo4j_env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # pull the plug once part of the data is gone
        if db.read("MATCH ()-[r:MEMBER_OF]->() RETURN count(r) AS c")[0]["c"] < 60000:
            break
        time.sleep(0.01)
    unloader.send_signal(signal.SIGKILL)
    unloader.wait(30)
    left = db.read("MATCH ()-[r:MEMBER_OF]->() RETURN count(r) AS c")[0]["c"]
    assert left < 60000
    ledger = db.read("MATCH (s:LoadedSource) RETURN s.complete AS complete")
    assert ledger in ([{"complete": False}], []), "a half-unloaded source must not look complete"
    reload = cli(["load", "--format", "json", str(path)], neo4j_env, tmp_path)
    assert reload.returncode == 0
    assert json.loads(reload.stdout)["files"][0]["status"] in ("reloaded", "loaded")
    assert snapshot(db) == clean


def test_unload_of_an_unknown_source_is_an_error(neo4j_env, db, tmp_path):
    run = cli(["unload", "no/such/source.ttl"], neo4j_env, tmp_path)
    assert run.returncode == 2 and "no loaded source" in run.stderr


# -- 14. settings that cannot work ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "value", "expected"), [
    ("NEO4J_URI", "http://127.0.0.1:7474", "not a Neo4j (Bolt) scheme"),
    ("NEO4J_URI", "foo://x", "not a Neo4j (Bolt) scheme"),
    ("NEO4J_URI", "not a uri", "not a URI"),
    ("NEO4J_URI", "bolt://127.0.0.1:99999", "port from 1 to 65535"),
    ("DKG_NEO4J_PORT", "abc", "whole number from 1 to 65535"),
    ("DKG_NEO4J_HEAP", "lots", "JVM heap size"),
])
def test_bad_settings_are_one_clear_error(name, value, expected, tmp_path):
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}, name: value}
    for command in (["query", "--cypher", "RETURN 1"], ["neo4j", "status"]):
        run = cli(command, env, tmp_path)
        assert run.returncode == 2 and expected in run.stderr and name in run.stderr


def test_start_on_a_read_only_place_is_a_clear_error(tmp_path):
    env = managed_env(free_port(), Path("/sys/kernel/diaspora-kg-test"))
    run = cli(["neo4j", "start", "--timeout", "20"], env, tmp_path)
    assert run.returncode == 2 and "cannot use /sys/kernel/diaspora-kg-test as the data folder" in run.stderr


# -- 15. runaway queries ----------------------------------------------------------------------------------------------
def test_query_timeout_stops_the_query_on_the_server(neo4j_env, tmp_path):
    started = time.monotonic()
    run = cli(["query", "--timeout", "2", "--cypher", LONG_QUERY], neo4j_env, tmp_path)
    assert run.returncode == 2 and "timeout" in run.stderr
    # The whole range takes many minutes; the margin is for a loaded machine's process start-up.
    assert time.monotonic() - started < 90


def test_first_ctrl_c_cancels_the_query_at_once(neo4j_env, db, tmp_path):
    proc = subprocess.Popen([*CLI, "query", "--cypher", LONG_QUERY], env=neo4j_env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not running(db, "range(1, 3000000000)"):
        time.sleep(0.2)
    assert running(db, "range(1, 3000000000)")
    interrupted = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert time.monotonic() - interrupted < 5
    assert proc.returncode == 130 and "Traceback" not in err
    time.sleep(1)
    assert not running(db, "range(1, 3000000000)"), "the query still runs on the server"


def running(db, fragment: str) -> bool:
    rows = db.read("SHOW TRANSACTIONS YIELD currentQuery RETURN currentQuery")
    return any(fragment in (r["currentQuery"] or "") and "SHOW TRANSACTIONS" not in r["currentQuery"]
               for r in rows)
