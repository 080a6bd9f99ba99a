"""User mistakes and odd servers end in one clear message and exit 2, never "internal error" (issue 25, items 17
and 19): real command lines, the session's real Neo4j, and real misbehaving Bolt peers on sockets
(:mod:`.bolt_peer`) rather than mocks of the driver.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .bolt_peer import BEGIN, FAILURE, RUN, SUCCESS, BoltPeer

CLI = [sys.executable, "-m", "graph_loader"]


def cli(args, env, cwd=None, timeout=300) -> subprocess.CompletedProcess:
    run = subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)
    assert "Traceback" not in run.stderr, run.stderr
    assert "internal error" not in run.stderr and "this is a bug" not in run.stderr, run.stderr
    return run


# -- item 17: query --timeout ----------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e300", "1e999", "-1", "0", "0.0001", "soon"])
def test_a_timeout_that_cannot_be_used_is_refused(neo4j_env, value):
    run = cli(["query", f"--timeout={value}", "--cypher", "RETURN 1 AS one"], neo4j_env)
    assert run.returncode == 2
    assert "Invalid value for '--timeout'" in run.stderr
    assert "number of seconds" in run.stderr


def test_a_usable_timeout_still_runs(neo4j_env):
    run = cli(["query", "--timeout", "30", "--format", "json", "--cypher", "RETURN 1 AS one"], neo4j_env)
    assert run.returncode == 0 and '"one": 1' in run.stdout


# -- item 17: -p values Cypher cannot take ---------------------------------------------------------------------
@pytest.mark.parametrize("value, says", [
    ("[" * 40_000 + "]" * 40_000, "nests deeper than 100 levels"),
    ('{"a": ' * 500 + "1" + "}" * 500, "nests deeper than 100 levels"),
    ("123456789012345678901234567890", "outside Cypher's 64-bit integers"),
    ('{"ids": [1, -9223372036854775809]}', "outside Cypher's 64-bit integers"),
    ("9" * 5000, "--param x:"),
])
def test_a_parameter_cypher_cannot_take_is_refused(neo4j_env, value, says):
    run = cli(["query", "-p", f"x={value}", "--cypher", "RETURN $x AS x"], neo4j_env)
    assert run.returncode == 2
    assert "Invalid value" in run.stderr and says in run.stderr


def test_parameters_within_the_limits_still_run(neo4j_env):
    deep = "[" * 100 + "]" * 100
    run = cli(["query", "--format", "json", "-p", f"x={deep}", "-p", "n=-9223372036854775808",
               "--cypher", "RETURN size($x) AS s, $n AS n"], neo4j_env)
    assert run.returncode == 0, run.stderr
    assert '"s": 1' in run.stdout and '"n": -9223372036854775808' in run.stdout


# -- the sweep: other mistakes of the query command ---------------------------------------------------------------
def test_a_cypher_file_that_is_not_utf8_is_named(neo4j_env, tmp_path):
    path = tmp_path / "latin1.cypher"
    path.write_bytes("RETURN 'Asociación' AS x".encode("latin-1"))
    run = cli(["query", "--file", str(path)], neo4j_env)
    assert run.returncode == 2 and f"{path}: is not UTF-8 text" in run.stderr


@pytest.mark.parametrize("text", ["", "   ", "// only a comment"])
def test_an_empty_query_says_so(neo4j_env, text):
    run = cli(["query", "--cypher", text], neo4j_env)
    assert run.returncode == 2 and "the query is empty" in run.stderr and "EXPLAIN" not in run.stderr


# -- item 17: a server that answers Bolt oddly ------------------------------------------------------------------
AGENT = {"server": "Neo4j/5.26.0", "connection_id": "bolt-odd"}


def closes_at_once(peer, conn):
    pass


def answers_http(peer, conn):
    peer.read_exact(conn, 20)
    conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")


def offers_an_unknown_bolt(peer, conn):
    peer.handshake(conn, (9, 9))


def is_an_old_neo4j(peer, conn):
    """Bolt 4.4 (Neo4j 4.4): no notification filtering, which the driver is asked for -> ConfigurationError."""
    peer.handshake(conn, (4, 4))
    peer.read_message(conn)
    peer.send(conn, SUCCESS, {"server": "Neo4j/4.4.0", "connection_id": "bolt-old"})
    while True:
        peer.read_message(conn)
        peer.send(conn, SUCCESS, {})


def drops_after_the_greeting(peer, conn):
    """Agrees on Bolt 5.4, reads HELLO, hangs up -> SessionExpired."""
    peer.handshake(conn, (5, 4))
    peer.read_message(conn)


def sends_garbage(peer, conn):
    """A chunk that is not a PackStream structure -> the driver's ValueError."""
    peer.handshake(conn, (5, 4))
    peer.read_message(conn)
    conn.sendall(b"\x00\x03\xff\xff\xff\x00\x00")


