"""Attacks and accidents around the bulk importer, its control port and the managed server's files (issue 25,
items 1, 3-8, and the importer parts of 17 and 19).

Every test runs real processes against a real Neo4j of its own (the tests kill, freeze, fill or impersonate it):
``load`` runs as a CLI subprocess, the JVM is killed with SIGKILL, a loader is frozen with SIGSTOP at a chosen
moment, a full disk is a real tmpfs mounted for the instance (root is needed to mount one; those tests are skipped
without it), an impostor is a real socket speaking Bolt's handshake.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from graph_loader.neo4j.connection import open_database
from graph_loader.neo4j.server import ManagedNeo4j
from graph_loader.rdf.synth import write_synthetic
from graph_loader.settings import load_settings

from ..conftest import free_port
from ..integration.test_load_pipeline import big_corpus, snapshot

CLI = [sys.executable, "-m", "graph_loader"]
#: The schema a finished load leaves (name, state), compared between a clean load and a rerun.
INDEXES = "SHOW INDEXES YIELD name, type, state WHERE type <> 'LOOKUP' RETURN name, state ORDER BY name"
LEDGER = ("MATCH (s:LoadedSource) RETURN s.key AS key, s.sha256 AS sha, s.complete AS complete, s.triples AS t, "
          "s.nodes AS n, s.relationships AS r ORDER BY key")


# -- helpers ----------------------------------------------------------------------------------------------------------
def env_for(instance: ManagedNeo4j, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "DKG_"))}
    return {**env, "DKG_NEO4J_PORT": str(instance.port), "DKG_NEO4J_DATA_DIR": str(instance.data_dir),
            "DKG_NEO4J_HTTP_PORT": str(instance.http_port or free_port()), "DKG_NEO4J_HEAP": "1g",
            "DKG_CACHE_DIR": str(load_settings().cache_dir), "COLUMNS": "80", **extra}


def start_instance(data_dir: Path, *, http: bool = True) -> ManagedNeo4j:
    instance = ManagedNeo4j(data_dir, free_port(), load_settings().cache_dir, heap="1g",
                            http_port=free_port() if http else 0)
    instance.start(echo=lambda m: None)
    return instance


@contextlib.contextmanager
def own_instance(data_dir: Path, *, http: bool = True) -> Iterator[ManagedNeo4j]:
    instance = start_instance(data_dir, http=http)
    try:
        yield instance
    finally:
        instance.stop()
        for pid in importer_pids(instance):  # an importer a killed JVM left behind
            os.kill(pid, signal.SIGKILL)


def cli(args: list[str], env: dict, timeout: float = 600) -> subprocess.CompletedProcess:
    run = subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=timeout)
    assert "Traceback" not in run.stderr, run.stderr
    return run


def spawn(args: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen([*CLI, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition: Callable[[], object], timeout: float, what: str, *, proc: subprocess.Popen | None = None,
             every: float = 0.02):
    """Poll ``condition`` until it returns something true; fail naming ``what`` (and ``proc``'s output)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the process ended (exit {proc.returncode}) before {what}:\n{out[-2000:]}\n{err[-2000:]}")
        time.sleep(every)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def probe(instance: ManagedNeo4j, query: str) -> list[dict] | None:
    """Rows of ``query``, or None when the database does not answer at once (stopped, mid-import, killed)."""
    import neo4j

    try:
        with neo4j.GraphDatabase.driver(instance.uri, auth=("neo4j", instance.password()),
                                        connection_timeout=2, max_transaction_retry_time=0) as driver:
            with driver.session(database="neo4j") as session:
                return session.run(query).data()
    except Exception:  # noqa: BLE001 — any failure means "not now"
        return None


def staged_csvs(instance: ManagedNeo4j) -> list[Path]:
    return [p for p in instance.bulk_dir.glob("*/*.csv") if p.stat().st_size > 0] if instance.bulk_dir.exists() else []


def importer_pids(instance: ManagedNeo4j) -> list[int]:
    """Pids of Neo4j importer processes working on this instance's home folder."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                args = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if f"-Ddkg.importer.home={instance.home_dir}".encode() in args:
                found.append(int(entry.name))
    return found


def kill_jvm(instance: ManagedNeo4j) -> None:
    pid = json.loads(instance.pid_file.read_text())["pid"]
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.05)


def connect(instance: ManagedNeo4j):
    return open_database(instance.uri, "neo4j", instance.password(), "neo4j")


def wipe_everything(instance: ManagedNeo4j) -> None:
    """Empty the database: nodes, constraints and indexes (an import needs an empty database)."""
    with connect(instance) as db:
        with db.session() as session:
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
        for row in db.read("SHOW CONSTRAINTS YIELD name RETURN name"):
            db.write(f"DROP CONSTRAINT `{row['name']}`")
        for row in db.read("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name"):
            db.write(f"DROP INDEX `{row['name']}`")


def control_exchange(instance: ManagedNeo4j, lines: list[bytes], timeout: float = 60) -> list[str]:
    """Send ``lines`` to the control port and return every line of the reply until the JVM closes."""
    port = json.loads(instance.pid_file.read_text())["control_port"]
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(b"".join(line + b"\n" for line in lines))
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_WR)
        return [line.decode(errors="replace").strip() for line in sock.makefile("rb")]


# -- 1. an import is one unit -------------------------------------------------------------------------------------
PARTS = 12  # files per load: the ledger is written once per file, so a kill can land inside it


@pytest.fixture(scope="module")
def crash_bed(tmp_path_factory):
    """An instance of its own, a corpus of PARTS files and what a clean load of it leaves (graph, ledger, indexes,
    seconds)."""
    folder = tmp_path_factory.mktemp("corpus")
    for i in range(PARTS):
        write_synthetic(folder / f"part{i:02}.nt", 8_000, seed=i, part=f"p{i}")  # 27,000 rows
    instance = start_instance(tmp_path_factory.mktemp("crash") / "neo4j")
    env = env_for(instance)
    try:
        started = time.monotonic()
        clean = cli(["load", "--method", "import", str(folder)], env)
        seconds = time.monotonic() - started
        assert clean.returncode == 0, clean.stderr
        with connect(instance) as db:
            reference = {"graph": snapshot(db), "ledger": db.read(LEDGER), "indexes": db.read(INDEXES)}
        assert len(reference["ledger"]) == PARTS and len(reference["graph"][0]) > 4_000
        assert {row["state"] for row in reference["indexes"]} == {"ONLINE"}
        yield instance, env, folder, reference, seconds
    finally:
        instance.stop()
        for pid in importer_pids(instance):
            os.kill(pid, signal.SIGKILL)


def _nodes(instance):
    rows = probe(instance, "MATCH (n) RETURN count(n) AS c")
    return rows[0]["c"] if rows else 0


#: Moments of an import's life: (what is waited for, whether the JVM or the loader is killed).
MOMENTS = {
    "staging": (lambda inst: staged_csvs(inst), "jvm"),
    "importer": (lambda inst: (inst.home_dir / "import.pending").exists(), "jvm"),
    "rebuild": (lambda inst: "IMPORT DONE" in inst._log_text(), "jvm"),
    "index population": (lambda inst: _nodes(inst) > 2_000 and probe(inst, INDEXES)
                         and not probe(inst, "MATCH (s:LoadedSource) RETURN s LIMIT 1"), "jvm"),
    "ledger": (lambda inst: probe(inst, "MATCH (s:LoadedSource) RETURN s LIMIT 1"), "jvm"),
    "loader killed after the store swap": (lambda inst: _nodes(inst) > 2_000, "loader"),
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_an_import_killed_at_any_moment_is_undone_and_the_rerun_equals_a_clean_load(crash_bed, moment):
    """SIGKILL (of the JVM, or of the loading process) at a moment of the import's life; then `neo4j start` and the
    same `load`: the graph, the ledger and the indexes equal a clean load's, and the rerun takes at most twice a
    clean load's time (a store kept without its indexes made every MERGE scan: 246 s instead of 19.5 s)."""
    instance, env, folder, reference, clean_seconds = crash_bed
    wipe_everything(instance)
    reached, victim = MOMENTS[moment]
    loader = spawn(["load", "--method", "import", str(folder)], env)
    try:
        wait_for(lambda: reached(instance), 300, f"the moment '{moment}'", proc=loader, every=0.01)
        loader.send_signal(signal.SIGSTOP)  # the loader stays exactly there while the JVM is killed
        if victim == "jvm":
            kill_jvm(instance)
    finally:
        loader.kill()
        loader.communicate()
    if victim == "jvm":
        instance.start(echo=lambda m: None)
    else:  # the JVM lives: it undoes the import its client abandoned
        wait_for(lambda: probe(instance, "MATCH (n) RETURN count(n) AS c") == [{"c": 0}], 120,
                 "the abandoned import to be undone")
    started = time.monotonic()
    rerun = cli(["load", "--method", "auto", str(folder)], env, timeout=max(600, 6 * clean_seconds))
    seconds = time.monotonic() - started
    assert rerun.returncode == 0, rerun.stderr
    with connect(instance) as db:
        assert db.read(INDEXES) == reference["indexes"]
        assert db.read(LEDGER) == reference["ledger"]
        assert snapshot(db) == reference["graph"]
    if seconds > 2 * clean_seconds:  # a loaded machine: compare with a clean load made now
        wipe_everything(instance)
        started = time.monotonic()
        assert cli(["load", "--method", "import", str(folder)], env).returncode == 0
        assert seconds <= 2 * max(clean_seconds, time.monotonic() - started), (seconds, clean_seconds)


# -- 3. the control port ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """An instance of this module's own for the control-port tests (none of them changes its data)."""
    instance = start_instance(tmp_path_factory.mktemp("control") / "neo4j")
    yield instance
    instance.stop()


def test_an_endless_first_line_is_cut_off_and_the_jvm_lives(served):
    """516 MiB without a newline OOMed the JVM: the control port reads a bounded first line, then hangs up."""
    port = json.loads(served.pid_file.read_text())["control_port"]
    chunk = b"x" * (1 << 20)
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        with contextlib.suppress(OSError):  # the JVM closing the connection is what we want
            while sent < 256 * len(chunk):
                sock.sendall(chunk)
                sent += len(chunk)
    assert sent < 16 * len(chunk), f"the control port read {sent >> 20} MiB of one line"
    assert served.running_pid() is not None
    assert probe(served, "RETURN 1 AS one") == [{"one": 1}]


def test_a_slow_client_holds_nothing(served):
    """A client that sends one byte now and then neither blocks other clients nor keeps its connection."""
    port = json.loads(served.pid_file.read_text())["control_port"]
    slow = socket.create_connection(("127.0.0.1", port), timeout=60)
    stop = threading.Event()

    def drip():
        with contextlib.suppress(OSError):
            while not stop.is_set():
                slow.sendall(b"a")
                time.sleep(0.5)

    dripper = threading.Thread(target=drip, daemon=True)
    dripper.start()
    try:
        time.sleep(1)
        started = time.monotonic()
        assert control_exchange(served, [b"not the password", b"IMPORT"], timeout=30)[-1] == "FAILED not authorised"
        assert time.monotonic() - started < 5, "another client waited for the slow one"
        slow.settimeout(30)
        started = time.monotonic()
        with contextlib.suppress(OSError):
            while slow.recv(1024):  # until the JVM hangs up on it
                pass
        assert time.monotonic() - started < 20, "the slow client kept its connection"
    finally:
        stop.set()
        slow.close()


def test_the_secret_comes_first(served):
    """Nothing but the secret is read from an unauthenticated client; what follows a wrong one is not obeyed."""
    replies = control_exchange(served, [b"IMPORT", b"NODES x.csv", b"RUN"])
    assert replies == ["FAILED not authorised"]
    assert served.running_pid() is not None


def test_the_log_and_pid_files_are_owner_only(served):
    """neo4j.log names the control port and the run token; the pid file too: only their owner reads them."""
    for path in [served.log_file, served.pid_file, served.credentials_file,
                 *served.data_dir.glob("neo4j.log.*")]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


# -- 4. the ports are never let go; credentials only to our own server --------------------------------------------
def test_the_bolt_and_http_ports_stay_bound_during_an_import(tmp_path):
    """While the importer runs, no other process can bind the Bolt or HTTP port (SO_REUSEADDR included)."""
    corpus = tmp_path / "corpus.nt"
    write_synthetic(corpus, 60_000, seed=1)
    with own_instance(tmp_path / "neo4j") as instance:
        ports = [instance.port, instance.http_port]
        taken: list[int] = []
        during: list[bool] = []
        done = threading.Event()

        def squat():
            while not done.is_set():
                importing = (instance.home_dir / "import.pending").exists()
                for port in ports:
                    with socket.socket() as sock:
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                        try:
                            sock.bind(("127.0.0.1", port))
                        except OSError:
                            continue
                        taken.append(port)  # released at once: the DBMS must be able to come back
                during.append(importing)
                time.sleep(0.005)

        squatter = threading.Thread(target=squat, daemon=True)
        squatter.start()
        try:
            run = cli(["load", "--method", "import", str(corpus)], env_for(instance))
        finally:
            done.set()
            squatter.join()
        assert run.returncode == 0, run.stderr
        assert any(during), "no bind was tried while the import ran"
        assert taken == [], f"ports {sorted(set(taken))} could be bound during the import"


class Impostor:
    """A local process holding a port and speaking just enough Bolt 5 to be sent credentials: it accepts the
    handshake and answers every message SUCCESS, so a driver that trusts it sends HELLO, then LOGON with the
    password. Every byte it receives is recorded."""

    SUCCESS = b"\xb1\x70\xa2\x86server\x8cNeo4j/5.26.0\x8dconnection_id\x86bolt-1"

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.received = bytearray()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        with contextlib.suppress(OSError):
            while True:
                conn, _ = self.server.accept()
                threading.Thread(target=self._talk, args=(conn,), daemon=True).start()

    def _talk(self, conn):
        with conn, contextlib.suppress(OSError):
            conn.settimeout(10)
            handshake = conn.recv(20)
            self.received += handshake
            if not handshake.startswith(b"\x60\x60\xb0\x17"):
                while data := conn.recv(65536):
                    self.received += data
                return
            conn.sendall(b"\x00\x00\x04\x05")  # Bolt 5.4
            while data := conn.recv(65536):
                self.received += data
                if data.endswith(b"\x00\x00"):  # a whole message: say yes to it
                    conn.sendall(len(self.SUCCESS).to_bytes(2, "big") + self.SUCCESS + b"\x00\x00")

    def close(self):
        self.server.close()


def test_credentials_are_never_sent_to_a_server_that_is_not_ours(tmp_path):
    """A process holding the port the pid file names gets no password: the JVM's run token proves the server
    before the driver logs in, and a server it does not vouch for is refused with a clear message."""
    with own_instance(tmp_path / "neo4j", http=False) as instance:
        record = json.loads(instance.pid_file.read_text())
        impostor = Impostor()
        try:
            instance.pid_file.write_text(json.dumps({**record, "port": impostor.port}))
            run = cli(["query", "--cypher", "RETURN 1"], env_for(instance))
            time.sleep(0.5)
            assert instance.password().encode() not in bytes(impostor.received)
            assert run.returncode == 2
            assert "not this instance's Neo4j" in run.stderr and str(impostor.port) in run.stderr
        finally:
            instance.pid_file.write_text(json.dumps(record))
            impostor.close()
        fake_control = Impostor()  # a control port that cannot prove the run token
        try:
            instance.pid_file.write_text(json.dumps({**record, "control_port": fake_control.port}))
            run = cli(["query", "--cypher", "RETURN 1"], env_for(instance))
            assert run.returncode == 2 and "not this instance's Neo4j" in run.stderr
            assert instance.password().encode() not in bytes(fake_control.received)
        finally:
            instance.pid_file.write_text(json.dumps(record))
            fake_control.close()
        assert cli(["query", "--cypher", "RETURN 1"], env_for(instance)).returncode == 0


# -- 5. the control port imports only the request's own files -----------------------------------------------------
def test_label_prefixes_and_comma_lists_cannot_smuggle_a_file_in(served):
    """`--nodes=home/bulk/Leak=hdr.csv,/etc/passwd` imported /etc/passwd: a file list is refused whole."""
    served.bulk_dir.mkdir(parents=True, exist_ok=True)
    (served.bulk_dir / "hdr.csv").write_text("line:ID\n")
    try:
        attack = f"--nodes={served.bulk_dir}/Leak=hdr.csv,/etc/passwd"
        replies = control_exchange(served, [served.password().encode(), b"IMPORT", attack.encode(), b"END",
                                            b"RUN", b"COMMIT"])
    finally:
        (served.bulk_dir / "hdr.csv").unlink()
    assert any(r.startswith("FAILED") for r in replies), replies
    assert not any(r.startswith(("OK", "IMPORTED")) for r in replies), replies
    assert probe(served, "MATCH (n) RETURN count(n) AS c") == [{"c": 0}]


def _stage(instance: ManagedNeo4j):
    """Open an import on the control port; return (socket, reader, staging folder)."""
    port = json.loads(instance.pid_file.read_text())["control_port"]
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    sock.sendall(instance.password().encode() + b"\nIMPORT\n")
    reader = sock.makefile("rb")
    reply = reader.readline().decode().split()
    assert reply[0] == "STAGE", reply
    return sock, reader, Path(reply[1])


@pytest.mark.parametrize("trick", ["parent", "comma", "label", "absolute", "symlink", "hard link", "stowaway"])
def test_only_plain_files_the_request_created_in_its_staging_folder_are_imported(served, trick, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text('uri:ID,:LABEL\n"https://example.org/secret","Resource"\n')
    sock, reader, folder = _stage(served)
    with sock:
        (folder / "nodes.csv").write_text('uri:ID,:LABEL\n"https://example.org/a","Resource"\n')
        line = {
            "parent": "NODES ../nodes.csv",
            "comma": f"NODES nodes.csv,{secret}",
            "label": "NODES Leak=nodes.csv",
            "absolute": f"NODES {secret}",
            "symlink": "NODES link.csv",
            "hard link": "NODES hard.csv",
            "stowaway": "NODES nodes.csv",
        }[trick]
        if trick == "symlink":
            (folder / "link.csv").symlink_to(secret)
        elif trick == "hard link":
            os.link(secret, folder / "hard.csv")
        elif trick == "stowaway":  # a file the request did not name, which the importer's patterns could match
            (folder / "nodes-csv").symlink_to(secret)
        sock.sendall(f"{line}\nRUN\nCOMMIT\n".encode())
        replies = [r.decode().strip() for r in reader]
    assert replies and replies[0].startswith("FAILED refused"), replies
    assert probe(served, "MATCH (n) RETURN count(n) AS c") == [{"c": 0}]
    assert not folder.exists(), "the staging folder is removed"


# -- 6. writers and the importer exclude each other ---------------------------------------------------------------
def test_a_write_while_an_import_stages_is_refused_and_never_wiped(tmp_path):
    """`load --method import` frozen while it stages its files; `query --write` then says an import is running
    (it committed, then the import replaced the store); the import completes."""
    corpus = tmp_path / "corpus.nt"
    write_synthetic(corpus, 40_000, seed=2)
    with own_instance(tmp_path / "neo4j") as instance:
        env = env_for(instance)
        loader = spawn(["load", "--method", "import", str(corpus)], env)
        try:
            wait_for(lambda: staged_csvs(instance), 300, "the import's staging", proc=loader, every=0.005)
            loader.send_signal(signal.SIGSTOP)
            write = cli(["query", "--write", "--cypher", "CREATE (p:Precious {n: 1}) RETURN count(p) AS c"], env)
        finally:
            loader.send_signal(signal.SIGCONT)
        out, err = loader.communicate(timeout=600)
        assert loader.returncode == 0, err
        assert write.returncode == 2 and "an import is running" in write.stderr, write.stdout + write.stderr
        with connect(instance) as db:
            assert db.read("MATCH (p:Precious) RETURN count(p) AS c") == [{"c": 0}]
            assert db.read("MATCH (s:LoadedSource) RETURN s.complete AS c") == [{"c": True}]
        assert cli(["query", "--write", "--cypher", "CREATE (p:Precious) RETURN count(p) AS c"], env).returncode == 0


# -- 19. a Bolt load that meets an import says so at once ---------------------------------------------------------
@pytest.mark.parametrize("phase", ["staging", "importer"])
def test_a_bolt_load_meeting_an_import_says_so_at_once(tmp_path, phase):
    corpus = tmp_path / "corpus.nt"
    write_synthetic(corpus, 40_000, seed=3)
    small = big_corpus(tmp_path, 20)
    with own_instance(tmp_path / "neo4j") as instance:
        env = env_for(instance)
        loader = spawn(["load", "--method", "import", str(corpus)], env)
        frozen: list[int] = []
        try:
            if phase == "staging":
                wait_for(lambda: staged_csvs(instance), 300, "the import's staging", proc=loader, every=0.005)
                frozen.append(loader.pid)
            else:  # freeze the importer itself once the database is stopped for it
                frozen += wait_for(lambda: (instance.home_dir / "import.pending").exists() and importer_pids(instance),
                                   300, "the importer at work", proc=loader, every=0.005)
            for pid in frozen:
                os.kill(pid, signal.SIGSTOP)
            started = time.monotonic()
            bolt = cli(["load", "--method", "bolt", str(small)], env, timeout=300)
            seconds = time.monotonic() - started
        finally:
            for pid in frozen:
                os.kill(pid, signal.SIGCONT)
        _, err = loader.communicate(timeout=600)
        assert loader.returncode == 0, err
        assert bolt.returncode == 2 and "an import is running" in bolt.stderr, bolt.stderr
        assert seconds < 30, f"the Bolt load took {seconds:.0f} s to give up"
        assert cli(["load", str(small)], env).returncode == 0  # once the import is done


# -- 7 and 17. a full disk --------------------------------------------------------------------------------------------
@contextlib.contextmanager
def tmpfs(folder: Path, megabytes: int) -> Iterator[Path]:
    """A real filesystem of ``megabytes`` mounted at ``folder`` (needs root: skipped otherwise)."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}): a full disk needs one")
    try:
        yield folder
    finally:
        for _ in range(50):
            if subprocess.run(["umount", str(folder)], capture_output=True).returncode == 0:
                break
            time.sleep(0.2)


def test_a_full_disk_during_the_import_is_reported_and_undone(tmp_path):
    """The data folder on a 48 MB filesystem: the staged files fit, the store does not. The importer used to spin
    retrying its writes (status: running; load: waiting up to 3,600 s). Now: one clear error within minutes, the
    staging folder gone, the database empty and serving, and a smaller load goes through afterwards."""
    corpus = tmp_path / "corpus.nt"
    write_synthetic(corpus, 200_000, seed=4)
    with tmpfs(tmp_path / "disk", 48) as disk, own_instance(disk / "neo4j") as instance:
        env = env_for(instance)
        started = time.monotonic()
        run = cli(["load", "--method", "import", str(corpus)], env, timeout=400)
        assert run.returncode == 2, run.stdout + run.stderr
        assert "disk" in run.stderr and "full" in run.stderr and str(instance.home_dir) in run.stderr
        assert "internal error" not in run.stderr
        assert time.monotonic() - started < 300
        assert staged_csvs(instance) == [] and not list(instance.bulk_dir.glob("import-*"))
        status = cli(["neo4j", "status"], env, timeout=60)
        assert status.returncode == 0 and "running" in status.stdout + status.stderr
        assert probe(instance, "MATCH (n) RETURN count(n) AS c") == [{"c": 0}]
        small = big_corpus(tmp_path, 20)
        assert cli(["load", str(small)], env).returncode == 0


def test_a_full_disk_while_staging_is_a_clear_error(tmp_path):
    """The staging folder on a 2 MB filesystem: `load --method import` says the disk is full (exit 2), leaves no
    staged file and an empty, working database."""
    corpus = tmp_path / "corpus.nt"
    write_synthetic(corpus, 40_000, seed=5)
    with own_instance(tmp_path / "neo4j") as instance, tmpfs(instance.bulk_dir, 2):
        env = env_for(instance)
        run = cli(["load", "--method", "import", str(corpus)], env)
        assert run.returncode == 2, run.stdout + run.stderr
        assert "internal error" not in run.stderr
        assert "full" in run.stderr and str(instance.bulk_dir) in run.stderr
        assert staged_csvs(instance) == []
        assert probe(instance, "MATCH (n) RETURN count(n) AS c") == [{"c": 0}]
        assert cli(["query", "--write", "--cypher", "CREATE (p:Probe) RETURN count(p) AS c"], env).returncode == 0


# -- 8. the pid file ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("content", [b"", b'{"pid": 12', b"\x00\x00garbage"])
def test_an_unreadable_pid_file_does_not_orphan_the_jvm(tmp_path, content):
    """A pid file emptied or cut short (a crash while it was written): `status` still finds the JVM by its command
    line, `stop` stops it, and `start` works again (the JVM used to be orphaned: every command said "port taken")."""
    with own_instance(tmp_path / "neo4j") as instance:
        env = env_for(instance)
        pid = json.loads(instance.pid_file.read_text())["pid"]
        instance.pid_file.write_bytes(content)
        status = cli(["neo4j", "status"], env, timeout=60)
        assert status.returncode == 0 and str(pid) in status.stdout + status.stderr, status.stdout + status.stderr
        assert cli(["query", "--cypher", "RETURN 1"], env).returncode == 0
        instance.pid_file.write_bytes(content)
        stop = cli(["neo4j", "stop"], env, timeout=120)
        assert stop.returncode == 0 and "Stopped" in stop.stdout + stop.stderr, stop.stdout + stop.stderr
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
        start = cli(["neo4j", "start", "--no-gds"], env, timeout=300)
        assert start.returncode == 0, start.stderr


def test_the_pid_file_is_replaced_whole(served):
    """The pid file is written to a temporary file and renamed over the old one, never truncated in place."""
    before = served.pid_file.stat().st_ino
    record = json.loads(served.pid_file.read_text())
    served._write_record(record)
    assert served.pid_file.stat().st_ino != before
    assert json.loads(served.pid_file.read_text()) == record
    assert stat.S_IMODE(served.pid_file.stat().st_mode) == 0o600
    assert [p.name for p in served.data_dir.iterdir() if p.name.startswith("neo4j.pid")] == ["neo4j.pid"]
