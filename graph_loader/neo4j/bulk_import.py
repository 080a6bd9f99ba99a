"""First loads into an empty managed database through Neo4j's own bulk importer.

``neo4j-admin database import full`` writes a store straight from CSV files, without transactions: on this
machine an order of magnitude faster than any Bolt writer. It only ever *replaces* a database, so it is used only
when the database holds nothing (:func:`database_is_empty`), and only on the managed instance, whose JVM runs it
(:meth:`graph_loader.neo4j.server.ManagedNeo4j.begin_import`).

An import is one unit (:func:`exclusive_import`): from the moment the JVM finds the database empty until the
load's schema and ledger are written and the import committed, every other write to the database is refused
("an import is running"), so none can be wiped by the store swap; an import not committed (the loading process
killed, the JVM killed, the disk full) is undone, and the database is empty again, as before it.

The graph it writes must be the one the Bolt writer would leave. So the load plans it with the one merge,
:func:`graph_loader.merge.plan_graph` (the writer's :func:`~graph_loader.merge.node_after` and
:func:`~graph_loader.merge.relationship_after`, applied to the sources in the order a Bolt load writes them, into an
empty graph: the offline graph is the same function's), and :func:`write_import_files` writes that final graph as
the importer's CSV files:

* one file per group of rows whose property types agree (a column has one type: ``name:string``,
  ``foundedYear:long``, ``sources:string[]``, ``startDate:date``, ...), with its header on the first line;
* nodes keyed by ``uri:ID`` (stored as the ``uri`` property), labels in ``:LABEL``; relationships by
  ``:START_ID``/``:END_ID``/``:TYPE`` with their ``uri`` as a property;
* every string quoted (an empty string then stays an empty string; an empty unquoted field is an absent property),
  arrays joined by the unit separator U+001F;
* a WGS-84 point (a place's ``location``) in a ``point{crs:WGS-84}`` column, written ``{latitude:…, longitude:…}``.

A value the format cannot carry exactly (a string inside a list holding U+001F, or an empty string in a list) makes
:class:`NotImportable`: ``--method auto`` then loads with Bolt, ``--method import`` says why.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ServerError, UsageError
from ..model import GeoPoint, PropertyGraph, stored_labels
from .connection import Database
from .server import DatabaseNotEmpty, ImportSession, ManagedNeo4j

#: The importer's array delimiter (``--array-delimiter`` in Launcher.java): a control character no name carries.
ARRAY_DELIMITER = "\x1f"


class NotImportable(UsageError):
    """The input holds a value the importer's CSV cannot carry exactly; the Bolt writer can."""


# -- the importer's CSV ----------------------------------------------------------------------------------------------
#: The importer's column type of each stored scalar type (exact types: a bool is not counted as an int).
_SCALAR_TYPES = {str: "string", int: "long", float: "double", bool: "boolean", dt.date: "date"}


def column_type(value) -> str:
    """The importer's type of a stored value: ``string``, ``long``, ``double``, ``boolean``, ``date``,
    ``datetime`` (with an offset), ``localdatetime``; a list gives its items' type with ``[]``.

    >>> column_type(["a", "b"]), column_type(1990), column_type(True), column_type(dt.date(2005, 1, 1))
    ('string[]', 'long', 'boolean', 'date')
    """
    kind = _SCALAR_TYPES.get(type(value))
    if kind is not None:
        return kind
    if isinstance(value, GeoPoint):  # a place's location
        return "point{crs:WGS-84}"
    if isinstance(value, list):
        return column_type(value[0]) + "[]"
    if isinstance(value, dt.datetime):
        return "datetime" if value.tzinfo is not None else "localdatetime"
    raise NotImportable(f"a value of type {type(value).__name__} has no importer column type")


def _text(value) -> str:
    if isinstance(value, GeoPoint):
        return f"{{latitude:{value.latitude!r}, longitude:{value.longitude!r}}}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # the shortest text that parses back to the same double
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def field_text(value, where: str) -> str:
    """One CSV field: quoted text (quotes doubled), a list's items joined by :data:`ARRAY_DELIMITER`.

    >>> print(field_text('a "b" c', "x"), field_text([1, 2], "x").replace(ARRAY_DELIMITER, "|"))
    "a ""b"" c" "1|2"
    """
    if type(value) is str:  # the common case first
        return '"' + value.replace('"', '""') + '"'
    if isinstance(value, list):
        items = [_text(v) for v in value]
        text = ARRAY_DELIMITER.join(items)
        if text == "" or any(ARRAY_DELIMITER in item for item in items):  # [""] would read back as no value
            raise NotImportable(f"{where}: a list item holds the character U+001F, or the list is one empty string")
    else:
        text = _text(value)
    return '"' + text.replace('"', '""') + '"'


