"""``diaspora-kg shell`` never puts a password on cypher-shell's command line (issue 25, item 9).

cypher-shell's parser takes any unambiguous prefix of a long option (``--passw X``, ``--pass=X``) and a short
option's value joined to it after flags (``-vpX``): every spelling is refused before any process starts, and while
the command runs no other process's command line (``/proc/<pid>/cmdline``, what ``ps`` shows) holds the password.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "graph_loader"]
SPELLINGS = [
    ["--passw", "{pw}"], ["--pass", "{pw}"], ["--pas", "{pw}"], ["--pa", "{pw}"], ["--p", "{pw}"],
    ["--passw={pw}"], ["--pass={pw}"], ["--password={pw}"], ["--password", "{pw}"],
    ["-p", "{pw}"], ["-p{pw}"], ["-vp", "{pw}"], ["-vp{pw}"], ["-hvp{pw}"],
    ["--format", "plain", "--passwo", "{pw}"],
]


def _argv_holding(secret: bytes, exclude: int) -> list[str]:
    """The command lines of processes other than ``exclude`` that hold ``secret``."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        if cmdline.parent.name == str(exclude):
            continue
        try:
            argv = cmdline.read_bytes()
        except OSError:
            continue
        if secret in argv:
            found.append(argv.replace(b"\0", b" ").decode(errors="replace")[:200])
    return found


@pytest.mark.parametrize("spelling", SPELLINGS, ids=lambda s: " ".join(s).replace("{pw}", "PW"))
def test_every_spelling_of_the_password_option_is_refused(neo4j_env, spelling):
    password = neo4j_env["NEO4J_PASSWORD"]  # the real one: a spelling that got through would log in with it
    args = [part.replace("{pw}", password) for part in spelling]
    proc = subprocess.Popen([*CLI, "shell", "--", *args], env=neo4j_env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdin.write("RETURN 1;\n")
    proc.stdin.close()
    seen: list[str] = []
    deadline = time.monotonic() + 180
    while proc.poll() is None and time.monotonic() < deadline:  # what ps shows while the command runs
        seen += _argv_holding(password.encode(), exclude=proc.pid)
        time.sleep(0.05)
    out, err = proc.stdout.read(), proc.stderr.read()
    if proc.poll() is None:
        proc.kill()
    assert seen == [], "the password was on another process's command line"
    assert proc.returncode == 2, err
    assert "a password on the command line is readable by every local user" in err
    assert password not in out + err and "Traceback" not in err
