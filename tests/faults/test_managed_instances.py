"""The managed Neo4j as a newcomer meets it (issue 26): ``neo4j status`` of a stopped instance says "stopped"
(it said ``Neo4j ? stopped``); ``query`` starting a stopped instance says so and that it keeps running; a second
instance started with only ``--port`` takes a free HTTP port when the first one's Browser holds the configured one,
and prints it (it failed: "the HTTP port 17474 … is taken"), as the README's "beside the first on another port"
promises."""

from __future__ import annotations

import json
import re

from ..conftest import free_port
from .test_server_and_queries import cli, managed_env


def test_stopped_status_autostart_and_a_second_instance_beside_the_first(tmp_path):
    port, http, port_b = free_port(), free_port(), free_port()
    first, second = tmp_path / "first", tmp_path / "second"
    env = managed_env(port, first, DKG_NEO4J_HTTP_PORT=str(http), COLUMNS="300")
    status = cli(["neo4j", "status"], env)
    assert status.returncode == 3
    assert "Neo4j stopped" in status.stderr and "?" not in status.stderr and "neo4j start` starts Neo4j 5.26" \
        in status.stderr
    try:
        asked = cli(["query", "--format", "json", "--cypher", "RETURN 1 AS x"], env)
        assert asked.returncode == 0, asked.stderr
        assert json.loads(asked.stdout) == [{"x": 1}]
        assert f"The managed Neo4j is not running: starting it on bolt://127.0.0.1:{port}" in asked.stderr
        assert "it keeps running afterwards" in asked.stderr and "Started Neo4j 5.26" in asked.stderr

        started = cli(["neo4j", "start", "--no-gds", "--port", str(port_b), "--data-dir", str(second)], env)
        assert started.returncode == 0, started.stderr
        assert f"HTTP port {http} is taken" in started.stderr
        chosen = int(re.search(r"serves Browser on port (\d+)", started.stderr).group(1))
        assert chosen != http and f"browser:  http://127.0.0.1:{chosen}/browser/" in started.stderr
        assert f"bolt://127.0.0.1:{port_b}" in started.stderr
        again = cli(["neo4j", "status"], env)  # the first instance is untouched
        assert again.returncode == 0 and f"http://127.0.0.1:{http}/browser/" in again.stderr
    finally:
        cli(["neo4j", "stop", "--port", str(port_b), "--data-dir", str(second)], env)
        cli(["neo4j", "stop"], env)