def _groups(rows: Iterator[tuple[str, dict]]) -> list[tuple[dict[str, str], list[tuple[str, dict]]]]:
    """Rows grouped so that each key has one column type per group: ``[(columns {key: type}, rows)]``."""
    groups: list[tuple[dict[str, str], list]] = []
    for uri, props in rows:
        types = {k: column_type(v) for k, v in props.items() if k != "uri"}
        for columns, members in groups:
            if all(columns.get(k, t) == t for k, t in types.items()):
                columns.update(types)
                members.append((uri, props))
                break
        else:
            groups.append((dict(types), [(uri, props)]))
    return groups


def write_import_files(graph: PropertyGraph, folder: Path, on_rows: Callable[[int], None] = lambda n: None, *,
                       prefix: str = "") -> list[str]:
    """Write ``graph`` as the importer's CSV files in ``folder`` (named ``<prefix>nodes-<n>.csv``, ...); return the
    ``--nodes=``/``--relationships=`` arguments that name them. Raises :class:`NotImportable` before the importer is asked for anything, and
    :class:`ServerError` when the files cannot be written (a full disk says so)."""
    try:
        return _write_import_files(graph, folder, on_rows, prefix)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise ServerError(f"the disk holding {folder} is full: the importer's files could not be written there "
                              f"({exc.strerror})",
                              hint="free some space on that disk, then load again; nothing was written to the "
                                   "database") from None
        raise ServerError(f"cannot write the importer's files into {folder}: {exc.strerror or exc}",
                          hint="check that folder, then load again; nothing was written to the database") from None


def _write_import_files(graph: PropertyGraph, folder: Path, on_rows: Callable[[int], None], prefix: str) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)

    def node_cells(uri: str) -> list[str]:
        # Every node is a Resource: the Bolt writer's MERGE gives the label whatever the row's labels say.
        labels = ARRAY_DELIMITER.join(stored_labels(graph.nodes[uri]["labels"]))
        return [field_text(uri, uri), f'"{labels}"']

    def relationship_cells(uri: str) -> list[str]:
        rel = graph.relationships[uri]
        return [field_text(rel["start"], uri), field_text(rel["end"], uri), f'"{rel["type"]}"', field_text(uri, uri)]

    arguments = []
    for option, table, key_columns, cells in (
            ("nodes", graph.nodes, ["uri:ID", ":LABEL"], node_cells),
            ("relationships", graph.relationships, [":START_ID", ":END_ID", ":TYPE", "uri:string"],
             relationship_cells)):
        for n, (columns, members) in enumerate(_groups((uri, item["props"]) for uri, item in table.items())):
            path = folder / f"{prefix}{option}-{n}.csv"
            keys = sorted(columns)
            with open(path, "w", encoding="utf-8", newline="") as out:
                out.write(",".join([*key_columns, *(f"{k}:{columns[k]}" for k in keys)]) + "\n")
                for uri, props in members:
                    row = cells(uri) + [field_text(props[k], f"{uri} {k}") if k in props else "" for k in keys]
                    out.write(",".join(row) + "\n")
            on_rows(len(members))
            arguments.append(f"--{option}={path}")
    return arguments


# -- running it ------------------------------------------------------------------------------------------------------
def database_is_empty(db: Database) -> bool:
    """True when the database holds no node at all (not even a ledger entry)."""
    return not db.read("MATCH (n) RETURN 1 AS any LIMIT 1")


class NotEmpty(UsageError):
    """Another load wrote into the database while this one prepared its import."""


@contextmanager
def exclusive_import(instance: ManagedNeo4j, db: Database) -> Iterator[ImportSession]:
    """Hold the instance's import lock and an import on its control port; yield the :class:`ImportSession`.

    Two loads into one empty database: the second waits here, then finds data and raises :class:`NotEmpty` (its
    caller loads with Bolt). While the session is open the JVM refuses every other write, and ``db`` writes with the
    session's metadata, so the load's own schema and ledger get through. The caller writes the files into
    ``session.folder``, calls ``session.run``, writes the schema and the ledger, then ``session.commit()``; leaving
    the block without the commit has the JVM undo the import. The staging folder is removed whatever happens.
    """
    with open(instance.data_dir / "import.lock", "w") as lock:
        if not _try_lock(lock):
            fcntl.flock(lock, fcntl.LOCK_EX)
            db.reconnect()  # another load may have replaced the store while this one waited: its bookmarks are void
        try:
            session = instance.begin_import()
        except DatabaseNotEmpty:
            raise NotEmpty(f"{db.uri} holds data now (another load wrote first)") from None
        with session:
            db.tx_metadata = session.metadata
            try:
                yield session
            finally:
                db.tx_metadata = None


def wait_for_import(instance: ManagedNeo4j, db: Database) -> None:
    """Return once no other load's import holds the instance (at once when none does); reconnect ``db`` if one
    did, since it replaced the store."""
    with open(instance.data_dir / "import.lock", "w") as lock:
        if not _try_lock(lock):
            fcntl.flock(lock, fcntl.LOCK_EX)
            db.reconnect()


def _try_lock(lock) -> bool:
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
