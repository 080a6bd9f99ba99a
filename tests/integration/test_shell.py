"""``diaspora-kg shell``: cypher-shell from Maven Central on the test server, real processes throughout.

What it prints is compared with what ``diaspora-kg query`` prints for the same query; the password is looked for
in the live JVM's command line (``/proc/<pid>/cmdline``) and in every output, and must be in none of them.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph_loader.errors import ConfigurationError
from graph_loader.neo4j.shell import MAIN_CLASS, shell_command

NAMES = "MATCH (h:HometownAssociation) RETURN h.name ORDER BY h.name"
NEVER_PRINTED = "NEVER-SHOWN-password-0451"


def cli(env, *args, stdin: str | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graph_loader", *args], env=env, capture_output=True, text=True,
                          input=stdin if stdin is not None else "", timeout=timeout)


def plain_values(stdout: str) -> list[str]:
    """The values of a one-column ``--format plain`` result (a header line, then one quoted string a line)."""
    lines = stdout.strip().splitlines()
    assert lines[0] == "h.name", stdout
    return [line[1:-1] if line.startswith('"') and line.endswith('"') else line for line in lines[1:]]


_EXPECTED: list[list[str]] = []


@pytest.fixture
def expected_names(seed_db, neo4j_env_module) -> list[str]:
    """What ``diaspora-kg query --format csv`` prints for :data:`NAMES`, as values (asked once)."""
    if not _EXPECTED:
        result = cli(neo4j_env_module, "query", "--cypher", NAMES, "--format", "csv")
        assert result.returncode == 0, result.stderr
        rows = list(csv.reader(io.StringIO(result.stdout)))
        assert rows[0] == ["h.name"] and len(rows) > 3, result.stdout
        _EXPECTED.append([row[0] for row in rows[1:]])
    return _EXPECTED[0]


@pytest.fixture(scope="module")
def neo4j_env_module(neo4j_instance, neo4j_db):
    """``neo4j_env`` for a whole module (the environment is only handed to subprocesses here)."""
    if neo4j_instance is None:
        pytest.skip("NEO4J_URI is set: these tests use the throwaway managed instance")
    return {**os.environ, "NEO4J_URI": neo4j_instance.uri, "NEO4J_USER": "neo4j",
            "NEO4J_PASSWORD": neo4j_instance.password(), "NEO4J_DATABASE": "neo4j"}


def test_stdin_gives_what_query_prints(expected_names, neo4j_env_module):
    result = cli(neo4j_env_module, "shell", "--", "--format", "plain", stdin=NAMES + ";\n")
    assert result.returncode == 0, result.stderr
    assert plain_values(result.stdout) == expected_names


def test_a_file_after_the_double_dash(expected_names, neo4j_env_module, tmp_path):
    script = tmp_path / "names.cypher"
    script.write_text(f"// the associations\n{NAMES};\n", encoding="utf-8")
    result = cli(neo4j_env_module, "shell", "--", "--format", "plain", "-f", str(script))
    assert result.returncode == 0, result.stderr
    assert plain_values(result.stdout) == expected_names


def test_the_managed_instance_is_found_with_its_password_file(expected_names, neo4j_instance, tmp_path):
    """No NEO4J_URI: the managed instance of DKG_NEO4J_DATA_DIR/PORT, found (running) as `connect()` finds it."""
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(DKG_NEO4J_DATA_DIR=str(neo4j_instance.data_dir), DKG_NEO4J_PORT=str(neo4j_instance.port),
               DKG_ENV_FILE=str(empty_env_file))
    result = cli(env, "shell", "--", "--format", "plain", stdin=NAMES + ";\n")
    assert result.returncode == 0, result.stderr
    assert plain_values(result.stdout) == expected_names
    assert "the managed Neo4j" in result.stderr
    assert neo4j_instance.password() not in result.stdout + result.stderr


def test_cypher_shell_exit_code_is_the_commands(neo4j_env_module):
    result = cli(neo4j_env_module, "shell", "--", "--format", "plain", stdin="RETURN nonsense(;\n")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    ok = cli(neo4j_env_module, "shell", "--", "--format", "plain", "RETURN 40 + 2 AS answer")
    assert (ok.returncode, ok.stdout.split()) == (0, ["answer", "42"])


def test_the_password_is_in_no_argv_of_the_live_jvm_and_no_output(neo4j_env_module):
    password = neo4j_env_module["NEO4J_PASSWORD"]
    proc = subprocess.Popen([sys.executable, "-m", "graph_loader", "shell", "--", "--format", "plain"],
                            env=neo4j_env_module, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        jvm = _child_running(proc.pid, MAIN_CLASS.encode(), timeout=120)  # reads stdin, which stays open
        argv = Path(f"/proc/{jvm}/cmdline").read_bytes().split(b"\0")
        assert MAIN_CLASS.encode() in argv
        assert not any(password.encode() in arg for arg in argv)
        assert b"-p" not in argv and b"--password" not in argv
        # ... the environment carries it (readable by this user only, like the managed Neo4j's)
        assert f"NEO4J_PASSWORD={password}".encode() in Path(f"/proc/{jvm}/environ").read_bytes().split(b"\0")
        out, err = proc.communicate("RETURN 'still here' AS x;\n", timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert out.split("\n")[:2] == ["x", '"still here"']
    assert password not in out + err


def test_a_wrong_password_is_one_message_that_never_shows_it(neo4j_env_module):
    result = cli({**neo4j_env_module, "NEO4J_PASSWORD": NEVER_PRINTED}, "shell", stdin="RETURN 1;\n")
    assert result.returncode == 2
    assert "refused the credentials" in result.stderr and "Traceback" not in result.stderr
    assert NEVER_PRINTED not in result.stdout + result.stderr
    on_argv = cli(neo4j_env_module, "shell", "--", "-p" + NEVER_PRINTED, stdin="RETURN 1;\n")
    assert on_argv.returncode == 2 and "a password on the command line" in on_argv.stderr
    assert NEVER_PRINTED not in on_argv.stdout + on_argv.stderr


def test_the_command_it_builds_has_no_password_in_argv(tmp_path):
    command = shell_command(tmp_path, "bolt://127.0.0.1:7687", "neo4j", NEVER_PRINTED, "neo4j",
                            ["--format", "plain"], base_env={"NEO4J_PASSWORD": "inherited", "PATH": "/bin"})
    assert not any(NEVER_PRINTED in arg for arg in command.argv)
    assert command.env["NEO4J_PASSWORD"] == NEVER_PRINTED
    assert command.argv[-2:] == ["--format", "plain"] and MAIN_CLASS in command.argv
    assert NEVER_PRINTED not in repr(command)
    # no password: none inherited either (cypher-shell then asks, or the server needs none)
    assert "NEO4J_PASSWORD" not in shell_command(tmp_path, "bolt://h:1", "u", None, "neo4j",
                                                 base_env={"NEO4J_PASSWORD": "x"}).env
    for args in (["-p", "secret"], ["-psecret"], ["--password", "secret"], ["--password=secret"]):
        with pytest.raises(ConfigurationError) as caught:
            shell_command(tmp_path, "bolt://h:1", "u", "pw", "neo4j", args)
        assert "secret" not in caught.value.message + (caught.value.hint or "")
    shell_command(tmp_path, "bolt://h:1", "u", "pw", "neo4j", ["-P", "{p: 1}"])  # -P is a parameter: allowed


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _child_running(pid: int, marker: bytes, timeout: float) -> int:
    """The pid of the child of ``pid`` whose command line holds ``marker``, once it runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in _children(pid):
            try:
                if marker in Path(f"/proc/{child}/cmdline").read_bytes():
                    return child
            except OSError:
                continue
        time.sleep(0.1)
    raise AssertionError(f"no child of {pid} runs {marker!r} after {timeout} s")
