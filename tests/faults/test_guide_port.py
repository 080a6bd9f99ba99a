"""``browser --guide`` on a port already taken (issue 25 item 17, issue 26): one clear error naming the port and
--guide-port, exit code 2; it said "internal error (OSError: [Errno 98] Address already in use) … a bug"."""

from __future__ import annotations

import socket
import subprocess
import sys

CLI = [sys.executable, "-m", "graph_loader"]


def test_a_busy_guide_port_is_a_clear_error(neo4j_env, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run([*CLI, "browser", "--no-open", "--guide", "--guide-port", str(port)],
                             capture_output=True, text=True, timeout=120, env={**neo4j_env, "COLUMNS": "300"},
                             cwd=tmp_path)
    assert run.returncode == 2, run.stderr
    assert f"port {port} on 127.0.0.1 is in use" in run.stderr
    assert "--guide-port" in run.stderr and "--guide-port 0" in run.stderr
    assert "internal error" not in run.stderr and "Traceback" not in run.stderr
