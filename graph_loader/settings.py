"""Where things are and how to reach Neo4j, from the environment or a ``.env`` file.

``NEO4J_URI`` (with ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``) points every command at an existing
server: docker compose, Neo4j Desktop, Aura, or a cluster through a ``neo4j://`` routing URI. When it is unset,
commands use the managed local Neo4j (:mod:`graph_loader.neo4j.server`) on ``DKG_NEO4J_PORT`` with its data in
``DKG_NEO4J_DATA_DIR``. Variables already in the environment win over ``.env``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MANAGED_PORT = 17687


@dataclass(frozen=True)
class Settings:
    """Connection and path settings; ``password`` is kept out of ``repr`` so it is never printed."""

    uri: str | None
    user: str
    password: str | None = field(repr=False)
    database: str
    managed_port: int
    managed_data_dir: Path
    cache_dir: Path
    heap: str

    @property
    def managed(self) -> bool:
        """True when no external server is configured and the managed local Neo4j is used."""
        return not self.uri


def load_settings(env_file: Path | None = None) -> Settings:
    """Read settings from ``os.environ`` and, below it, ``.env`` in the current folder or the project root."""
    values: dict[str, str | None] = {}
    for candidate in [env_file] if env_file else [PROJECT_ROOT / ".env", Path.cwd() / ".env"]:
        if candidate and candidate.is_file():
            values.update(dotenv_values(candidate))
    values.update(os.environ)

    def get(name: str, default: str | None = None) -> str | None:
        value = values.get(name)
        return value if value not in (None, "") else default

    cache_dir = Path(get("DKG_CACHE_DIR", str(PROJECT_ROOT / ".cache")))
    return Settings(
        uri=get("NEO4J_URI"),
        user=get("NEO4J_USER", "neo4j"),
        password=get("NEO4J_PASSWORD"),
        database=get("NEO4J_DATABASE", "neo4j"),
        managed_port=int(get("DKG_NEO4J_PORT", str(DEFAULT_MANAGED_PORT))),
        managed_data_dir=Path(get("DKG_NEO4J_DATA_DIR", str(PROJECT_ROOT / ".neo4j"))),
        cache_dir=cache_dir,
        heap=get("DKG_NEO4J_HEAP", "2g"),
    )
