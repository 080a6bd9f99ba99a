"""A managed local Neo4j Community 5.26 in a JVM subprocess, built from Maven Central artifacts.

The first start resolves ``org.neo4j:neo4j``, ``org.neo4j:neo4j-bolt`` and Neo4j Browser
(``org.neo4j.client:neo4j-browser``) with Maven into the cache folder
(``<cache>/neo4j/<version>/lib``; the cache is ``DKG_CACHE_DIR``, by default a checkout's git-ignored ``.cache/``
or, installed, ``~/.cache/diaspora-kg``: see :mod:`graph_loader.settings`). A small launcher
(``launcher/Launcher.java``, run from its source file inside this package, so no compiled class in a writable cache
can stand in for it) runs the embedded DBMS with Bolt, and HTTP when an HTTP port is given (Neo4j Browser at
``/browser/``, the HTTP API, the discovery document naming this run's Bolt port), bound to 127.0.0.1 only,
authentication on for both. Each instance is addressed by its data folder, so a throwaway instance (tests, fault injection)
runs beside the main one. The instance's password is generated on first start and kept in
``<data-dir>/credentials`` (mode 0600); it is passed to the JVM through the environment, never on the command line.

Every start is one *run*: the previous ``neo4j.log`` is rotated to ``neo4j.log.1`` (up to
:data:`KEPT_LOGS` earlier runs are kept) and the JVM gets a fresh random token that it prints on its ``READY``
line, so readiness is read from this run only, never from an earlier run's log. The pid file records the pid,
Bolt and HTTP ports, token, version and control port of the run that serves. The pid file and the logs are readable
by their owner only (they name the control port and the token); the pid file is written whole (a temporary file
renamed over it), and when it is unreadable all the same (emptied, cut short) the run is found again by the JVM's
command line and the log's ``READY`` line, so a damaged pid file never orphans a JVM.

The control port (127.0.0.1, see ``launcher/Launcher.java``) serves two things. A *proof*
(:meth:`ManagedNeo4j.verify_ours`): before any credential is sent to the instance's Bolt port, the JVM answers a
random nonce with an HMAC keyed by this run's token and names its Bolt port, so a process that took a port the pid
file names never receives the password. And *imports* (:meth:`ManagedNeo4j.begin_import`, an
:class:`ImportSession`): Neo4j's bulk importer builds the empty ``neo4j`` database while the DBMS keeps serving
(Bolt and HTTP never let their ports go); writes are refused until the import's schema and ledger are written and
it is committed; an import not committed is undone.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import ServerError
from ..resources import launcher_dir
from . import jars, plugins

NEO4J_VERSION = "5.26.30"
#: Neo4j Browser from Maven Central (the newest published there), served by the HTTP connector at /browser/.
NEO4J_BROWSER_VERSION = "5.24.0"
#: The package's own launcher, never a setting's (:func:`graph_loader.resources.launcher_dir`).
LAUNCHER_DIR = launcher_dir()
LAUNCHER_SOURCE = LAUNCHER_DIR / "Launcher.java"
#: sha256 of every jar the launcher may load, shipped with the package: a cache that differs is refused.
JAR_CHECKSUMS = LAUNCHER_DIR / "neo4j-jars.sha256"
#: The command that fetches the jars again once their folder is deleted.
FETCHED_BY = "diaspora-kg neo4j start"
#: Logs of earlier runs kept beside the current one (neo4j.log.1 is the newest).
KEPT_LOGS = 5
# Sized for a 2-core, 24 GiB machine: enough heap for 10^6-triple batches, page cache for the store.
DEFAULT_PAGECACHE_MB = 1024
#: The share of the heap all running transactions together may hold (``dbms.memory.transaction.total.max``), and
#: one transaction too (``db.memory.transaction.max``; both set by the launcher). A query that needs more fails
#: alone with a memory-limit error: without a limit under the heap it would fill the heap, and the JVM, started
#: with ``-XX:+ExitOnOutOfMemoryError``, would exit. The rest is the DBMS's own (caches, Bolt) and GDS's in-memory
#: graphs, which GDS's memory guard checks against the free heap before it builds them. Measured on 512 MB and
#: 1 GB heaps: three queries collecting 400 million integers at once each fail alone; a quarter of the heap per
#: transaction was too little for a batch of 10,000 DETACH DELETEs of a 60,000-node graph (Neo4j's own default for
#: the total is 70 %).
TX_MEMORY_SHARE = 0.6


def tx_memory_mb(heap: str) -> int:
    """All transactions' memory limit in MiB for a JVM heap like ``"2g"`` (:data:`TX_MEMORY_SHARE` of it).

    >>> tx_memory_mb("2g"), tx_memory_mb("512m"), tx_memory_mb("3000000k")
    (1228, 307, 1757)
    """
    number, unit = int(heap[:-1]), heap[-1].lower()
    heap_mb = number * {"k": 1 / 1024, "m": 1, "g": 1024}[unit]
    return max(int(heap_mb * TX_MEMORY_SHARE), 1)


#: The launcher's control protocol (HELLO proof, imports in sessions); pid files of older runs lack it.
PROTOCOL = 2
#: Seconds the JVM has to answer a proof request.
PROOF_SECONDS = 5.0
#: Longest line the control port sends or takes.
LINE_MAX = 4096
#: What every refusal caused by a running import says (the launcher's refused writes say it too).
IMPORT_RUNNING = "an import is running"
NO_JAVA_HINT = (
    "install OpenJDK 17+ and Maven (Debian: apt-get install openjdk-17-jdk-headless maven), "
    "or run `docker compose up -d` and set NEO4J_URI, or point NEO4J_URI at an existing Neo4j"
)


@dataclass(frozen=True)
class ServerStatus:
    """What ``diaspora-kg neo4j status`` prints."""

    running: bool
    uri: str
    data_dir: Path
    pid: int | None = None
    version: str | None = None
    port: int | None = None
    http_port: int | None = None

    @property
    def http_url(self) -> str | None:
        """``http://127.0.0.1:<http port>`` when this run serves HTTP, else None."""
        return f"http://127.0.0.1:{self.http_port}" if self.http_port else None

    @property
    def browser_url(self) -> str | None:
        """Neo4j Browser's address (no credentials in it), when this run serves HTTP."""
        return f"{self.http_url}/browser/" if self.http_port else None


