"""Running Cypher: named queries from the library, files and ad-hoc text, read-only unless allowed to write."""

from __future__ import annotations

import math
import re
import secrets
import threading
from pathlib import Path

import neo4j
from neo4j.exceptions import Neo4jError

from ..errors import InputError, QueryError, UsageError
from . import catalogue, import_folder
from .connection import Database

#: Plan operators that act on the server, not the graph: refused without --write although EXPLAIN calls them reads.
ADMIN_OPERATORS = ("TerminateTransactions",)
#: Procedure modes (``SHOW PROCEDURES``) that write: the graph (WRITE) or the schema (SCHEMA).
WRITING_MODES = ("WRITE", "SCHEMA")
#: GDS declares every procedure READ, whatever it does, so for ``gds.*`` the name decides. GDS names say what a
#: procedure does: an algorithm's execution mode is its last part (``stream``, ``stats`` and ``estimate`` only read;
#: ``mutate`` changes an in-memory graph, ``write`` the database, ``train`` stores a model), and the catalog's
#: procedures are named for their effect (``project``, ``drop``, ``generate``, ``filter``, ``export`` ...). These
#: last parts only read: everything else in ``gds.*`` is refused without --write, including procedures a later GDS
#: adds, until they are known to be reads.
GDS_READ_ENDINGS = ("stream", "stats", "estimate", "list", "exists", "version", "sysInfo", "state", "listProgress",
                    "summary", "userLog", "triangles")
#: A namespaced procedure or function called in a plan's details (``gds.graph.generate($autostring_0, ...)``):
#: plans name them canonically, with literals turned into parameters.
_CALLED = re.compile(r"(?<![\w.`$])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)\(")
#: GDS's configuration key that turns its memory guard off.
_SUDO = re.compile(r"\bsudo\b")
#: The range of a query's timeout in seconds: the driver sends whole milliseconds (so at least one), and a year
#: is longer than any query should run (and far inside the 64-bit milliseconds Bolt carries).
TIMEOUT_RANGE = (0.001, 365 * 24 * 3600.0)
#: Neo4j's status codes that a retry cannot cure: the query needs more memory than its transaction may take.
MEMORY_LIMIT_CODES = ("Neo.TransientError.General.MemoryPoolOutOfMemoryError",)


def run_cypher(db: Database, text: str, params: dict | None = None, *, write: bool = False,
               label: str = "query", timeout: float | None = None) -> list[dict]:
    """Run ``text`` with ``params`` in a read (or, with ``write``, a write) transaction; rows as dicts.

    Without ``write`` the query must be a pure read: the server enforces read transactions, and before running
    the query its plan (EXPLAIN) is checked, so schema and admin commands that a read transaction would let through
    (``TERMINATE TRANSACTIONS``, ``CALL db.clearQueryCaches()``, ``ALTER USER``) are refused too, and so are
    procedures that change state although declared READ (GDS's projections, ``gds.graph.drop``, ``*.mutate``,
    ``db.stats.collect``: :func:`state_changing`) and GDS calls that turn off its memory guard (``sudo``).

    A query that needs more memory than the server lets a transaction use fails at once (no retry).

    ``timeout`` (seconds) bounds the transaction on the server. Ctrl-C (KeyboardInterrupt) terminates the
    transaction on the server at once, then is raised again.
    """
    check_timeout(timeout)
    if not statements(text):
        raise QueryError(f"{label}: the query is empty", hint="give the Cypher to run")
    if db.instance is not None and import_folder.reads_csv(text):
        import_folder.check(db.instance.home_dir / "import")  # LOAD CSV follows links out of it
    if not write:
        _check_read_only(db, text, params, label)
    token = secrets.token_hex(8)

    @neo4j.unit_of_work(timeout=timeout, metadata={"dkgQuery": token})
    def work(tx):
        try:
            return [record.data() for record in tx.run(text, params or {})]
        except Neo4jError as exc:
            if exc.code in MEMORY_LIMIT_CODES:  # the driver would retry it as transient, to the same end
                raise _NotRetried(exc) from exc
            raise

    def execute():
        with db.session(read_only=not write) as session:
            return session.execute_write(work) if write else session.execute_read(work)

    try:
        return _interruptible(execute, lambda: _terminate(db, token))
    except _NotRetried as exc:
        raise _query_error(exc.error, label, timeout) from exc.error
    except Neo4jError as exc:
        raise _query_error(exc, label, timeout) from exc
    except neo4j.exceptions.DriverError as exc:
        if _died_of_memory(db):
            raise QueryError(f"{label}: Neo4j ran out of memory and exited while running the query "
                             f"(see {db.instance.log_file})",
                             hint="the next command starts it again. Narrow the query: Neo4j's transaction "
                                  "memory limit does not count everything (a list built inside one row, GDS "
                                  "with sudo: true or gds.graph.generate)") from exc
        raise QueryError(f"{label}: lost the connection to {db.uri} ({exc.__class__.__name__})",
                         hint="start Neo4j again and rerun the query") from exc


