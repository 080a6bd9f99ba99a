"""Running Cypher: named queries from the library, files and ad-hoc text, read-only unless allowed to write."""

from __future__ import annotations

import secrets
import threading
from pathlib import Path

import neo4j
from neo4j.exceptions import Neo4jError

from ..errors import QueryError
from . import catalogue, import_folder
from .connection import Database

#: Plan operators that act on the server, not the graph: refused without --write although EXPLAIN calls them reads.
ADMIN_OPERATORS = ("TerminateTransactions",)


def run_cypher(db: Database, text: str, params: dict | None = None, *, write: bool = False,
               label: str = "query", timeout: float | None = None) -> list[dict]:
    """Run ``text`` with ``params`` in a read (or, with ``write``, a write) transaction; rows as dicts.

    Without ``write`` the query must be a pure read: the server enforces read transactions, and before running
    the query its plan (EXPLAIN) is checked, so schema and admin commands that a read transaction would let through
    (``TERMINATE TRANSACTIONS``, ``CALL db.clearQueryCaches()``, ``ALTER USER``) are refused too.

    ``timeout`` (seconds) bounds the transaction on the server. Ctrl-C (KeyboardInterrupt) terminates the
    transaction on the server at once, then is raised again.
    """
    if db.instance is not None and import_folder.reads_csv(text):
        import_folder.check(db.instance.home_dir / "import")  # LOAD CSV follows links out of it
    if not write:
        _check_read_only(db, text, params, label)
    token = secrets.token_hex(8)

    @neo4j.unit_of_work(timeout=timeout, metadata={"dkgQuery": token})
    def work(tx):
        return [record.data() for record in tx.run(text, params or {})]

    def execute():
        with db.session(read_only=not write) as session:
            return session.execute_write(work) if write else session.execute_read(work)

    try:
        return _interruptible(execute, lambda: _terminate(db, token))
    except Neo4jError as exc:
        raise _query_error(exc, label, timeout) from exc
    except neo4j.exceptions.DriverError as exc:
        raise QueryError(f"{label}: lost the connection to {db.uri} ({exc.__class__.__name__})",
                         hint="start Neo4j again and rerun the query") from exc


def _query_error(exc: Neo4jError, label: str, timeout: float | None) -> QueryError:
    code = exc.code or ""
    if "AccessMode" in code or "ForbiddenDueToTransactionType" in code:
        return QueryError(f"{label}: {exc.message or exc}",
                          hint="the query writes; pass --write (and mark a library query `// mode: write`)")
    if "TransactionTimedOut" in code:
        return QueryError(f"{label}: stopped after the {timeout:g} s timeout",
                          hint="raise --timeout, or narrow the query (LIMIT, a more selective MATCH)")
    if "Terminated" in code:
        return QueryError(f"{label}: the transaction was terminated on the server")
    return QueryError(f"{label}: {exc.message or exc}")


def _check_read_only(db: Database, text: str, params: dict | None, label: str) -> None:
    """Refuse a query whose plan writes, changes the schema or administers the server."""
    try:
        with db.session(read_only=True) as session:
            summary = session.run(f"EXPLAIN {text}", params or {}).consume()
    except Neo4jError as exc:
        raise QueryError(f"{label}: {exc.message or exc}") from exc
    operators = set(_operators(summary.plan or {}))
    admin = sorted(op for op in operators if op.startswith(ADMIN_OPERATORS))
    if summary.query_type != "r" or admin:
        what = {"w": "writes to the graph", "rw": "writes to the graph", "s": "changes the schema or the server"}
        reason = f"runs {', '.join(admin)}" if admin else what.get(summary.query_type, "is not a pure read")
        raise QueryError(f"{label}: the query {reason}; read-only mode refuses it",
                         hint="pass --write to run queries that write or administer")


def _operators(plan: dict):
    yield plan.get("operatorType", "").split("@", 1)[0]
    for child in plan.get("children", ()):
        yield from _operators(child)


def _interruptible(function, on_interrupt):
    """Run ``function`` in a worker thread so that Ctrl-C is seen at once; then call ``on_interrupt`` and re-raise.

    The driver, interrupted inside a blocking read, would first wait for the server to finish the query.
    """
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = function()
        except BaseException as exc:  # noqa: BLE001 — handed to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=target, name="diaspora-kg-query", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.1)
    except KeyboardInterrupt:
        on_interrupt()
        raise
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _terminate(db: Database, token: str) -> None:
    """Terminate on the server the transaction that carries ``token`` in its metadata (best effort)."""
    try:
        ids = [row["id"] for row in db.read(
            "SHOW TRANSACTIONS YIELD transactionId AS id, metaData WHERE metaData.dkgQuery = $token RETURN id",
            {"token": token})]
        if ids:
            db.write("TERMINATE TRANSACTIONS $ids", {"ids": ids})
    except Exception:  # noqa: BLE001 — the user asked to stop; a failed clean-up must not hide that
        pass


def run_named(db: Database, name: str, params: dict | None = None, *, write: bool = False,
              timeout: float | None = None) -> list[dict]:
    """Run the library query ``name``; a ``mode: write`` query needs ``write=True``."""
    query = catalogue.get(name)
    if query.mode == "write" and not write:
        raise QueryError(f"query {name} writes to the graph", hint="pass --write to run it")
    if query.mode == "read" and write:
        write = False  # never open a write transaction for a read query
    params = query.bind(params or {})
    rows: list[dict] = []
    for statement in statements(query.text):  # a write file may hold several statements (the schema does)
        rows = run_cypher(db, statement, params, write=write, label=f"query {name}", timeout=timeout)
    return rows


def statements(text: str) -> list[str]:
    """The statements of a file: split at semicolons that end a line, comments and blank ones dropped."""
    parts = [p.strip() for p in text.split(";\n")]
    return [p.rstrip(";") for p in parts
            if any(line.strip() and not line.strip().startswith("//") for line in p.splitlines())]


def run_file(db: Database, path: Path, params: dict | None = None, *, write: bool = False,
             timeout: float | None = None) -> list[dict]:
    """Run a ``.cypher`` file; with a library header its mode and parameters are honoured."""
    text = Path(path).read_text(encoding="utf-8")
    if text.lstrip().startswith("// name:"):
        query = catalogue.parse_query_file(Path(path))
        if query.mode == "write" and not write:
            raise QueryError(f"{path} writes to the graph", hint="pass --write to run it")
        return run_cypher(db, text, query.bind(params or {}), write=write and query.mode == "write",
                          label=str(path), timeout=timeout)
    return run_cypher(db, text, params, write=write, label=str(path), timeout=timeout)