class ImportRunning(ServerError):
    """An import holds the managed instance's database: writes wait for it to be committed."""

    def __init__(self, data_dir: Path, doing: str = ""):
        super().__init__(f"{IMPORT_RUNNING} in {data_dir} (Neo4j's bulk importer is building its database){doing}",
                         hint="run the same command again once that load has finished (it says when); nothing of "
                              "this command was written")


class DatabaseNotEmpty(ServerError):
    """The database holds data: the importer only builds empty databases."""


class _Unproven(Exception):
    """The control port did not prove that the server is this run's JVM."""


def _not_ours(where: str, why: str) -> ServerError:
    return ServerError(f"the server at {where} is not this instance's Neo4j as far as can be proven ({why}); "
                       "its password was not sent",
                       hint="`diaspora-kg neo4j stop`, then `start`; if that does not help, find which process "
                            "holds the port (`ss -ltnp`)")


def _holds_port(pid: int, port: int) -> bool:
    """True when process ``pid`` holds the listening TCP socket on 127.0.0.1:``port`` (Linux ``/proc``)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) > 9 and fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    for fd in fds:
        with contextlib.suppress(OSError):  # a descriptor closed meanwhile
            if os.readlink(fd) in inodes:
                return True
    return False


class ImportSession:
    """One import on the managed instance's control port, from its staging folder to its commit.

    The JVM made :attr:`folder` (mode 0700) for this import only and refuses every write to the database except
    those carrying :attr:`metadata` as transaction metadata. :meth:`run` has the importer build the database from
    the files written there; the caller then writes the schema and the ledger (with :attr:`metadata`) and calls
    :meth:`commit`. Until then the import is not done: closing the session, or this process dying, has the JVM
    undo it (the database is emptied again), and a JVM killed meanwhile starts with an empty database.
    """

    def __init__(self, sock: socket.socket, reader, folder: Path, key: str, log_file: Path):
        self._sock = sock
        self._reader = reader
        self.folder = folder
        self._key = key
        self._log_file = log_file

    @property
    def metadata(self) -> dict[str, str]:
        """The transaction metadata that lets this import's own writes (schema, ledger) through."""
        return {"dkg_import": self._key}

    def run(self, arguments: list[str], timeout: float = 6 * 3600.0) -> float:
        """Import the files of ``arguments`` (``--nodes=FILE`` / ``--relationships=FILE``, files in
        :attr:`folder`); return the seconds the JVM spent. Bolt serves the new store when this returns. On failure
        :class:`ServerError` says why, once the database is empty again."""
        lines = []
        for argument in arguments:
            option, _, path = argument.partition("=")
            kind = {"--nodes": "NODES", "--relationships": "RELATIONSHIPS"}.get(option)
            if kind is None or Path(path).parent != self.folder:
                raise ValueError(f"not a file of this import's staging folder: {argument}")
            lines.append(f"{kind} {Path(path).name}")
        reply = self._exchange([*lines, "RUN"], timeout)
        if reply.startswith("IMPORTED"):
            return float(reply.split()[1])
        reason = reply.removeprefix("FAILED ").strip() or "the JVM closed the connection (killed?)"
        if " is full " in reason:
            hint = "the database is empty, as before; free some space on that disk, then load again"
        else:
            hint = (f"the database is empty, as before; see {self._log_file}, then load again "
                    "(`--method bolt` avoids the importer)")
        raise ServerError(f"Neo4j's importer failed: {reason}", hint=hint)

    def commit(self) -> None:
        """The schema and the ledger are written: the import is done, and writes are allowed again."""
        reply = self._exchange(["COMMIT"], 120)
        if reply != "OK":
            raise ServerError(f"the import could not be committed: {reply.removeprefix('FAILED ') or 'no answer'}",
                              hint=f"the database is empty again; see {self._log_file}, then load again")

    def _exchange(self, lines: list[str], timeout: float) -> str:
        try:
            self._sock.settimeout(timeout)
            self._sock.sendall("".join(f"{line}\n" for line in lines).encode())
            return self._reader.readline(LINE_MAX).decode("utf-8", "replace").strip()
        except OSError as exc:
            raise ServerError(f"the import was cut off: {exc}",
                              hint=f"see {self._log_file}; `diaspora-kg neo4j start` and load again") from None

    def close(self) -> None:
        """End the session; an import not committed is undone by the JVM."""
        with contextlib.suppress(OSError):
            self._reader.close()
            self._sock.close()

    def __enter__(self) -> ImportSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def java_major_version(java: str = "java") -> int | None:
    """The major version of ``java`` on the PATH, or None when there is no Java."""
    if shutil.which(java) is None:
        return None
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2)) if major == 1 else major  # "1.8" means Java 8