def check_timeout(seconds: float | None) -> float | None:
    """``seconds`` when it is a usable timeout (None: none), else a UsageError that says the range.

    >>> check_timeout(2.5), check_timeout(None)
    (2.5, None)
    """
    low, high = TIMEOUT_RANGE
    if seconds is not None and not (math.isfinite(seconds) and low <= seconds <= high):
        raise UsageError(f"a query timeout of {seconds:g} seconds cannot be used",
                         hint=f"give a number of seconds from {low:g} to {high:,.0f} (a year), or no --timeout")
    return seconds


class _NotRetried(Exception):
    """Carries a Neo4j error out of a transaction function without the driver's retries."""

    def __init__(self, error: Neo4jError):
        super().__init__(str(error))
        self.error = error


def _died_of_memory(db: Database) -> bool:
    """True when ``db`` is the managed instance and its JVM ended on an OutOfMemoryError (its log of this run)."""
    if db.instance is None:
        return False
    try:
        with open(db.instance.log_file, "rb") as log:
            log.seek(0, 2)
            log.seek(max(log.tell() - 4096, 0))
            tail = log.read().decode(errors="replace")
    except OSError:
        return False
    return "java.lang.OutOfMemoryError" in tail and db.instance.running_pid() is None


def _query_error(exc: Neo4jError, label: str, timeout: float | None) -> QueryError:
    code = exc.code or ""
    if "AccessMode" in code or "ForbiddenDueToTransactionType" in code:
        return QueryError(f"{label}: {exc.message or exc}",
                          hint="the query writes; pass --write (and mark a library query `// mode: write`)")
    if code in MEMORY_LIMIT_CODES:
        return QueryError(f"{label}: stopped: the query needs more memory than Neo4j lets a transaction use "
                          f"({exc.message or exc})",
                          hint="narrow it (LIMIT, count() rather than collect(), fewer rows per aggregation); the "
                               "managed Neo4j lets transactions use 60 % of its heap (DKG_NEO4J_HEAP)")
    if "TransactionTimedOut" in code:
        return QueryError(f"{label}: stopped after the {timeout:g} s timeout",
                          hint="raise --timeout, or narrow the query (LIMIT, a more selective MATCH)")
    if "Terminated" in code:
        return QueryError(f"{label}: the transaction was terminated on the server")
    return QueryError(f"{label}: {exc.message or exc}")


def _check_read_only(db: Database, text: str, params: dict | None, label: str) -> None:
    """Refuse a query whose plan writes, changes the schema, administers the server or calls a procedure (or
    function) that changes state (:func:`state_changing`)."""
    try:
        with db.session(read_only=True) as session:
            summary = session.run(EXPLAIN + text, params or {}).consume()
    except Neo4jError as exc:
        raise QueryError(f"{label}: {without_explain(exc.message or str(exc))}") from exc
    steps = list(_steps(summary.plan or {}))
    called = {name for _, details in steps for name in _CALLED.findall(details)}
    refused = state_changing(called, procedure_modes(db)) if called else {}
    if refused:  # first: the message can name the procedure
        name, why = next(iter(sorted(refused.items())))
        raise QueryError(f"{label}: the query calls {name}, which {why}; read-only mode refuses it",
                         hint="pass --write to run it")
    admin = sorted({op for op, _ in steps if op.startswith(ADMIN_OPERATORS)})
    if summary.query_type != "r" or admin:
        what = {"w": "writes to the graph", "rw": "writes to the graph", "s": "changes the schema or the server"}
        reason = f"runs {', '.join(admin)}" if admin else what.get(summary.query_type, "is not a pure read")
        raise QueryError(f"{label}: the query {reason}; read-only mode refuses it",
                         hint="pass --write to run queries that write or administer")
    if called:
        gds = sorted(name for name in called if name.startswith("gds."))
        if gds and (_SUDO.search(text) or _SUDO.search(repr(params or {}))):
            raise QueryError(f"{label}: the query turns off GDS's memory guard (sudo) for {gds[0]}, which may "
                             "exhaust the server's memory; read-only mode refuses it",
                             hint="drop sudo, or pass --write to take the risk")


#: What the read-only check puts before the user's text; its errors are told in the user's text (:func:`without_explain`).
EXPLAIN = "EXPLAIN "


