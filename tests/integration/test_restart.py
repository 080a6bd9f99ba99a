"""The managed Neo4j as a returning user meets it: started and stopped again and again on one data folder, killed,
started twice, started on another port; each start is judged by this run's readiness, never an earlier run's log.

Every test drives the real command line (``python -m graph_loader``) on a throwaway data folder and port, with
``NEO4J_URI`` removed so the managed instance is used, from an empty working folder.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph_loader.neo4j.connection import open_database
from graph_loader.neo4j.server import KEPT_LOGS, ManagedNeo4j
from graph_loader.settings import load_settings

from ..conftest import free_port

CLI = [sys.executable, "-m", "graph_loader"]
#: A start on this machine takes ~10 s; twice the usual time is the bar for "ready within the usual time".
USUAL_START_SECONDS = 60


def managed_env(port: int, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    return {**env, "DKG_NEO4J_PORT": str(port), "DKG_NEO4J_DATA_DIR": str(data_dir), "DKG_NEO4J_HEAP": "512m",
            "DKG_CACHE_DIR": str(load_settings().cache_dir)}


def cli(args: list[str], env: dict, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    run = subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)
    assert "Traceback" not in run.stderr, run.stderr
    return run


def answers(port: int, data_dir: Path) -> int:
    password = (data_dir / "credentials").read_text().strip()
    with open_database(f"bolt://127.0.0.1:{port}", "neo4j", password, "neo4j") as db:
        return db.read("RETURN 1 AS one")[0]["one"]


@pytest.fixture
def instance(tmp_path):
    """A data folder and free port for one test's own instance, stopped at the end whatever happens."""
    port, data_dir = free_port(), tmp_path / "neo4j"
    work = tmp_path / "work"
    work.mkdir()
    yield port, data_dir, managed_env(port, data_dir), work
    ManagedNeo4j(data_dir, port, load_settings().cache_dir).stop()


def test_five_starts_on_one_folder_each_ready_and_the_data_kept(instance):
    port, data_dir, env, work = instance
    seed = work / "club.ttl"
    seed.write_text(
        "@prefix dkg: <https://w3id.org/diaspora-kg/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix ex: <https://example.org/restart/> .\n"
        'ex:doc a dkg:Source ; skos:prefLabel "Restart test notes" .\n'
        'ex:ev a dkg:Evidence ; dkg:source ex:doc ; dkg:locator "p. 1" ; dkg:quote "a quote" .\n'
        'ex:club a dkg:HometownAssociation ; skos:prefLabel "Club de la Prueba" ; dkg:evidence ex:ev .\n',
        encoding="utf-8")
    pids = []
    for attempt in range(5):
        started = time.monotonic()
        run = cli(["neo4j", "start"], env, work)
        assert run.returncode == 0, run.stderr
        assert time.monotonic() - started < USUAL_START_SECONDS, f"start {attempt + 1} took too long"
        assert "Started." in run.stderr
        assert answers(port, data_dir) == 1
        if attempt == 0:
            assert cli(["load", str(seed)], env, work).returncode == 0
        rows = cli(["query", "--cypher", "MATCH (h:HometownAssociation) RETURN h.name AS name", "--format",
                    "json"], env, work)
        assert json.loads(rows.stdout) == [{"name": "Club de la Prueba"}], f"data lost at start {attempt + 1}"
        pids.append(json.loads((data_dir / "neo4j.pid").read_text())["pid"])
        assert cli(["neo4j", "stop"], env, work).returncode == 0
        assert not (data_dir / "neo4j.pid").exists()
    assert len(set(pids)) == 5
    # Every run has its own log: the current one and the four before it, each with exactly its own READY line.
    logs = [data_dir / "neo4j.log", *(data_dir / f"neo4j.log.{n}" for n in range(1, 5))]
    assert [log.read_text().count("READY ") for log in logs] == [1] * 5
    assert "cannot be the same" not in "".join(log.read_text() for log in logs)


