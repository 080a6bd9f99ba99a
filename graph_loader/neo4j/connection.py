"""Connections to Neo4j: the configured server (``NEO4J_URI``) or the managed local instance.

This is the one place that turns driver exceptions into :mod:`graph_loader.errors` with a hint; credentials are
never part of any message.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import neo4j
from neo4j import GraphDatabase, RoutingControl
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConfigurationError,
    DatabaseUnavailable,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from ..errors import Neo4jAuthError, Neo4jUnavailable, QueryError
from ..settings import Settings, check_neo4j_uri, load_settings
from .server import IMPORT_RUNNING, ImportRunning, ManagedNeo4j

#: The driver's ways of saying the server went away (stopped, killed, network gone) in the middle of work.
CONNECTION_LOST = (ServiceUnavailable, SessionExpired, IncompleteCommit, ConnectionError)


def managed_instance(settings: Settings, *, port: int | None = None, data_dir=None,
                     http_port: int | None = None, gds: bool = True) -> ManagedNeo4j:
    """The managed local instance the settings (or explicit ``port``/``data_dir``/``http_port``) describe.

    ``gds``: load the Graph Data Science library when it starts (the default; ``neo4j start --no-gds`` skips it).
    """
    return ManagedNeo4j(
        data_dir=data_dir or settings.managed_data_dir,
        port=port or settings.managed_port,
        http_port=http_port or settings.managed_http_port,
        cache_dir=settings.cache_dir,
        heap=settings.heap,
        allow_url_import=settings.allow_url_import,
        gds=gds,
    )


@dataclass
class Database:
    """A driver bound to one database, with the retrying, parameterised calls the rest of the code uses."""

    driver: neo4j.Driver
    database: str
    uri: str
    #: The managed local instance this connection reaches, when it does (it can run the bulk importer).
    instance: ManagedNeo4j | None = field(default=None, repr=False)
    auth: tuple[str, str] | None = field(default=None, repr=False)
    #: Metadata of every transaction :meth:`read` and :meth:`write` run: a bulk import's key lets its own schema
    #: and ledger through while the instance refuses other writes.
    tx_metadata: dict | None = field(default=None, repr=False)

    def reconnect(self) -> None:
        """A fresh driver for a database whose store was replaced (by the bulk importer): the old driver's
        connections are closed and its bookmarks name transactions the new store never had."""
        user, password = self.auth or ("neo4j", "")
        fresh = open_database(self.uri, user, password, self.database, instance=self.instance)
        self.driver.close()
        self.driver = fresh.driver

    def read(self, query: str, params: dict | None = None) -> list[dict]:
        """Run a read query (routed to readers in a cluster) and return rows as dicts."""
        return self._execute(query, params, RoutingControl.READ)

    def write(self, query: str, params: dict | None = None) -> list[dict]:
        """Run a write query in a managed transaction (retried on transient errors)."""
        return self._execute(query, params, RoutingControl.WRITE)

    def _execute(self, query: str, params: dict | None, routing: RoutingControl) -> list[dict]:
        with self.connection_guard():
            try:
                records, _, _ = self.driver.execute_query(
                    neo4j.Query(query, metadata=self.tx_metadata) if self.tx_metadata else query, params or {},
                    database_=self.database, routing_=routing
                )
            except Neo4jError as exc:
                if self._import_holds_it(exc):
                    raise ImportRunning(self.instance.data_dir) from exc
                raise QueryError(f"Neo4j refused the query: {exc.message or exc}", code=exc.code) from exc
        return [record.data() for record in records]

    @contextmanager
    def connection_guard(self, doing: str = "", resume_hint: str | None = None) -> Iterator[None]:
        """Turn the driver's "server went away" exceptions inside the block into one Neo4jUnavailable.

        ``doing`` says what was under way ("loading data/seed/x.ttl"); ``resume_hint`` what brings it back.
        """
        what = f" while {doing}" if doing else ""
        try:
            yield
        except (*CONNECTION_LOST, Neo4jError) as exc:
            if self._import_holds_it(exc):
                raise ImportRunning(self.instance.data_dir, what) from exc
            if not isinstance(exc, CONNECTION_LOST):
                raise
            raise Neo4jUnavailable(
                f"Neo4j at {self.uri} went away{what} ({exc.__class__.__name__})",
                hint=resume_hint or "start it again (`diaspora-kg neo4j start` for the managed instance) "
                                    "and run the same command again",
            ) from exc

    def _import_holds_it(self, exc: Exception) -> bool:
        """True when ``exc`` came from a bulk import holding the managed instance's database: a write it refused,
        or the database stopped while the importer replaces its store."""
        if self.instance is None:
            return False
        if isinstance(exc, Neo4jError) and IMPORT_RUNNING in (exc.message or ""):
            return True
        return isinstance(exc, (DatabaseUnavailable, *CONNECTION_LOST)) and self.instance.import_running()

    @contextmanager
    def session(self, *, read_only: bool = False) -> Iterator[neo4j.Session]:
        """A driver session on this database (for streaming reads and explicit transactions)."""
        mode = neo4j.READ_ACCESS if read_only else neo4j.WRITE_ACCESS
        with self.driver.session(database=self.database, default_access_mode=mode) as session:
            yield session

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass(frozen=True)
class Endpoint:
    """Where the commands' server is and how to log in; ``password`` is kept out of ``repr``."""

    uri: str
    user: str
    password: str | None = field(repr=False)
    database: str
    instance: ManagedNeo4j | None = field(default=None, repr=False)


