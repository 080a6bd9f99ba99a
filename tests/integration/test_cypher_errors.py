"""A Cypher error in ``query --cypher`` is told in the text the user wrote: the read-only check runs ``EXPLAIN``
before the query, and its errors quoted and counted that word (``"EXPLAIN MATCH (n) RETRUN n"``, column 19)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CLI = [sys.executable, "-m", "graph_loader"]


def error_of(args: list[str], env: dict) -> str:
    run = subprocess.run([*CLI, "query", *args], capture_output=True, text=True, timeout=120,
                         env={**env, "COLUMNS": "400"})
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    return run.stderr[run.stderr.index("error:"):]


@pytest.mark.parametrize(("text", "where", "quoted"), [
    ("MATCH (n) RETRUN n", "(line 1, column 11 (offset: 10))", '"MATCH (n) RETRUN n"\n           ^'),
    ("MATCH (n)\nWHERE n.x = 1\nRETRUN n", "(line 3, column 1 (offset: 24))", '"RETRUN n"\n ^'),
    ("RETURN m", "(line 1, column 8 (offset: 7))", '"RETURN m"\n        ^'),
])
def test_positions_are_in_the_users_text(neo4j_env, text, where, quoted):
    read_only = error_of(["--cypher", text], neo4j_env)
    assert where in read_only and quoted in read_only and "EXPLAIN" not in read_only
    # The same error as the query itself gives when run without the check (--write runs no EXPLAIN first).
    assert read_only == error_of(["--cypher", text, "--write"], neo4j_env)
