"""Loads into one graph take turns (issue 25, item 12): real processes on the session's real Neo4j.

Two files that contradict each other (one association founded in 1990 and in 1995) are each valid alone and
invalid together. Loaded at the same time, both used to pass: each validated against a graph without the other's
facts. Now exactly one is loaded and the other fails validation against it (exit 1), having written nothing. The
lock lives in the server, and a load that is killed while holding it frees it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from ..integration.test_load_pipeline import PREFIXES, SOURCE, hta, ttl

CLI = [sys.executable, "-m", "graph_loader"]
#: Associations of each file's own, so that a load takes long enough (seconds) for two to overlap.
FILLER = 1500
HOLDERS = ("SHOW TRANSACTIONS YIELD metaData, status WHERE metaData.dkgLoadLock IS NOT NULL "
           "RETURN metaData.dkgLoadLock.pid AS pid, status")


def conflicting(tmp_path, name: str, year: int, filler: int = FILLER):
    """A file valid alone: its source, ``filler`` associations of its own, and ``ex:x`` founded in ``year``."""
    body = "".join(hta(f"{name}{i}", f"Club {name} {i}") for i in range(filler))
    body += hta("x", "Asociación Equis", f'; dkg:foundedYear "{year}"^^xsd:gYear')
    return ttl(tmp_path, f"{name}.ttl", SOURCE.replace(PREFIXES, "") + body)


def test_two_conflicting_loads_at_once_never_both_succeed(db, tmp_path, neo4j_env):
    files = [conflicting(tmp_path, "a", 1990), conflicting(tmp_path, "b", 1995)]
    procs = [subprocess.Popen([*CLI, "load", "--method", "bolt", str(path)], env=neo4j_env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for path in files]
    outcomes = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert "Traceback" not in err and "internal error" not in err, err[-2000:]
        outcomes.append((proc.returncode, err))
    codes = sorted(code for code, _ in outcomes)
    assert codes == [0, 1], outcomes
    loser = next(err for code, err in outcomes if code == 1)
    assert "at most one dkg:foundedYear" in loser and "nothing was written" in loser
    # One founding year, and nothing of the file that lost: its own associations are not there.
    years = db.read("MATCH (h:Resource {uri: 'https://example.org/test/x'}) RETURN h.foundedYear AS y")
    assert len(years) == 1 and str(years[0]["y"]) in ("1990", "1995")
    winner = "a" if str(years[0]["y"]) == "1990" else "b"
    loser_name = "b" if winner == "a" else "a"
    counts = {name: db.read("MATCH (h:HometownAssociation) WHERE h.uri STARTS WITH $p RETURN count(h) AS c",
                            {"p": f"https://example.org/test/{name}"})[0]["c"] for name in "ab"}
    assert counts == {winner: FILLER, loser_name: 0}
    assert db.read("MATCH (s:LoadedSource) RETURN count(s) AS c") == [{"c": 1}]  # the lock left no entry


def _wait_for_holder(db, pid: int, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(row["pid"] == pid and row["status"].startswith("Running") for row in db.read(HOLDERS)):
            return
        time.sleep(0.2)
    raise AssertionError(f"load {pid} never held the load lock")


def test_a_second_load_waits_says_so_and_a_killed_holder_frees_the_lock(db, tmp_path, neo4j_env):
    first = conflicting(tmp_path, "a", 1990, filler=20000)  # long enough to be killed while it writes
    second = ttl(tmp_path, "c.ttl", SOURCE.replace(PREFIXES, "") + hta("c1", "Club Ce"))
    holder = subprocess.Popen([*CLI, "load", "--method", "bolt", "--batch-size", "100", str(first)], env=neo4j_env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_holder(db, holder.pid)
        waiter = subprocess.Popen([*CLI, "load", str(second)], env=neo4j_env,
                                  text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        unloader = subprocess.Popen([*CLI, "unload", "never-loaded.ttl"], env=neo4j_env,  # unloads take turns too
                                    text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # Both wait: after their start, they are still running while the holder holds the lock.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and waiter.poll() is None and unloader.poll() is None \
                and not _waiting(db, waiter.pid, unloader.pid):
            time.sleep(0.2)
        assert waiter.poll() is None, waiter.communicate()
        time.sleep(2)
        assert waiter.poll() is None and unloader.poll() is None
    finally:
        os.kill(holder.pid, signal.SIGKILL)  # a load killed while it holds the lock
        holder.wait()
    out, err = waiter.communicate(timeout=300)  # ... frees it: the waiting load goes on
    _, unload_err = unloader.communicate(timeout=300)
    assert unloader.returncode == 2 and "no loaded source has this key" in unload_err
    assert "Waiting for another load" in unload_err
    assert waiter.returncode == 0, err[-2000:]
    assert f"Waiting for another load into {neo4j_env['NEO4J_URI']} to finish (pid {holder.pid} on" in err
    assert db.read("MATCH (h:HometownAssociation {uri: 'https://example.org/test/c1'}) RETURN h.name AS n") \
        == [{"n": "Club Ce"}]


def _waiting(db, *pids: int) -> bool:
    """True once the lock transactions of the processes ``pids`` are all blocked (behind the holder's)."""
    blocked = {row["pid"] for row in db.read(HOLDERS) if not row["status"].startswith("Running")}
    return set(pids) <= blocked


@pytest.fixture(autouse=True)
def _no_lock_left(neo4j_db):
    yield
    assert neo4j_db.read(HOLDERS) == []