def endpoint(settings: Settings | None = None, *, start_managed: bool = True, echo=print) -> Endpoint:
    """The configured server (``NEO4J_URI``) or the managed local instance, started first when ``start_managed``
    (the first start fetches Neo4j with Maven); nothing is connected yet (:func:`connect` does, and so does
    ``diaspora-kg shell`` through cypher-shell)."""
    settings = settings or load_settings()
    echo(f"Using {settings.describe()}.")
    if settings.managed:
        instance = managed_instance(settings)
        stopped = instance.running_pid() is None
        if stopped:
            if not start_managed:
                raise Neo4jUnavailable(f"the managed Neo4j is not running ({instance.uri})",
                                       hint="run `diaspora-kg neo4j start`, or set NEO4J_URI")
            echo(f"The managed Neo4j is not running: starting it on {instance.uri} (it keeps running afterwards, "
                 "for the next commands; `neo4j stop` stops it) ...")
        status = instance.start(echo=echo)  # waits for a run another command is starting; else returns at once
        instance.verify_ours(status.port)  # the password goes only to a server this run's token vouches for
        if stopped:
            echo(f"Started Neo4j {status.version or ''} on {status.uri}.".replace("  ", " "))
        return Endpoint(status.uri, "neo4j", instance.password(), settings.database, instance)
    return Endpoint(settings.uri, settings.user, settings.password, settings.database)


def connect(settings: Settings | None = None, *, start_managed: bool = True, echo=print) -> Database:
    """Open a verified connection.

    With ``NEO4J_URI`` set, connect there with ``NEO4J_USER``/``NEO4J_PASSWORD``. Otherwise use the managed local
    instance, starting it first when ``start_managed`` (the first start fetches Neo4j with Maven).
    """
    target = endpoint(settings, start_managed=start_managed, echo=echo)
    return open_database(target.uri, target.user, target.password, target.database, instance=target.instance)


def open_database(uri: str, user: str, password: str | None, database: str, *,
                  instance: ManagedNeo4j | None = None) -> Database:
    """Create and verify a driver; raise a clear error for an unreachable server or bad credentials.

    Messages never show the password: a URI with user-info is refused before anything else. For the managed
    ``instance`` the server is proven to be its JVM before the driver sends any credential
    (:meth:`ManagedNeo4j.verify_ours`).
    """
    uri = check_neo4j_uri(uri)
    state = instance.verify_ours(urlsplit(uri).port) if instance is not None else None
    try:
        driver = GraphDatabase.driver(uri, auth=(user, password or ""), connection_timeout=10,
                                      max_transaction_retry_time=15, notifications_min_severity="OFF")
    except (ValueError, ConfigurationError):
        raise Neo4jUnavailable(f"invalid Neo4j URI {uri}",
                               hint="use bolt://host:port, neo4j://host:port or neo4j+s://host") from None
    try:
        driver.verify_connectivity()
        if state != "importing":  # an import may have stopped the database to replace its store: nothing answers
            driver.execute_query("RETURN 1", database_=database, routing_=RoutingControl.READ)
    except AuthError as exc:
        driver.close()
        raise _refused(uri, user, password, instance) from exc
    except (ServiceUnavailable, OSError) as exc:
        driver.close()
        raise Neo4jUnavailable(
            f"cannot reach Neo4j at {uri}",
            hint="start it (`diaspora-kg neo4j start`, or `docker compose up -d`), or fix NEO4J_URI",
        ) from exc
    except ClientError as exc:
        driver.close()
        raise Neo4jUnavailable(f"Neo4j at {uri} answered but database {database!r} is not usable: {exc.message}",
                               hint="check NEO4J_DATABASE") from exc
    except Exception as exc:  # noqa: BLE001 — whatever an odd server makes the driver raise, before any work
        # A server this driver cannot work with: another Bolt version (UnsupportedServerProduct), an old Neo4j
        # (ConfigurationError: Bolt 4.4 has no notification filtering), a peer that drops the connection after
        # the greeting (SessionExpired), answers garbage (ValueError, TypeError from the driver's decoding) or
        # fails "RETURN 1" (DatabaseError, TransientError after retries).
        driver.close()
        detail = (getattr(exc, "message", None) or str(exc)).splitlines()[0][:200] if str(exc) else ""
        raise Neo4jUnavailable(
            f"Neo4j at {uri} answered in a way diaspora-kg cannot work with "
            f"({exc.__class__.__name__}{': ' + detail if detail else ''})",
            hint="check that NEO4J_URI names a Neo4j 5 server's Bolt port (5.26 LTS is what diaspora-kg is "
                 "tested with) and that it is up, then run the command again",
        ) from exc
    return Database(driver, database, uri, instance, (user, password or ""))


def _refused(uri: str, user: str, password: str | None, instance: ManagedNeo4j | None) -> Neo4jAuthError:
    """What to tell a user whose credentials the server refused: what was missing or where they came from."""
    if instance is not None:
        return Neo4jAuthError(f"the managed Neo4j at {uri} refused the credentials in {instance.credentials_file}",
                              hint="the file changed while it ran: `diaspora-kg neo4j stop`, then run the command "
                                   "again (a start sets the password in that file)")
    if not password:
        return Neo4jAuthError(f"Neo4j at {uri} asks for a password, and NEO4J_PASSWORD is not set",
                              hint="set NEO4J_PASSWORD (and NEO4J_USER if the user is not neo4j) in the environment "
                                   "or in .env (see .env.example)")
    return Neo4jAuthError(f"Neo4j at {uri} refused the credentials of user {user!r}",
                          hint="check NEO4J_USER and NEO4J_PASSWORD (in the environment or .env)")