def test_a_start_that_cannot_serve_fails_at_once_whatever_earlier_logs_say(instance):
    """An earlier run's READY line is rotated away, not read; the launcher's own failure ends the start."""
    port, data_dir, env, work = instance
    data_dir.mkdir()
    (data_dir / "neo4j.log").write_text("READY 5.26.30\nREADY 5.26.30 0123456789abcdef\n")
    (data_dir / "credentials").write_text("short\n")  # the launcher refuses passwords under 8 characters
    started = time.monotonic()
    run = cli(["neo4j", "start", "--timeout", "120"], env, work)
    assert run.returncode == 2
    assert time.monotonic() - started < 60, "a failed start waited for its timeout"
    assert "could not start" in run.stderr and "8 characters" in run.stderr
    assert (data_dir / "neo4j.log.1").read_text().startswith("READY 5.26.30\n")
    assert not (data_dir / "neo4j.pid").exists()


def test_start_after_sigkill_recovers_with_the_data(instance):
    port, data_dir, env, work = instance
    assert cli(["neo4j", "start"], env, work).returncode == 0
    assert cli(["query", "--write", "--cypher", "CREATE (:Probe {name: 'kept'})"], env, work).returncode == 0
    pid = json.loads((data_dir / "neo4j.pid").read_text())["pid"]
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert (data_dir / "neo4j.pid").exists()  # stale: the JVM died without cleaning up
    run = cli(["neo4j", "start"], env, work)
    assert run.returncode == 0 and "Started." in run.stderr, run.stderr
    rows = cli(["query", "--cypher", "MATCH (p:Probe) RETURN p.name AS name", "--format", "json"], env, work)
    assert json.loads(rows.stdout) == [{"name": "kept"}]


def test_start_on_a_running_folder_answers_at_once_and_names_its_port(instance):
    port, data_dir, env, work = instance
    assert cli(["neo4j", "start"], env, work).returncode == 0
    started = time.monotonic()
    again = cli(["neo4j", "start"], env, work)
    assert again.returncode == 0 and "Already running." in again.stderr
    other = free_port()
    moved = cli(["neo4j", "start", "--port", str(other)], env, work)
    assert time.monotonic() - started < 15
    assert moved.returncode == 0
    assert f"Already running on port {port}, not on {other}" in moved.stderr
    assert f"bolt://127.0.0.1:{port}" in moved.stderr


def test_stale_pid_file_naming_another_process_is_neither_trusted_nor_signalled(instance):
    port, data_dir, env, work = instance
    data_dir.mkdir()
    bystander = subprocess.Popen(["sleep", "120"])
    try:
        (data_dir / "neo4j.pid").write_text(json.dumps({"pid": bystander.pid, "port": port}))
        stop = cli(["neo4j", "stop"], env, work)
        assert stop.returncode == 0 and "No Neo4j was running" in stop.stderr
        assert bystander.poll() is None, "neo4j stop signalled an unrelated process"
        status = cli(["neo4j", "status"], env, work)
        assert status.returncode == 3 and "stopped" in status.stderr
        (data_dir / "neo4j.pid").write_text(json.dumps({"pid": bystander.pid, "port": port}))
        assert cli(["neo4j", "start"], env, work).returncode == 0
        assert answers(port, data_dir) == 1
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()


def test_logs_of_earlier_runs_are_rotated_not_overwritten(tmp_path):
    managed = ManagedNeo4j(tmp_path, free_port(), tmp_path / "cache")
    for run in range(KEPT_LOGS + 3):
        managed.log_file.write_text(f"run {run}\n")
        managed._rotate_logs()
    assert not managed.log_file.exists()
    kept = sorted(tmp_path.glob("neo4j.log.*"), key=lambda p: int(p.suffix[1:]))
    assert [p.read_text() for p in kept] == [f"run {KEPT_LOGS + 2 - n}\n" for n in range(KEPT_LOGS)]


def test_run_three_times_with_stops_between(instance):
    """`make run` as on three days in a row: the main job, then `neo4j stop`, three times."""
    port, data_dir, env, work = instance
    for day in range(3):
        run = cli(["run", "--out", str(work / f"out{day}")], env, work, timeout=900)
        assert run.returncode == 0, f"run {day + 1}: {run.stderr[-3000:]}"
        assert (work / f"out{day}" / "report.md").is_file()
        assert cli(["neo4j", "stop"], env, work).returncode == 0