def answers_without_fields(peer, conn):
    """SUCCESS to everything, a RUN without the fields it must name -> the driver's TypeError."""
    peer.handshake(conn, (5, 4))
    peer.read_message(conn)
    peer.send(conn, SUCCESS, AGENT)
    while True:
        peer.read_message(conn)
        peer.send(conn, SUCCESS, {})


def fails_every_query(peer, conn):
    """A database error for every transaction -> DatabaseError."""
    peer.handshake(conn, (5, 4))
    peer.read_message(conn)
    peer.send(conn, SUCCESS, AGENT)
    failed = False
    while True:
        signature = peer.read_message(conn)
        if signature in (BEGIN, RUN) and not failed:
            peer.send(conn, FAILURE, {"code": "Neo.DatabaseError.General.UnknownError", "message": "disk on fire"})
            failed = True
        elif failed and signature != 0x0F:  # after a failure, everything but RESET is ignored
            peer.send(conn, 0x7E)
        else:
            failed = False
            peer.send(conn, SUCCESS, {})


@pytest.mark.parametrize("behaviour", [closes_at_once, answers_http, offers_an_unknown_bolt, is_an_old_neo4j,
                                       drops_after_the_greeting, sends_garbage, answers_without_fields,
                                       fails_every_query], ids=lambda b: b.__name__)
def test_a_server_that_answers_bolt_oddly_is_one_clear_message(behaviour, tmp_path):
    peer = BoltPeer(behaviour)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "DKG_"))}
    env.update({"NEO4J_URI": peer.uri, "NEO4J_PASSWORD": "odd-peer-secret", "DKG_CACHE_DIR": str(tmp_path)})
    try:
        for args in (["query", "--cypher", "RETURN 1"], ["load", "--dry-run"]):
            run = cli(args, env, cwd=tmp_path, timeout=120)
            assert run.returncode == 2, (args, run.stderr)
            assert f"Neo4j at {peer.uri}" in run.stderr
            assert "hint:" in run.stderr
            assert "odd-peer-secret" not in run.stdout + run.stderr
        assert peer.connections > 0  # the driver did meet the peer
    finally:
        peer.close()


# -- item 19: which credential is missing -----------------------------------------------------------------------
def test_a_missing_password_names_the_variable_that_is_missing(neo4j_instance, tmp_path):
    if neo4j_instance is None:
        pytest.skip("needs the managed test instance, whose password is known to be set")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "DKG_"))}
    env.update({"NEO4J_URI": neo4j_instance.uri, "NEO4J_USER": "neo4j"})  # and no NEO4J_PASSWORD, nor any .env
    run = cli(["query", "--cypher", "RETURN 1"], env, cwd=tmp_path)
    assert run.returncode == 2
    assert "asks for a password, and NEO4J_PASSWORD is not set" in run.stderr
    assert "set NEO4J_PASSWORD" in run.stderr and ".env" in run.stderr
    assert "check NEO4J_USER" not in run.stderr  # the user was never the problem