def without_explain(message: str) -> str:
    r"""A Neo4j error about ``EXPLAIN <text>`` told about ``<text>``, the query the user wrote: the line, column
    and offset it gives, and the quoted line with its caret, shifted back by :data:`EXPLAIN`.

    >>> print(without_explain('Invalid input \'RETRUN\' (line 1, column 19 (offset: 18))\n'
    ...                       '"EXPLAIN MATCH (n) RETRUN n"\n                   ^'))
    Invalid input 'RETRUN' (line 1, column 11 (offset: 10))
    "MATCH (n) RETRUN n"
               ^
    >>> without_explain("Variable `m` not defined (line 3, column 8 (offset: 40))")
    'Variable `m` not defined (line 3, column 8 (offset: 32))'
    """
    shift = len(EXPLAIN)

    def position(match: re.Match) -> str:
        line, column, offset = (int(g) for g in match.groups())
        column = max(1, column - shift) if line == 1 else column
        return f"(line {line}, column {column} (offset: {max(0, offset - shift)}))"

    lines = re.sub(r"\(line (\d+), column (\d+) \(offset: (\d+)\)\)", position, message).split("\n")
    for i, line in enumerate(lines):
        if line.startswith('"' + EXPLAIN):
            lines[i] = '"' + line[1 + shift:]
            if i + 1 < len(lines) and lines[i + 1].startswith(" " * shift) and lines[i + 1].strip() == "^":
                lines[i + 1] = lines[i + 1][shift:]
    return "\n".join(lines)


def procedure_modes(db: Database) -> dict[str, tuple[str, bool]]:
    """``{name: (mode, admin)}`` of every procedure the server offers (``SHOW PROCEDURES``); {} when the user may
    not list them (then names alone decide)."""
    try:
        rows = db.read("SHOW PROCEDURES YIELD name, mode, admin RETURN name, mode, admin")
    except QueryError:
        return {}
    return {row["name"]: (row["mode"], bool(row["admin"])) for row in rows}


def state_changing(names: set[str], modes: dict[str, tuple[str, bool]]) -> dict[str, str]:
    """The ``names`` (procedures and namespaced functions a plan calls) that change state, with the reason.

    The server's own metadata first: a procedure whose mode is WRITE or SCHEMA writes (the read transaction would
    refuse it at run time; this says why before), an ``admin`` one administers the server (``db.stats.collect``,
    ``db.clearQueryCaches``). (DBMS-mode procedures, ``dbms.killConnections`` among them, never get here: their
    plans are not of read type.) Where the declared mode says too little, the name decides: every ``gds.*``
    procedure is declared READ, so only the read endings of :data:`GDS_READ_ENDINGS` pass. A function passes unless
    it is the Cypher-aggregation form of a refused procedure of the same name (``gds.graph.project(...)`` in a
    RETURN projects a graph too).

    >>> modes = {"db.labels": ("READ", False), "gds.graph.generate": ("READ", False),
    ...          "gds.pageRank.stream": ("READ", False), "db.stats.collect": ("READ", True)}
    >>> sorted(state_changing({"gds.graph.generate", "gds.pageRank.stream", "db.labels", "db.stats.collect",
    ...                        "gds.similarity.cosine"}, modes))
    ['db.stats.collect', 'gds.graph.generate']
    """
    refused = {}
    for name in names:
        if modes and name not in modes:
            continue  # a function (``gds.util.asNode``, ``point.distance``), with no procedure of its name
        mode, admin = modes.get(name, (None, False))
        last = name.rsplit(".", 1)[-1]
        if mode in WRITING_MODES:
            refused[name] = f"writes (a {mode} procedure)"
        elif admin:
            refused[name] = "administers the server (an admin procedure)"
        elif name.startswith("gds.") and last not in GDS_READ_ENDINGS:
            refused[name] = ("may create, change or drop GDS graphs or write to the database (of GDS, read-only "
                             "mode runs only stream, stats, estimate and listings)")
    return refused


def _steps(plan: dict):
    """``(operator, details)`` of every step of a plan."""
    yield plan.get("operatorType", "").split("@", 1)[0], str((plan.get("args") or {}).get("Details", ""))
    for child in plan.get("children", ()):
        yield from _steps(child)


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
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"is not UTF-8 text (byte {exc.start})",
                         hint="save the .cypher file as UTF-8") from None
    except OSError as exc:
        raise InputError(str(path), f"cannot be read: {exc.strerror or exc}") from None
    if text.lstrip().startswith("// name:"):
        query = catalogue.parse_query_file(Path(path))
        if query.mode == "write" and not write:
            raise QueryError(f"{path} writes to the graph", hint="pass --write to run it")
        return run_cypher(db, text, query.bind(params or {}), write=write and query.mode == "write",
                          label=str(path), timeout=timeout)
    return run_cypher(db, text, params, write=write, label=str(path), timeout=timeout)
