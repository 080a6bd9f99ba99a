"""Running Cypher: named queries from the library, files and ad-hoc text, read-only unless allowed to write."""

from __future__ import annotations

from pathlib import Path

import neo4j
from neo4j.exceptions import Neo4jError

from ..errors import QueryError
from . import catalogue
from .connection import Database


def run_cypher(db: Database, text: str, params: dict | None = None, *, write: bool = False,
               label: str = "query") -> list[dict]:
    """Run ``text`` with ``params`` in a read (or, with ``write``, a write) transaction; rows as dicts.

    Read transactions are enforced by the server: a write inside one fails with Neo4j's access-mode error.
    """
    def work(tx):
        return [record.data() for record in tx.run(text, params or {})]

    try:
        with db.session(read_only=not write) as session:
            return session.execute_write(work) if write else session.execute_read(work)
    except Neo4jError as exc:
        code = exc.code or ""
        hint = ("the query writes; pass --write (and mark a library query `// mode: write`)"
                if "AccessMode" in code or "ForbiddenDueToTransactionType" in code else None)
        raise QueryError(f"{label}: {exc.message or exc}", hint=hint) from exc
    except neo4j.exceptions.ServiceUnavailable as exc:
        raise QueryError(f"{label}: lost the connection to {db.uri}: {exc}") from exc


def run_named(db: Database, name: str, params: dict | None = None, *, write: bool = False) -> list[dict]:
    """Run the library query ``name``; a ``mode: write`` query needs ``write=True``."""
    query = catalogue.get(name)
    if query.mode == "write" and not write:
        raise QueryError(f"query {name} writes to the graph", hint="pass --write to run it")
    if query.mode == "read" and write:
        write = False  # never open a write transaction for a read query
    params = query.bind(params or {})
    rows: list[dict] = []
    for statement in statements(query.text):  # a write file may hold several statements (the schema does)
        rows = run_cypher(db, statement, params, write=write, label=f"query {name}")
    return rows


def statements(text: str) -> list[str]:
    """The statements of a file: split at semicolons that end a line, comments and blank ones dropped."""
    parts = [p.strip() for p in text.split(";\n")]
    return [p.rstrip(";") for p in parts
            if any(line.strip() and not line.strip().startswith("//") for line in p.splitlines())]


def run_file(db: Database, path: Path, params: dict | None = None, *, write: bool = False) -> list[dict]:
    """Run a ``.cypher`` file; with a library header its mode and parameters are honoured."""
    text = Path(path).read_text(encoding="utf-8")
    if text.lstrip().startswith("// name:"):
        query = catalogue.parse_query_file(Path(path))
        if query.mode == "write" and not write:
            raise QueryError(f"{path} writes to the graph", hint="pass --write to run it")
        return run_cypher(db, text, query.bind(params or {}), write=write and query.mode == "write",
                          label=str(path))
    return run_cypher(db, text, params, write=write, label=str(path))
