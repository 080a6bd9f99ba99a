"""A managed local Neo4j Community 5.26 in a JVM subprocess, built from Maven Central artifacts.

The first start resolves ``org.neo4j:neo4j`` and ``org.neo4j:neo4j-bolt`` with Maven into a git-ignored cache
(``.cache/neo4j/<version>/lib``) and compiles a small launcher (``launcher/Launcher.java``) that runs the embedded
DBMS with Bolt bound to 127.0.0.1 only. Each instance is addressed by its data folder and port, so a throwaway
instance (tests, fault injection) runs beside the main one. The instance's password is generated on first start
and kept in ``<data-dir>/credentials`` (mode 0600); it is passed to the JVM through the environment, never on the
command line.
"""

from __future__ import annotations

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

NEO4J_VERSION = "5.26.30"
LAUNCHER_DIR = Path(__file__).resolve().parent / "launcher"
# Sized for a 2-core, 24 GiB machine: enough heap for 10^6-triple batches, page cache for the store.
DEFAULT_PAGECACHE_MB = 1024
DEFAULT_TX_MEMORY_MB = 2048
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
    cache_dir : Path
        Where the Maven artifacts and the compiled launcher are kept, shared by all instances.
    heap : str
        JVM maximum heap, e.g. ``"2g"``.
    """

    def __init__(self, data_dir: Path, port: int, cache_dir: Path, heap: str = "2g"):
        self.data_dir = Path(data_dir).resolve()
        self.port = port
        self.artifacts = Path(cache_dir).resolve() / "neo4j" / NEO4J_VERSION
        self.heap = heap

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

    # -- artifacts -----------------------------------------------------------------------------------------
    def ensure_artifacts(self, echo=print) -> None:
        """Fetch the Neo4j jars with Maven and compile the launcher, once."""
        lib, classes = self.artifacts / "lib", self.artifacts / "classes"
        if (classes / "Launcher.class").is_file() and any(lib.glob("neo4j-kernel-*.jar")):
            return
        version = java_major_version()
        if version is None:
            raise ServerError("Java was not found on the PATH", hint=NO_JAVA_HINT)
        if version < 17:
            raise ServerError(f"Java {version} found; Neo4j 5.26 needs Java 17 or newer", hint=NO_JAVA_HINT)
        if shutil.which("mvn") is None:
            raise ServerError("Maven (mvn) was not found on the PATH", hint=NO_JAVA_HINT)
        if shutil.which("javac") is None:
            raise ServerError("javac was not found (a JDK, not only a JRE, is needed)", hint=NO_JAVA_HINT)
        echo(f"Fetching Neo4j {NEO4J_VERSION} from Maven Central into {lib} (once) ...")
        self.artifacts.mkdir(parents=True, exist_ok=True)
        tmp_lib = self.artifacts / "lib.partial"
        shutil.rmtree(tmp_lib, ignore_errors=True)
        mvn = subprocess.run(
            ["mvn", "-q", "-B", "-f", str(LAUNCHER_DIR / "pom.xml"), "dependency:copy-dependencies",
             f"-DoutputDirectory={tmp_lib}", f"-Dneo4j.version={NEO4J_VERSION}"],
            capture_output=True, text=True,
        )
        if mvn.returncode != 0:
            raise ServerError(
                f"Maven could not resolve Neo4j {NEO4J_VERSION}:\n{_tail(mvn.stdout + mvn.stderr)}",
                hint="check access to Maven Central, or use docker compose / NEO4J_URI",
            )
        shutil.rmtree(lib, ignore_errors=True)
        tmp_lib.rename(lib)
        classes.mkdir(parents=True, exist_ok=True)
        javac = subprocess.run(
            ["javac", "-cp", f"{lib}/*", "-d", str(classes), str(LAUNCHER_DIR / "Launcher.java")],
            capture_output=True, text=True,
        )
        if javac.returncode != 0:
            raise ServerError(f"compiling the Neo4j launcher failed:\n{_tail(javac.stderr)}")
        echo(f"Neo4j {NEO4J_VERSION}: {sum(1 for _ in lib.glob('*.jar'))} jars ready")

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
    def _recorded_pid(self) -> int | None:
        try:
            return int(json.loads(self.pid_file.read_text())["pid"])
        except (OSError, ValueError, KeyError):
            return None

    def running_pid(self) -> int | None:
        """The pid of this instance when its process is alive, else None (a stale pid file is removed)."""
        pid = self._recorded_pid()
        if pid is not None and _alive(pid):
            return pid
        if pid is not None:
            self.pid_file.unlink(missing_ok=True)
        return None

    def start(self, timeout: float = 180.0, echo=print) -> ServerStatus:
        """Start the instance and return once Bolt answers; a no-op when it already runs."""
        pid = self.running_pid()
        if pid is not None:
            if not self._wait_for_bolt(pid, timeout):
                raise ServerError(f"Neo4j (pid {pid}) runs but Bolt does not answer on {self.uri}",
                                  hint=f"see {self.log_file}; `diaspora-kg neo4j stop` then start again")
            return self.status()
        if port_open(self.port):
            raise ServerError(f"port {self.port} on 127.0.0.1 is taken by another process",
                              hint="choose another port with --port (or DKG_NEO4J_PORT)")
        self.ensure_artifacts(echo=echo)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "DKG_NEO4J_PASSWORD": self.password()}
        cmd = [
            "java", f"-Xmx{self.heap}", "-Xms512m", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
            "-Dfile.encoding=UTF-8", "-cp", f"{self.artifacts / 'lib'}/*:{self.artifacts / 'classes'}",
            "Launcher", str(self.data_dir / "home"), str(self.port),
            str(DEFAULT_PAGECACHE_MB), str(DEFAULT_TX_MEMORY_MB),
        ]
        with open(self.log_file, "ab") as log:
            proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    env=env, start_new_session=True, cwd=self.data_dir)
        self.pid_file.write_text(json.dumps({"pid": proc.pid, "port": self.port, "version": NEO4J_VERSION}))
        if not self._wait_for_bolt(proc.pid, timeout, proc=proc):
            self._terminate(proc.pid)
            self.pid_file.unlink(missing_ok=True)
            raise ServerError(f"Neo4j did not start within {timeout:.0f} s on {self.uri}; last lines of "
                              f"{self.log_file}:\n{_tail(self.log_file.read_text(errors='replace'))}")
        return self.status()

    def _wait_for_bolt(self, pid: int, timeout: float, proc: subprocess.Popen | None = None) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                return False
            if not _alive(pid):
                return False
            if port_open(self.port) and self._ready_logged():
                return True
            time.sleep(0.25)
        return False

    def _ready_logged(self) -> bool:
        try:
            return "READY" in self.log_file.read_text(errors="replace")[-4000:]
        except OSError:
            return False

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
        """Whether the instance runs, its URI, pid, data folder and (when it answers) Neo4j version."""
        pid = self.running_pid()
        if pid is None:
            return ServerStatus(False, self.uri, self.data_dir)
        version = self._version_from_log()
        return ServerStatus(True, self.uri, self.data_dir, pid, version)

    def _version_from_log(self) -> str | None:
        try:
            lines = self.log_file.read_text(errors="replace").splitlines()
        except OSError:
            return None
        for line in reversed(lines):
            if line.startswith("READY "):
                return line.split(" ", 1)[1].strip()
        return None


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