def port_open(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        return sock.connect_ex((host, port)) == 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still answers kill(0). The JVM's main thread can turn zombie while its shutdown hooks still run
    # in other threads, so only a zombie with no thread left is dead.
    try:
        with open(f"/proc/{pid}/status") as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
    except OSError:
        return True
    return not (fields.get("State", "").strip().startswith("Z") and int(fields.get("Threads", "1")) <= 1)


class ManagedNeo4j:
    """One local Neo4j instance, identified by its data folder and Bolt port.

    Parameters
    ----------
    data_dir : Path
        Holds the store (``home/``), ``neo4j.log``, ``neo4j.pid`` and ``credentials``.
    port : int
        Bolt port on 127.0.0.1.
    http_port : int
        HTTP port on 127.0.0.1 (Neo4j Browser at ``/browser/``, the HTTP API); 0 runs without HTTP.
    cache_dir : Path
        Where the Maven artifacts are kept, shared by all instances.
    heap : str
        JVM maximum heap, e.g. ``"2g"``.
    allow_url_import : bool
        Let ``LOAD CSV`` fetch http(s)/ftp URLs. Off by default: file URLs then reach only ``home/import`` and no
        query can make the server send a request.
    gds : bool
        Load the Graph Data Science library (``gds.*`` procedures, :mod:`.plugins`): its jars are fetched into
        ``<cache>/gds/<version>/lib`` once, put on the classpath and copied into ``home/plugins``. Without it
        nothing of GDS is fetched, and a start takes GDS's jars out of ``home/plugins`` again.
    """

    def __init__(self, data_dir: Path, port: int, cache_dir: Path, heap: str = "2g", *,
                 allow_url_import: bool = False, http_port: int = 0, gds: bool = False):
        self.data_dir = Path(data_dir).resolve()
        self.port = port
        self.http_port = http_port
        self.artifacts = Path(cache_dir).resolve() / "neo4j" / NEO4J_VERSION
        self.heap = heap
        self.allow_url_import = allow_url_import
        self.gds = gds
        self.cache_dir = Path(cache_dir).resolve()

    # -- paths ---------------------------------------------------------------------------------------------
    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "neo4j.pid"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "neo4j.log"

    @property
    def credentials_file(self) -> Path:
        return self.data_dir / "credentials"

    @property
    def home_dir(self) -> Path:
        return self.data_dir / "home"

    # -- artifacts -----------------------------------------------------------------------------------------
    @property
    def lib_dir(self) -> Path:
        return self.artifacts / "lib"

    def ensure_artifacts(self, echo=print) -> None:
        """Check Java and fetch the Neo4j jars with Maven, once."""
        version = java_major_version()
        if version is None:
            raise ServerError("Java was not found on the PATH", hint=NO_JAVA_HINT)
        if version < 17:
            raise ServerError(f"Java {version} found; Neo4j 5.26 needs Java 17 or newer", hint=NO_JAVA_HINT)
        if shutil.which("javac") is None:  # the launcher runs from source, which needs the JDK's compiler
            raise ServerError("javac was not found (a JDK, not only a JRE, is needed)", hint=NO_JAVA_HINT)
        lib = self.lib_dir
        if any(lib.glob("*.jar")):
            problems = jars.jar_problems(lib, JAR_CHECKSUMS)
            if problems and all(p.startswith("missing ") for p in problems):
                # The cache predates a jar this version runs (Neo4j Browser): fetch the whole set again.
                echo(f"The cache {lib} lacks {len(problems)} jar(s) this version runs; fetching them.")
                shutil.rmtree(lib)
        jars.ensure_jars(lib, LAUNCHER_DIR / "pom.xml", JAR_CHECKSUMS, what="Neo4j", version=NEO4J_VERSION,
                         properties={"neo4j.version": NEO4J_VERSION}, fetched_by=FETCHED_BY, hint=NO_JAVA_HINT,
                         echo=echo)

    def _classpath(self, echo=print) -> str:
        """The launcher's classpath: Neo4j's jars, and GDS's when ``gds`` (also copied into ``home/plugins``)."""
        if not self.gds:
            plugins.remove(self.home_dir)
            return f"{self.lib_dir}/*"
        lib = plugins.ensure_gds_jars(self.cache_dir, hint=NO_JAVA_HINT, echo=echo)
        plugins.install(lib, self.home_dir)
        return f"{self.lib_dir}/*:{lib}/*"

    # -- credentials ---------------------------------------------------------------------------------------
    def password(self) -> str:
        """The instance's password, generated on first use and stored with mode 0600."""
        if self.credentials_file.is_file():
            return self.credentials_file.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(24)
        fd = os.open(self.credentials_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(value + "\n")
        return value

    # -- lifecycle -----------------------------------------------------------------------------------------
    def _run_record(self) -> dict:
        """What the pid file says of the last run (pid, port, token, version); {} when there is none.

        A pid file that cannot be read (emptied, cut short, garbage) is rebuilt from the JVM still serving this
        data folder, found by its command line (:meth:`_recover_record`); {} when there is none.
        """
        try:
            record = json.loads(self.pid_file.read_text())
            int(record["pid"])
            return record
        except (OSError, ValueError, KeyError, TypeError):
            return self._recover_record()

    def _is_our_jvm(self, pid: int) -> bool:
        """True when ``pid`` is alive and is this instance's launcher (its command line names our home folder).

        A stale pid file after a crash or reboot may name a pid the system has since given to another process;
        that process is never taken for Neo4j, never waited on and never signalled.
        """
        return _alive(pid) and self._launcher_args(pid) is not None

    def _launcher_args(self, pid: int) -> list[str] | None:
        """The launcher's arguments (home, Bolt port, HTTP port, ...) when ``pid`` runs it on our home folder."""
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            return None
        for i, arg in enumerate(args):
            if (arg.endswith("Launcher.java") or arg == "Launcher") and args[i + 1:i + 2] == [str(self.home_dir)]:
                return args[i + 1:]
        return None

    def _recover_record(self) -> dict:
        """The run record of the JVM that serves this data folder, found by its command line and its log's
        ``READY`` and ``CONTROL`` lines, written back to the pid file; {} when no such JVM runs (or it is not
        ready yet: its starter writes the record)."""
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            args = self._launcher_args(int(entry.name))
            if args is None or len(args) < 3 or not _alive(int(entry.name)):
                continue
            ready = [line.split() for line in self._log_text().splitlines() if line.startswith("READY ")]
            if not ready or len(ready[-1]) != 3:
                return {}
            _, version, token = ready[-1]
            record = {"pid": int(entry.name), "port": int(args[1]), "http_port": int(args[2]), "token": token,
                      "version": version, "control_port": self._control_port(token), "protocol": PROTOCOL}
            try:
                self._write_record(record)
            except OSError:
                pass  # the record is still right for this call; the next one tries again
            return record
        return {}

    def running_pid(self) -> int | None:
        """The pid of this instance when its JVM is alive, else None (a stale pid file is removed)."""
        record = self._run_record()
        pid = int(record["pid"]) if record else None
        if pid is not None and self._is_our_jvm(pid):
            return pid
        if pid is not None or self.pid_file.exists():
            self.pid_file.unlink(missing_ok=True)
        return None

    def start(self, timeout: float = 180.0, echo=print) -> ServerStatus:
        """Start the instance and return once this run's Bolt answers.

        When the data folder is already served, answer at once with the running instance's status (its own
        port, which may differ from ``self.port``: the caller says so). Two starts at once on one data folder
        are serialised by a lock file, so the second finds the first's run.
        """
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            with open(self.data_dir / "start.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                return self._start_locked(timeout, echo)
        except OSError as exc:  # read-only mount, no permission, disk full: nothing can run from there
            raise ServerError(f"cannot use {self.data_dir} as the data folder: {exc.strerror or exc}",
                              hint="choose a writable folder with --data-dir (or DKG_NEO4J_DATA_DIR)") from None

    def _start_locked(self, timeout: float, echo) -> ServerStatus:
        pid = self.running_pid()
        if pid is not None:
            record = self._run_record()
            port = int(record.get("port", self.port))
            if not self._wait_ready(pid, port, record.get("token"), timeout):
                raise ServerError(f"Neo4j (pid {pid}) runs but Bolt does not answer on bolt://127.0.0.1:{port}",
                                  hint=f"see {self.log_file}; `diaspora-kg neo4j stop` then start again")
            return self.status()
        if port_open(self.port):
            raise ServerError(f"port {self.port} on 127.0.0.1 is taken by another process",
                              hint="choose another port with --port (or DKG_NEO4J_PORT)")
        if self.http_port and port_open(self.http_port):
            raise ServerError(f"the HTTP port {self.http_port} on 127.0.0.1 is taken by another process",
                              hint="choose another one with --http-port (or DKG_NEO4J_HTTP_PORT)")
        self.ensure_artifacts(echo=echo)
        self._rotate_logs()
        token = secrets.token_hex(16)
        env = {**os.environ, "DKG_NEO4J_PASSWORD": self.password(), "DKG_NEO4J_RUN_TOKEN": token,
               "DKG_NEO4J_ALLOW_URL_IMPORT": "true" if self.allow_url_import else "false"}
        cmd = [
            "java", f"-Xmx{self.heap}", "-Xms512m", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
            "-Dfile.encoding=UTF-8", "-cp", self._classpath(echo),
            str(LAUNCHER_SOURCE), str(self.home_dir), str(self.port), str(self.http_port),
            str(DEFAULT_PAGECACHE_MB), str(tx_memory_mb(self.heap)),
        ]
        # The log names the control port and the run token: readable by its owner only.
        log = os.open(self.log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.fchmod(log, 0o600)
            proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    env=env, start_new_session=True, cwd=self.data_dir)
        finally:
            os.close(log)
        record = {"pid": proc.pid, "port": self.port, "http_port": self.http_port, "token": token, "version": None,
                  "protocol": PROTOCOL}
        self._write_record(record)
        if not self._wait_ready(proc.pid, self.port, token, timeout, proc=proc):
            self._terminate(proc.pid)
            self.pid_file.unlink(missing_ok=True)
            failed = self._failure_logged()
            reason = (f"Neo4j could not start on {self.uri}: {failed}" if failed
                      else f"Neo4j did not start within {timeout:.0f} s on {self.uri}")
            raise ServerError(f"{reason}; last lines of {self.log_file}:\n{_tail(self._log_text())}",
                              hint="fix what the log says, then run `diaspora-kg neo4j start` again")
        self._write_record({**record, "version": self._ready_version(token),
                            "control_port": self._control_port(token)})
        return self.status()

    def _write_record(self, record: dict) -> None:
        """Write the pid file whole, readable by its owner only (it names the control port): a temporary file is
        renamed over it, so no reader ever sees it empty or cut short."""
        temporary = self.pid_file.with_name(f"{self.pid_file.name}.{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "w") as f:
                f.write(json.dumps(record))
                f.flush()
                os.fsync(f.fileno())
            os.replace(temporary, self.pid_file)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    def _rotate_logs(self) -> None:
        """Keep the last runs' logs as neo4j.log.1 (newest) .. neo4j.log.KEPT_LOGS; this run writes a fresh one."""
        if not self.log_file.exists():
            return
        for n in range(KEPT_LOGS - 1, 0, -1):
            older = self.log_file.with_name(f"neo4j.log.{n}")
            if older.exists():
                older.chmod(0o600)  # logs written by an earlier version were readable by all
                older.replace(self.log_file.with_name(f"neo4j.log.{n + 1}"))
        self.log_file.chmod(0o600)
        self.log_file.replace(self.log_file.with_name("neo4j.log.1"))

    def _wait_ready(self, pid: int, port: int, token: str | None, timeout: float,
                    proc: subprocess.Popen | None = None) -> bool:
        """Wait until the run with ``token`` logged READY and its Bolt port accepts connections."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                return False
            if not _alive(pid) or self._failure_logged():
                return False
            if (token is None or self._ready_version(token)) and port_open(port):
                http_port = int(self._run_record().get("http_port") or 0)
                if not http_port or port_open(http_port):
                    return True
            time.sleep(0.25)
        return False

    def _log_text(self) -> str:
        try:
            return self.log_file.read_text(errors="replace")
        except OSError:
            return ""

    def _ready_version(self, token: str) -> str | None:
        """The Neo4j version on this run's READY line (``READY <version> <token>``), or None before it."""
        return self._run_line("READY", token)

    def _control_port(self, token: str) -> int | None:
        """The control port on this run's ``CONTROL <port> <token>`` line."""
        port = self._run_line("CONTROL", token)
        return int(port) if port else None

    def _run_line(self, kind: str, token: str) -> str | None:
        """The value of this run's ``<kind> <value> <token>`` line of the log, or None before the launcher wrote it."""
        for line in self._log_text().splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[0] == kind and parts[2] == token:
                return parts[1]
        return None

    # -- the control port: proof and imports ------------------------------------------------------------------
    @property
    def bulk_dir(self) -> Path:
        """Where import files are staged: each import gets a folder of its own here, made by the JVM."""
        return self.home_dir / "bulk"

    @property
    def offers_import(self) -> bool:
        """True when this instance runs and its JVM answers import requests (a JVM started by an older version
        of this package does not)."""
        return self.running_pid() is not None and self._run_record().get("protocol") == PROTOCOL

    def verify_ours(self, port: int | None = None) -> str:
        """Prove that this instance's JVM serves Bolt on ``port`` (default: the run's own), before any credential
        is sent there; return its state, ``serving`` or ``importing``.

        The JVM answers a random nonce with an HMAC keyed by this run's token (known from the owner-only pid file)
        and names its Bolt port, which it never lets go while it runs. A JVM started by an older version, which
        cannot answer, must at least hold the Bolt port itself (checked in ``/proc``). Raises :class:`ServerError`
        when the server cannot be proven ours: nothing has been sent to it.
        """
        record = self._run_record()
        pid = int(record["pid"]) if record else None
        port = int(port or record.get("port") or self.port)
        where = f"bolt://127.0.0.1:{port}"
        if pid is None or not self._is_our_jvm(pid):
            raise ServerError(f"the managed Neo4j in {self.data_dir} is not running",
                              hint="`diaspora-kg neo4j start`")
        if record.get("protocol") != PROTOCOL:
            if _holds_port(pid, port):
                return "serving"
            raise _not_ours(where, f"the port is not held by this instance's JVM (pid {pid})")
        try:
            sock, _, bolt, state = self._prove(record)
            sock.close()
        except _Unproven as exc:
            raise _not_ours(where, str(exc)) from None
        if bolt != port:
            raise _not_ours(where, f"this run's JVM serves Bolt on port {bolt}")
        return state

    def import_running(self) -> bool:
        """True when an import holds this instance's database (writes are refused until it is committed)."""
        try:
            return self.running_pid() is not None and self.verify_ours() == "importing"
        except ServerError:
            return False

    def _prove(self, record: dict, timeout: float = PROOF_SECONDS):
        """Open the control port and check the JVM's proof; ``(socket, reader, bolt port, state)``."""
        control, token = record.get("control_port"), record.get("token")
        if not control or not token:
            raise _Unproven("the pid file names no control port or run token")
        nonce = secrets.token_hex(16)
        try:
            sock = socket.create_connection(("127.0.0.1", int(control)), timeout=timeout)
        except OSError as exc:
            raise _Unproven(f"its control port 127.0.0.1:{control} does not answer ({exc.strerror or exc})") from None
        try:
            sock.sendall(f"HELLO {nonce}\n".encode())
            reader = sock.makefile("rb")
            words = reader.readline(512).decode("utf-8", "replace").split()
        except OSError:
            sock.close()
            raise _Unproven(f"its control port 127.0.0.1:{control} did not answer within {timeout:g} s") from None
        if words[:1] == ["FAILED"]:
            sock.close()
            raise _Unproven("its JVM was started by an older version of diaspora-kg, which cannot prove itself: "
                            "`diaspora-kg neo4j stop`, then `start`")
        if len(words) != 5 or words[0] != "PROOF" or not words[2].isdigit():
            sock.close()
            raise _Unproven(f"the process on its control port 127.0.0.1:{control} did not prove this run's token")
        body = " ".join(words[2:])
        expected = hmac.new(token.encode(), f"dkg-proof {nonce} {body}".encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, words[1]):
            sock.close()
            raise _Unproven(f"the process on its control port 127.0.0.1:{control} did not prove this run's token")
        return sock, reader, int(words[2]), words[4]

    def begin_import(self) -> ImportSession:
        """Open an import: the JVM refuses writes from now on, checks that the database is empty and makes a
        staging folder. Raises :class:`DatabaseNotEmpty`, :class:`ImportRunning` or :class:`ServerError`."""
        record = self._run_record() if self.running_pid() is not None else {}
        if record.get("protocol") != PROTOCOL:
            raise ServerError(f"the managed Neo4j in {self.data_dir} offers no import control port "
                              "(not running, or started by an older version)",
                              hint="`diaspora-kg neo4j stop`, `diaspora-kg neo4j start`, then load again")
        try:
            sock, reader, _, _ = self._prove(record)
        except _Unproven as exc:
            raise _not_ours(f"bolt://127.0.0.1:{record.get('port')}", str(exc)) from None
        try:
            sock.sendall(f"{self.password()}\nIMPORT\n".encode())
            sock.settimeout(120)  # the JVM waits up to 30 s for writes under way, then counts the nodes
            reply = reader.readline(LINE_MAX).decode("utf-8", "replace").strip()
        except OSError as exc:
            sock.close()
            raise ServerError(f"the managed Neo4j in {self.data_dir} did not answer the import request: {exc}",
                              hint=f"see {self.log_file}") from None
        words = reply.split(" ", 2)
        if words[0] == "STAGE" and len(words) == 3:
            sock.settimeout(None)
            return ImportSession(sock, reader, Path(words[1]), words[2], self.log_file)
        sock.close()
        if reply.startswith("FAILED busy"):
            raise ImportRunning(self.data_dir)
        if reply.startswith("FAILED not-empty"):
            raise DatabaseNotEmpty(f"the managed Neo4j's database in {self.data_dir} holds data")
        raise ServerError(f"the managed Neo4j refused the import: {reply.removeprefix('FAILED ') or 'no answer'}",
                          hint=f"see {self.log_file}")

    def _failure_logged(self) -> str | None:
        """The launcher's ``FAILED <reason>`` line of this run, if it reported one."""
        for line in self._log_text().splitlines():
            if line.startswith("FAILED "):
                return line[len("FAILED "):].strip()
        return None

    def stop(self, timeout: float = 60.0) -> bool:
        """Shut the instance down cleanly (SIGTERM, then SIGKILL after ``timeout``); True if it was running."""
        pid = self.running_pid()
        if pid is None:
            return False
        self._terminate(pid, timeout)
        self.pid_file.unlink(missing_ok=True)
        return True

    def kill(self) -> None:
        """Kill the JVM without a clean shutdown (fault-injection tests use this)."""
        pid = self.running_pid()
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
            _wait_dead(pid, 30)

    def _terminate(self, pid: int, timeout: float = 60.0) -> None:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        if not _wait_dead(pid, timeout):
            os.kill(pid, signal.SIGKILL)
            _wait_dead(pid, 10)

    def status(self) -> ServerStatus:
        """Whether the instance runs, and its URI, ports, pid, data folder and Neo4j version when it does."""
        pid = self.running_pid()
        if pid is None:
            return ServerStatus(False, self.uri, self.data_dir, port=self.port, http_port=self.http_port or None)
        record = self._run_record()
        port = int(record.get("port", self.port))
        return ServerStatus(True, f"bolt://127.0.0.1:{port}", self.data_dir, pid, record.get("version"), port,
                            int(record.get("http_port") or 0) or None)


def verify_jars(lib: Path) -> None:
    """Check that ``lib`` holds exactly the Neo4j jars of :data:`JAR_CHECKSUMS` (see :mod:`.jars`)."""
    jars.verify_jars(lib, JAR_CHECKSUMS, what="Neo4j", fetched_by=FETCHED_BY)


def _reap(pid: int) -> bool:
    """Collect the exit status of our own child ``pid`` so it leaves no zombie; True once it has exited."""
    try:
        return os.waitpid(pid, os.WNOHANG)[0] == pid
    except ChildProcessError:  # not our child (started by another command): nothing to collect
        return False


def _wait_dead(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _reap(pid) or not _alive(pid):
            _reap(pid)
            return True
        time.sleep(0.2)
    return False


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
