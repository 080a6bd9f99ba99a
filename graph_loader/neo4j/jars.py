"""Jars from Maven Central, fetched once into the cache and checked against checksums this package ships.

One way for every JVM tool the package runs (the managed Neo4j of :mod:`graph_loader.neo4j.server`, cypher-shell
of :mod:`graph_loader.neo4j.shell`): a ``pom.xml`` inside the package names the artifacts, Maven copies them with
their dependencies into ``<cache>/<tool>/<version>/lib`` (through a ``lib.partial`` folder, renamed only once every
jar checks out, under a lock so that two first runs do not fetch into one folder), and every run checks the folder
against the package's ``*.sha256`` list: exactly those jars, byte for byte. The cache folder may come from a
``.env`` the user did not write; whatever it holds, only the jars this package names run.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
from pathlib import Path

from ..errors import ServerError


def read_checksums(checksums: Path) -> dict[str, str]:
    """``{jar name: sha256}`` from a ``sha256sum`` listing (``#`` lines are comments)."""
    expected = {}
    for line in checksums.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            digest, name = line.split()
            expected[name] = digest
    return expected


def jar_problems(lib: Path, checksums: Path) -> list[str]:
    """How ``lib`` differs from ``checksums``: ``missing <jar>``, ``unexpected <jar>``, ``<jar> differs …``."""
    expected = read_checksums(checksums)
    found = {p.name: p for p in lib.glob("*.jar")}
    problems = [f"missing {name}" for name in sorted(expected.keys() - found.keys())]
    problems += [f"unexpected {name}" for name in sorted(found.keys() - expected.keys())]
    for name in sorted(expected.keys() & found.keys()):
        digest = hashlib.sha256()
        with open(found[name], "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != expected[name]:
            problems.append(f"{name} differs from the published jar")
    return problems


def verify_jars(lib: Path, checksums: Path, *, what: str, fetched_by: str) -> None:
    """Check that ``lib`` holds exactly the jars of ``checksums``, byte for byte; else raise ServerError.

    ``what`` names the tool in the message ("Neo4j", "cypher-shell"); ``fetched_by`` is the command that fetches
    the jars again once the folder is deleted.
    """
    problems = jar_problems(lib, checksums)
    if problems:
        raise ServerError(
            f"the {what} jars in {lib} are not the ones this package runs: {'; '.join(problems[:5])}"
            + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""),
            hint=f"delete {lib.parent} so that `{fetched_by}` fetches them again from Maven Central, "
                 "and check where DKG_CACHE_DIR points")


def ensure_jars(lib: Path, pom: Path, checksums: Path, *, what: str, version: str, properties: dict[str, str],
                fetched_by: str, hint: str, echo=print) -> Path:
    """``lib`` checked against ``checksums``, after fetching it with Maven from ``pom`` when it holds no jar yet.

    ``properties`` are passed to Maven as ``-Dname=value`` (the version); ``hint`` says what to do without Maven
    or without access to Maven Central.
    """
    lib.parent.mkdir(parents=True, exist_ok=True)
    with open(lib.parent / "fetch.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second first run waits, then finds the first one's jars
        if any(lib.glob("*.jar")):
            verify_jars(lib, checksums, what=what, fetched_by=fetched_by)
            return lib
        if shutil.which("mvn") is None:
            raise ServerError("Maven (mvn) was not found on the PATH", hint=hint)
        echo(f"Fetching {what} {version} from Maven Central into {lib} (once) ...")
        partial = lib.with_name(lib.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        mvn = subprocess.run(
            ["mvn", "-q", "-B", "-f", str(pom), "dependency:copy-dependencies", f"-DoutputDirectory={partial}",
             *(f"-D{name}={value}" for name, value in properties.items())],
            capture_output=True, text=True, stdin=subprocess.DEVNULL,
        )
        if mvn.returncode != 0:
            raise ServerError(f"Maven could not resolve {what} {version}:\n{_tail(mvn.stdout + mvn.stderr)}",
                              hint="check access to Maven Central; " + hint)
        verify_jars(partial, checksums, what=what, fetched_by=fetched_by)
        shutil.rmtree(lib, ignore_errors=True)
        partial.rename(lib)
        echo(f"{what} {version}: {sum(1 for _ in lib.glob('*.jar'))} jars ready (checksums verified)")
        return lib


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
